"""Conformance tables for ``eks_audit_bot.filter_pattern`` (loaded by path, not imported)."""
