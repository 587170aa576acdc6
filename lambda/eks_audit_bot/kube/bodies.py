"""Reading request/response bodies safely: which object a request wrote, and its name.

Bodies are only ever inspected field by field here; they are never logged or published whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_audit_bot.core.jsonvalue import mapping, text
from eks_audit_bot.kube.audit import AuditEvent

# Kinds that describe the request or its result, not the object it touched.
_ENVELOPE_KINDS = frozenset({"Status", "DeleteOptions"})


def object_of(event: AuditEvent) -> Mapping[str, Any]:
    """The object as written: the response (complete even after a patch) unless it is only a
    Status, else the request (a denied or Metadata-level request may have neither)."""
    for body in (event.response_object, event.request_object):
        if body and text(body.get("kind")) not in _ENVELOPE_KINDS:
            return body
    return {}


def name_of(event: AuditEvent) -> str:
    """The object's name: from objectRef, else from the body (a create may only have it there)."""
    if event.object_ref.name:
        return event.object_ref.name
    return text(mapping(object_of(event).get("metadata")).get("name"))
