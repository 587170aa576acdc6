"""Input shapes, one module per source: what the function is invoked with, decoded into records.

The CloudWatch Logs subscription payload (`cloudwatch`) and the Kinesis batches Logs
destinations fill with such payloads (`kinesis`). May import the model and settings; never
detection, rendering or delivery.
"""
