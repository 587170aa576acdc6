"""Reading request/response bodies safely: which object a request wrote, and its name.

Bodies are only ever inspected field by field here; they are never logged or published whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_audit_bot.audit import AuditEvent

# Kinds that describe the request or its result, not the object it touched.
_ENVELOPE_KINDS = frozenset({"Status", "DeleteOptions"})


def object_of(event: AuditEvent) -> Mapping[str, Any]:
    """The object as written: the response (complete even after a patch) unless it is only a
    Status, else the request (a denied or Metadata-level request may have neither)."""
    for body in (event.response_object, event.request_object):
        if body and body.get("kind") not in _ENVELOPE_KINDS:
            return body
    return {}


def name_of(event: AuditEvent) -> str:
    """The object's name: from objectRef, else from the body (a create may only have it there)."""
    if event.object_ref.name:
        return event.object_ref.name
    name = mapping(object_of(event).get("metadata")).get("name")
    return name if isinstance(name, str) else ""


def mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def mappings(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def text(value: object) -> str:
    return value if isinstance(value, str) else ""
