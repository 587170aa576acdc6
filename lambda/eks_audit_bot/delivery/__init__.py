"""Delivery: publishing rendered messages to SNS, with retries and per-entry failures, and
remembering what was published (`dedup`) so that no alert goes out twice.

Imports the model only; never detection or rendering.
"""
