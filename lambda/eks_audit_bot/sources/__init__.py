"""Input shapes, one module per source: what the function is invoked with, decoded into records.

`cloudwatch` (a CloudWatch Logs subscription payload), `eventbridge` (an AWS API call via
CloudTrail, or an alarm state change) and `kinesis` (the batches CloudWatch Logs destinations
fill with subscription payloads). May import the model and settings; never
detection, rendering or delivery.
"""
