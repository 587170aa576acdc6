"""Why a log line is not a usable audit event: the reason codes, and ids safe to log.

Skip logs carry a reason code, a detail that never quotes the line, and the auditID only when
it is well formed (a client may send any `Audit-ID` header, so it is audit data like the rest).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

# CloudWatch Logs cuts events over 256 KB and appends this marker.
TRUNCATION_MARKER = "[Truncated...]"
_AUDIT_ID = re.compile(r'"auditID"\s*:\s*"([0-9a-fA-F-]{8,64})"')
_WELL_FORMED_ID = re.compile(r"[0-9a-fA-F-]{8,64}")


class SkipReason(StrEnum):
    """Why a log event was not turned into an alert candidate (a metric dimension)."""

    NOT_JSON = "not_json"
    TRUNCATED = "truncated"
    MISSING_FIELDS = "missing_fields"
    NOT_AUDIT_EVENT = "not_audit_event"
    NOT_TEXT = "not_text"
    UNJUDGEABLE = "unjudgeable"  # readable, but judging it failed even without its bodies
    # EventBridge events: a detail-type the function does not handle, or a detail it cannot read.
    UNKNOWN_DETAIL_TYPE = "unknown_detail_type"
    MALFORMED_EVENT = "malformed_event"
    # An EventBridge event whose envelope does not hold (source, account): not believed.
    FORGED_EVENT = "forged_event"


class InvalidEvent(ValueError):
    """A log line that cannot be read as an audit event; carries the reason and auditID."""

    def __init__(self, reason: SkipReason, detail: str, audit_id: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.audit_id = audit_id


def well_formed_id(value: object) -> str | None:
    """An auditID fit for logs: 8 to 64 hex digits and dashes, else None."""
    if isinstance(value, str) and _WELL_FORMED_ID.fullmatch(value):
        return value
    return None


def recover_audit_id(message: str) -> str | None:
    """The well-formed auditID of a damaged line, when its first 4 KiB still hold it."""
    found = _AUDIT_ID.search(message[:4096])
    return found.group(1) if found else None


def invalid_reason(raw: dict[str, Any]) -> InvalidEvent | None:
    """Why a decoded object is not a usable audit event (no values echoed), or None."""
    get = raw.get
    user, kind = get("user"), get("kind")
    if (
        type(get("auditID")) is str
        and type(get("stage")) is str
        and type(get("verb")) is str
        and type(user) is dict
        and type(user.get("username")) is str
        and (kind is None or kind == "Event")
    ):
        return None
    return _invalid(raw)


def _invalid(raw: dict[str, Any]) -> InvalidEvent:
    audit_id = well_formed_id(raw.get("auditID"))
    kind = raw.get("kind")
    if kind is not None and kind != "Event":
        return InvalidEvent(SkipReason.NOT_AUDIT_EVENT, "kind is not Event", audit_id)
    missing = [key for key in ("auditID", "stage", "verb") if type(raw.get(key)) is not str]
    user = raw.get("user")
    if type(user) is not dict or type(user.get("username")) is not str:
        missing.append("user.username")
    return InvalidEvent(
        SkipReason.MISSING_FIELDS, "missing or not text: " + ", ".join(missing), audit_id
    )


class PayloadError(ValueError):
    """The invocation payload is not a CloudWatch Logs subscription payload."""
