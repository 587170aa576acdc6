"""A CloudTrail record (an AWS API call) as a typed, immutable model.

EventBridge delivers each management event a trail logs as "AWS API Call via CloudTrail" with
the record as `detail`; CloudTrail log files and `lookup-events` hold the same record. Only the
fields the bot reasons about are modelled. `requestParameters` and `responseElements` are
caller-controlled (a failed call logs whatever was sent): they are kept as opaque mappings,
read field by field, and never logged or published whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from eks_audit_bot.core.alert import Outcome
from eks_audit_bot.core.invalid import InvalidEvent, SkipReason
from eks_audit_bot.core.jsonvalue import mapping, text
from eks_audit_bot.core.view import CLOUDTRAIL

if TYPE_CHECKING:
    from eks_audit_bot.aws.calls import EventResult
    from eks_audit_bot.aws.rules import AwsCatalog
    from eks_audit_bot.settings import Settings

# Lambda names its API versions in CloudTrail: `UpdateFunctionCode20150331v2`.
_VERSION_SUFFIX = re.compile(r"(?<=[a-z])20\d{6}(v\d+)?$")
_DENIED_CODES = ("AccessDenied", "UnauthorizedOperation", "Client.UnauthorizedOperation")
REQUIRED = ("eventID", "eventName", "eventSource", "eventTime")
ERROR_MESSAGE_LIMIT = 300


def normalized_event_name(name: str) -> str:
    """`UpdateFunctionCode` for `UpdateFunctionCode20150331v2`; other names unchanged."""
    return _VERSION_SUFFIX.sub("", name)


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """CloudTrail's `userIdentity`. The access key id is kept only to find the person behind a
    generic role session (`aws.people`, through the resolver); no alert or log shows it."""

    type: str
    arn: str = ""
    principal_id: str = ""
    account_id: str = ""
    user_name: str = ""
    invoked_by: str = ""
    issuer_arn: str = ""  # sessionContext.sessionIssuer: the role (or user) behind a session
    issuer_type: str = ""
    source_identity: str = ""  # sts:SetSourceIdentity, e.g. the person behind a CI session
    access_key_id: str = field(default="", repr=False)  # never rendered


@dataclass(frozen=True, slots=True)
class ApiCall:
    event_id: str
    event_name: str  # without Lambda's API version suffix
    event_source: str  # `eks.amazonaws.com`
    event_time: str
    identity: CallerIdentity
    region: str = ""
    account_id: str = ""  # recipientAccountId: where the call took effect
    source_ip: str = ""
    user_agent: str = ""
    error_code: str = ""
    error_message: str = ""
    read_only: bool = False
    request: Mapping[str, Any] = field(default_factory=dict)
    response: Mapping[str, Any] = field(default_factory=dict)

    @property
    def audit_id(self) -> str:
        """The event's id, under the name every alert's event uses."""
        return self.event_id

    @property
    def service(self) -> str:
        """`eks` for `eks.amazonaws.com`."""
        return self.event_source.split(".", 1)[0]

    @property
    def operation(self) -> str:
        """`eks:AssociateAccessPolicy`, as IAM names the action."""
        return f"{self.service}:{self.event_name}"

    @property
    def outcome(self) -> Outcome:
        """`allowed`, `denied` (AccessDenied*, UnauthorizedOperation) or `failed` (any other
        error: nothing changed), as for Kubernetes requests."""
        if not self.error_code:
            return Outcome.ALLOWED
        if self.error_code.startswith(_DENIED_CODES):
            return Outcome.DENIED
        return Outcome.FAILED

    def judge(self, settings: Settings, catalog: AwsCatalog, result: EventResult) -> None:
        """Its alert, if any, into `result` (else the reason it was dropped)."""
        from eks_audit_bot.aws.calls import alert_for_call  # noqa: PLC0415 - they import this model

        alert_for_call(self, settings, catalog, result)

    # ---- what every AWS event tells its alert (`AlarmChange` has the same) ----

    source = CLOUDTRAIL  # the `source` message attribute
    has_caller = True  # a person or role made the call: alerts show who

    @property
    def verb(self) -> str:
        return self.event_name

    @property
    def when(self) -> str:
        return self.event_time

    @property
    def access_key_id(self) -> str:
        """The credential the caller signed with (for the resolver only)."""
        return self.identity.access_key_id

    @property
    def source_identity(self) -> str:
        """The person the caller's session carries (`sts:SetSourceIdentity`), if any."""
        return self.identity.source_identity

    @property
    def source_ips(self) -> tuple[str, ...]:
        return (self.source_ip,) if self.source_ip else ()

    @property
    def api_group(self) -> str:
        return self.event_source

    @property
    def resolves(self) -> bool:
        return False

    def with_texts(
        self, *, user_agent: str | None = None, error_message: str | None = None
    ) -> ApiCall:
        """The call with some of its caller texts replaced (sizing shortens them)."""
        return replace(
            self,
            user_agent=self.user_agent if user_agent is None else user_agent,
            error_message=self.error_message if error_message is None else error_message,
        )

    def console_link(self, base: str, region: str) -> tuple[str, str]:
        """What the console link shows and its URL, from a validated console base."""
        event_id = quote(self.event_id, safe="")
        return "Find it in CloudTrail event history:", (
            f"{base}/cloudtrailv2/home?region={region}#/events/{event_id}"
        )

    def what_fields(self, resource: str, target: str, outcome: str) -> list[tuple[str, str]]:
        result = "succeeded"
        if self.error_code:
            message = self.error_message[:ERROR_MESSAGE_LIMIT]
            result = f"{outcome}: {self.error_code}" + (f": {message}" if message else "")
        return [
            ("API call", self.operation),
            ("Resource", resource),
            ("Target", target),
            ("Result", result),
        ]

    def caller_fields(self) -> list[tuple[str, str]]:
        return [("Identity type", self.identity.type), ("Invoked by", self.identity.invoked_by)]

    def document_part(self) -> tuple[str, str, dict[str, Any]]:
        """The document's link name, its own part's name and that part."""
        return (
            "cloudtrail",
            "api_call",
            {
                "event_source": self.event_source,
                "event_name": self.event_name,
                "error_code": self.error_code,
                "error_message": self.error_message[:ERROR_MESSAGE_LIMIT],
                "identity_type": self.identity.type,
                "invoked_by": self.identity.invoked_by,
            },
        )

    def incident_key(self, cluster: str, rule_id: str) -> str:
        """`cloudtrail/<cluster>/<eventID>/<rule>`: the eventID is AWS's, not the caller's."""
        return f"cloudtrail/{cluster}/{self.event_id}/{rule_id}"

    def page_details(self) -> dict[str, str]:
        return {"api_call": self.operation, "error": self.error_code}

    def identity_of(self, rule_id: str) -> dict[str, str]:
        """The dedup identity: AWS assigns the eventID (unique per call and account)."""
        return {"account": self.account_id, "event_id": self.event_id, "rule": rule_id}

    def parameter(self, *path: str) -> object:
        """A value of `requestParameters` by key path, or None."""
        value: object = self.request
        for key in path:
            value = mapping(value).get(key)
        return value


def api_call_from_dict(raw: object) -> ApiCall:
    """Build the model from a decoded CloudTrail record; raise `InvalidEvent` saying why not."""
    if not isinstance(raw, dict):
        raise InvalidEvent(SkipReason.MALFORMED_EVENT, f"JSON {type(raw).__name__}, not a record")
    event_id = raw.get("eventID")
    missing = [key for key in REQUIRED if not isinstance(raw.get(key), str) or not raw[key]]
    if not isinstance(raw.get("userIdentity"), dict):
        missing.append("userIdentity")
    if missing:
        raise InvalidEvent(
            SkipReason.MISSING_FIELDS,
            "CloudTrail record without " + ", ".join(missing),
            event_id if isinstance(event_id, str) else None,
        )
    return ApiCall(
        event_id=raw["eventID"],
        event_name=normalized_event_name(raw["eventName"]),
        event_source=raw["eventSource"],
        event_time=raw["eventTime"],
        identity=_identity(raw["userIdentity"]),
        region=text(raw.get("awsRegion")),
        account_id=text(raw.get("recipientAccountId")),
        source_ip=text(raw.get("sourceIPAddress")),
        user_agent=text(raw.get("userAgent")),
        error_code=text(raw.get("errorCode")),
        error_message=text(raw.get("errorMessage")),
        read_only=raw.get("readOnly") is True,
        request=mapping(raw.get("requestParameters")),
        response=mapping(raw.get("responseElements")),
    )


def _identity(raw: Mapping[str, Any]) -> CallerIdentity:
    context = mapping(raw.get("sessionContext"))
    issuer = mapping(context.get("sessionIssuer"))
    return CallerIdentity(
        type=text(raw.get("type")),
        arn=text(raw.get("arn")),
        principal_id=text(raw.get("principalId")),
        account_id=text(raw.get("accountId")),
        user_name=text(raw.get("userName")),
        invoked_by=text(raw.get("invokedBy")),
        issuer_arn=text(issuer.get("arn")),
        issuer_type=text(issuer.get("type")),
        source_identity=text(context.get("sourceIdentity")),
        access_key_id=text(raw.get("accessKeyId")),
    )
