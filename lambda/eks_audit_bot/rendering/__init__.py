"""Rendering: the SNS Subject, the email text, the JSON document, the chat notification,
digests, and one size-checked SNS message per alert with its attributes.

Imports the model and settings only; never detection or delivery.
"""
