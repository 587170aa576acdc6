"""The Kubernetes audit event (`audit.k8s.io/v1` Event) as a typed, immutable model.

Only the fields the bot reasons about are modelled. Request and response bodies are kept as
opaque mappings for the rules and change summaries; they are never logged or published whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from eks_audit_bot.model.jsonvalue import mapping, strings, text

# CloudWatch Logs cuts events over 256 KB and appends this marker.
TRUNCATION_MARKER = "[Truncated...]"
_AUDIT_ID = re.compile(r'"auditID"\s*:\s*"([0-9a-fA-F-]{8,64})"')
STREAMING_SUBRESOURCES = frozenset({"exec", "attach", "portforward"})
READ_VERBS = frozenset({"get", "list", "watch"})
REVIEW_RESOURCES = frozenset(
    {
        "selfsubjectaccessreviews",
        "selfsubjectrulesreviews",
        "selfsubjectreviews",
        "subjectaccessreviews",
        "tokenreviews",
        "localsubjectaccessreviews",
    }
)


class SkipReason(StrEnum):
    """Why a log event was not turned into an alert candidate (a metric dimension)."""

    NOT_JSON = "not_json"
    TRUNCATED = "truncated"
    MISSING_FIELDS = "missing_fields"
    NOT_AUDIT_EVENT = "not_audit_event"
    # EventBridge events: a detail-type the function does not handle, or a detail it cannot read.
    UNKNOWN_DETAIL_TYPE = "unknown_detail_type"
    MALFORMED_EVENT = "malformed_event"


class InvalidEvent(ValueError):
    """A log line that cannot be read as an audit event; carries the reason and auditID."""

    def __init__(self, reason: SkipReason, detail: str, audit_id: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.audit_id = audit_id


@dataclass(frozen=True, slots=True)
class UserInfo:
    username: str
    groups: tuple[str, ...] = ()
    extra: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def extra_value(self, key: str) -> str | None:
        values = self.extra.get(key, ())
        return values[0] if values else None


@dataclass(frozen=True, slots=True)
class ObjectRef:
    resource: str = ""
    namespace: str = ""
    name: str = ""
    api_group: str = ""
    api_version: str = ""
    subresource: str = ""


@dataclass(frozen=True, slots=True)
class AuditEvent:
    audit_id: str
    stage: str
    verb: str
    request_uri: str
    user: UserInfo
    impersonated_user: UserInfo | None = None
    source_ips: tuple[str, ...] = ()
    user_agent: str = ""
    object_ref: ObjectRef = field(default_factory=ObjectRef)
    response_code: int | None = None
    request_object: Mapping[str, Any] | None = None
    response_object: Mapping[str, Any] | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)
    request_received: str = ""
    stage_timestamp: str = ""

    @property
    def resource_path(self) -> str:
        """`pods/exec`, `secrets`, or the request URI for non-resource requests."""
        ref = self.object_ref
        if not ref.resource:
            return self.request_uri.split("?", 1)[0]
        return f"{ref.resource}/{ref.subresource}" if ref.subresource else ref.resource

    @property
    def is_streaming(self) -> bool:
        return self.object_ref.subresource in STREAMING_SUBRESOURCES

    @property
    def is_read_only(self) -> bool:
        """Reads and access reviews change nothing (streaming subresources are not reads)."""
        if self.is_streaming:
            return False
        return self.verb in READ_VERBS or self.object_ref.resource in REVIEW_RESOURCES

    @property
    def allowed(self) -> bool:
        """False for 401/403 responses or an authorizer decision of `forbid`."""
        if self.annotations.get("authorization.k8s.io/decision") == "forbid":
            return False
        return self.response_code not in (401, 403)

    @property
    def is_dry_run(self) -> bool:
        return "dryRun=All" in self.request_uri


def recover_audit_id(message: str) -> str | None:
    """The auditID of a damaged line, when its prefix still holds it."""
    found = _AUDIT_ID.search(message[:4096])
    return found.group(1) if found else None


def parse_event(message: str) -> AuditEvent:
    """Parse one log message; raise `InvalidEvent` saying why when it is not usable."""
    if message.rstrip().endswith(TRUNCATION_MARKER):
        raise InvalidEvent(
            SkipReason.TRUNCATED,
            f"line cut by CloudWatch Logs at {len(message.encode())} bytes",
            recover_audit_id(message),
        )
    try:
        raw = json.loads(message)
    except json.JSONDecodeError as err:
        raise InvalidEvent(
            SkipReason.NOT_JSON,
            f"invalid JSON ({err.msg} at char {err.pos})",
            recover_audit_id(message),
        ) from err
    except RecursionError as err:
        raise InvalidEvent(
            SkipReason.NOT_JSON, "JSON nested too deeply", recover_audit_id(message)
        ) from err
    return event_from_dict(raw)


def event_from_dict(raw: object) -> AuditEvent:
    """Build the model from a decoded JSON value (shared by the CLI, which parses first)."""
    if not isinstance(raw, dict):
        raise InvalidEvent(SkipReason.NOT_AUDIT_EVENT, f"JSON {type(raw).__name__}, not an object")
    audit_id = raw.get("auditID")
    kind = raw.get("kind")
    if kind is not None and kind != "Event":
        raise InvalidEvent(SkipReason.NOT_AUDIT_EVENT, f"kind {kind!r}", _str_or_none(audit_id))
    missing = [key for key in ("auditID", "stage", "verb") if not isinstance(raw.get(key), str)]
    user = _user(raw.get("user"))
    if user is None:
        missing.append("user.username")
    if missing or user is None:
        raise InvalidEvent(
            SkipReason.MISSING_FIELDS, "missing " + ", ".join(missing), _str_or_none(audit_id)
        )
    return AuditEvent(
        audit_id=raw["auditID"],
        stage=raw["stage"],
        verb=raw["verb"],
        request_uri=text(raw.get("requestURI")),
        user=user,
        impersonated_user=_user(raw.get("impersonatedUser")),
        source_ips=tuple(strings(raw.get("sourceIPs"))),
        user_agent=text(raw.get("userAgent")),
        object_ref=_object_ref(raw.get("objectRef")),
        response_code=_response_code(raw.get("responseStatus")),
        request_object=_mapping_or_none(raw.get("requestObject")),
        response_object=_mapping_or_none(raw.get("responseObject")),
        annotations={
            k: v for k, v in mapping(raw.get("annotations")).items() if isinstance(v, str)
        },
        # audit.k8s.io/v1beta1 events of old API servers carry only `timestamp`.
        request_received=text(raw.get("requestReceivedTimestamp")) or text(raw.get("timestamp")),
        stage_timestamp=text(raw.get("stageTimestamp")) or text(raw.get("timestamp")),
    )


def _user(value: object) -> UserInfo | None:
    if not isinstance(value, dict) or not isinstance(value.get("username"), str):
        return None
    extra = {
        str(key): tuple(strings(values)) for key, values in mapping(value.get("extra")).items()
    }
    return UserInfo(
        username=value["username"],
        groups=tuple(strings(value.get("groups"))),
        extra=extra,
    )


def _object_ref(value: object) -> ObjectRef:
    ref = mapping(value)
    return ObjectRef(
        resource=text(ref.get("resource")),
        namespace=text(ref.get("namespace")),
        name=text(ref.get("name")),
        api_group=text(ref.get("apiGroup")),
        api_version=text(ref.get("apiVersion")),
        subresource=text(ref.get("subresource")),
    )


def _response_code(value: object) -> int | None:
    code = mapping(value).get("code")
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _mapping_or_none(value: object) -> Mapping[str, Any] | None:
    return value if isinstance(value, dict) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
