"""Detection: the cheap decision on decoded JSON (built-in automation reading), one action per
request (stages collapsed, a reused auditID never merging two requests), automation or a
person, the rules (catalog and predicates), what changed, and noise control (digests, the
per-invocation cap).

Pure: no AWS calls and no logging. Imports the model and settings only.
"""
