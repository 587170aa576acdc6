"""The AWS feed: EventBridge events (CloudTrail API calls and CloudWatch alarm state changes),
their models, who called, the rules and phrases that judge and describe them, and how their
alerts read. Loaded with the first EventBridge event.

Imports the core, the output package's rendering helpers and settings; never another feed.
"""
