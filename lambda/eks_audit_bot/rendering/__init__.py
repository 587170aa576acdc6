"""Rendering: the SNS Subject, the email text, the JSON document, the chat notification,
digests, and one SNS message per alert with only the bodies that differ, fitted to SNS's
limit on a request (largest fields shortened first) with its attributes.

Imports the model and settings only; never detection or delivery.
"""
