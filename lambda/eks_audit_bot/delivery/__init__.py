"""Delivery: publishing rendered messages to SNS, with retries and per-entry failures.

Imports the model only; never detection or rendering.
"""
