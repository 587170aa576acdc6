"""The command line (`eks-audit-bot test-pattern`, `replay`) and `make demo`: input readers,
progress and bad-line reports. Not in the function zip; the runtime never imports it.
"""
