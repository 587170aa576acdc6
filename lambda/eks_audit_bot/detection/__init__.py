"""Detection: which stage speaks for an action, automation or a person, the rules (catalog and
predicates), what changed, and noise control (digests, the per-invocation cap).

Pure: no AWS calls and no logging. Imports the model and settings only.
"""
