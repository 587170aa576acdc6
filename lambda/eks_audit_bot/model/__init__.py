"""The model: the audit event (and reading it from a log line, even one CloudWatch Logs cut),
who acted, the alert and its severity, the outgoing message.

Plain immutable data and the pure readers that build it. Imports nothing else of ours: every
other package imports it.
"""
