"""The Kubernetes audit event (`audit.k8s.io/v1` Event) as a typed, immutable model.

Only the fields the bot reasons about are modelled. Request and response bodies are kept as
opaque mappings for the rules and change summaries; they are never logged or published whole.
Every reader is total: a field of the wrong type reads as absent, and only the fields that
decide an alert (auditID, stage, verb, user) make an event unreadable when they are missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from eks_audit_bot.core.invalid import (
    TRUNCATION_MARKER,
    InvalidEvent,
    SkipReason,
    invalid_reason,
    recover_audit_id,
    well_formed_id,
)
from eks_audit_bot.kube.line import CutLine, decode
from eks_audit_bot.kube.requesturi import is_dry_run

__all__ = [
    "TRUNCATION_MARKER",
    "AuditEvent",
    "InvalidEvent",
    "ObjectRef",
    "SkipReason",
    "UserInfo",
    "event_from_dict",
    "invalid_reason",
    "parse_event",
    "recover_audit_id",
    "well_formed_id",
]
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


# The model is immutable like the rest, but as named tuples rather than frozen dataclasses:
# it is built for every event the screen cannot drop, and a frozen dataclass's `__init__`
# (one `object.__setattr__` per field) costs as much as decoding the event's JSON.
_EMPTY: Mapping[str, Any] = MappingProxyType({})
# The authorizer's verdict among an event's annotations (`allow`, `forbid`).
DECISION_ANNOTATION = "authorization.k8s.io/decision"


class UserInfo(NamedTuple):
    username: str
    groups: tuple[str, ...] = ()
    # As logged: key -> list of strings (`arn`, `canonicalArn`, `sessionName`...).
    extra: Mapping[str, object] = _EMPTY

    def extra_value(self, key: str) -> str | None:
        """The first string logged under `extra[key]`, if any."""
        values = self.extra.get(key)
        if type(values) is list:
            for value in values:
                if type(value) is str:
                    return value
        return None


class ObjectRef(NamedTuple):
    resource: str = ""
    namespace: str = ""
    name: str = ""
    api_group: str = ""
    api_version: str = ""
    subresource: str = ""


class AuditEvent(NamedTuple):
    audit_id: str
    stage: str
    verb: str
    request_uri: str
    user: UserInfo
    impersonated_user: UserInfo | None = None
    source_ips: tuple[str, ...] = ()
    user_agent: str = ""
    object_ref: ObjectRef = ObjectRef()
    response_code: int | None = None
    request_object: Mapping[str, Any] | None = None
    response_object: Mapping[str, Any] | None = None
    annotations: Mapping[str, str] = _EMPTY
    request_received: str = ""
    stage_timestamp: str = ""
    # CloudWatch Logs cut the line: what follows the deciding fields (bodies...) is missing.
    truncated: bool = False

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
        if self.annotations.get(DECISION_ANNOTATION) == "forbid":
            return False
        return self.response_code not in (401, 403)

    @property
    def is_dry_run(self) -> bool:
        """True only when the query string has a `dryRun` parameter equal to `All`, as the API
        server reads it (`?fieldManager=dryRun=All` is a field manager, not a dry run)."""
        return is_dry_run(self.request_uri)


def parse_event(message: str) -> AuditEvent:
    """Parse one log message; raise `InvalidEvent` saying why when it is not usable."""
    raw = decode(message)
    return event_from_dict(raw, truncated=type(raw) is CutLine)


def event_from_dict(raw: object, *, truncated: bool = False) -> AuditEvent:
    """Build the model from a decoded JSON value (shared by the CLI, which parses first)."""
    if not isinstance(raw, dict):
        raise InvalidEvent(SkipReason.NOT_AUDIT_EVENT, f"JSON {type(raw).__name__}, not an object")
    problem = invalid_reason(raw)
    if problem is not None:
        raise problem
    return checked_event(raw, truncated=truncated)


def checked_event(raw: dict[str, Any], *, truncated: bool = False) -> AuditEvent:
    """The model of an object `invalid_reason` accepted."""
    get = raw.get
    ref, status, annotations = get("objectRef"), get("responseStatus"), get("annotations")
    return AuditEvent(
        raw["auditID"],
        raw["stage"],
        raw["verb"],
        _text(get("requestURI")),
        _user(raw["user"]) or UserInfo(""),
        _user(get("impersonatedUser")),
        _strings(get("sourceIPs")),
        _text(get("userAgent")),
        _object_ref(ref) if type(ref) is dict else _NO_REF,
        _response_code(status) if type(status) is dict else None,
        _mapping_or_none(get("requestObject")),
        _mapping_or_none(get("responseObject")),
        _annotations(annotations) if type(annotations) is dict else _EMPTY,
        # audit.k8s.io/v1beta1 events of old API servers carry only `timestamp`.
        _timestamp(get("requestReceivedTimestamp")) or _timestamp(get("timestamp")),
        _timestamp(get("stageTimestamp")) or _timestamp(get("timestamp")),
        truncated,
    )


type Shape = tuple[str, str, str, str, str, int | None, str]


def shape_of(raw: dict[str, Any]) -> Shape:
    """What the model reads of an accepted object's verb, object reference (resource,
    subresource, namespace, API group), response code and authorization decision: all a rule
    sees of it besides the actor, the name, the bodies, the URI and the addresses."""
    get = raw.get
    ref, status, annotations = get("objectRef"), get("responseStatus"), get("annotations")
    # The model's readers, inlined: this runs for every event, before any model is built.
    if type(ref) is dict:
        rget = ref.get
        resource, sub = rget("resource"), rget("subresource")
        namespace, group = rget("namespace"), rget("apiGroup")
    else:
        resource = sub = namespace = group = ""
    code = status.get("code") if type(status) is dict else None
    decision = annotations.get(DECISION_ANNOTATION) if type(annotations) is dict else None
    return (
        raw["verb"],
        resource if type(resource) is str else "",
        sub if type(sub) is str else "",
        namespace if type(namespace) is str else "",
        group if type(group) is str else "",
        code if type(code) is int else None,
        decision if type(decision) is str else "",
    )


def _text(value: object) -> str:
    return value if type(value) is str else ""


def _strings(value: object) -> tuple[str, ...]:
    if type(value) is not list:
        return ()
    return tuple(item for item in value if type(item) is str)


def _annotations(value: dict[str, Any]) -> Mapping[str, str]:
    return {key: item for key, item in value.items() if type(item) is str}


def _timestamp(value: object) -> str:
    """An RFC 3339 time as logged, or empty for anything absurd (wrong type, far past or
    future, oversized): it is shown and used for a console link, never trusted."""
    if type(value) is not str or len(value) > 40 or not "1970" <= value[:4] <= "9998":
        return ""
    return value


def user_info(value: dict[str, Any]) -> UserInfo:
    """The user of an object `invalid_reason` accepted (its `user` or `impersonatedUser`)."""
    return _user(value) or UserInfo("")


def _user(value: object) -> UserInfo | None:
    if type(value) is not dict:
        return None
    username, extra = value.get("username"), value.get("extra")
    if type(username) is not str:
        return None
    return UserInfo(
        username, _strings(value.get("groups")), extra if type(extra) is dict else _EMPTY
    )


_NO_REF = ObjectRef()


def _object_ref(ref: dict[str, Any]) -> ObjectRef:
    get = ref.get
    return ObjectRef(
        _text(get("resource")),
        _text(get("namespace")),
        _text(get("name")),
        _text(get("apiGroup")),
        _text(get("apiVersion")),
        _text(get("subresource")),
    )


def _response_code(status: dict[str, Any]) -> int | None:
    code = status.get("code")
    return code if type(code) is int else None


def _mapping_or_none(value: object) -> Mapping[str, Any] | None:
    return value if isinstance(value, dict) else None
