"""Input shapes, one module per source: what the function is invoked with, decoded into records.

`cloudwatch` (a CloudWatch Logs subscription payload) and `eventbridge` (an AWS API call via
CloudTrail, or an alarm state change). May import the model and settings; never
detection, rendering or delivery.
"""
