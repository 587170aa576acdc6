"""Input shapes, one module per source: what the function is invoked with, decoded into records.

Today the CloudWatch Logs subscription payload. May import the model and settings; never
detection, rendering or delivery.
"""
