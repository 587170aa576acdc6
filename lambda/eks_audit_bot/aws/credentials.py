"""STS calls that issue credentials, read for the person they name (`core.credential`).

AssumeRole, AssumeRoleWithSAML and AssumeRoleWithWebIdentity log the credential they issued
(`responseElements.credentials.accessKeyId` and `expiration`) beside who asked: the source
identity when one was set (`sts:SetSourceIdentity`), the SAML assertion's subject or the web
identity token's subject, else the caller itself (for `aws eks get-token --role-arn` run by an
IAM Identity Center user, the session `AWSReservedSSO_.../alice@example.com`). A call that
failed issued nothing; a call whose only name is itself generic names nobody.

Pure: no AWS calls. The access key id is returned to be hashed (`credential_key`), never kept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple, TypeGuard

from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.aws.caller import caller_name
from eks_audit_bot.core.credential import CredentialLink, CredentialStore, is_generic_session
from eks_audit_bot.core.jsonvalue import mapping, text
from eks_audit_bot.core.tally import Tally

STS = "sts.amazonaws.com"
ISSUING_CALLS = frozenset({"AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"})
# CloudTrail writes the expiration for people: "Nov 20, 2026, 11:02:00 AM" (UTC).
_EXPIRATION_FORMAT = "%b %d, %Y, %I:%M:%S %p"
DEFAULT_DURATION = timedelta(hours=1)  # STS's default DurationSeconds
MAX_DURATION = timedelta(hours=12)  # the longest a role session may last


class Issued(NamedTuple):
    """A credential an STS call issued: its key (to hash), whom it names, and until when."""

    access_key_id: str
    link: CredentialLink
    expires: datetime


def is_issuing_call(event: object) -> TypeGuard[ApiCall]:
    """An STS call that issues credentials (of any outcome)."""
    return (
        isinstance(event, ApiCall)
        and event.event_source == STS
        and event.event_name in ISSUING_CALLS
    )


def issued_by(call: ApiCall, found_by: str = "its CloudTrail event") -> Issued | None:
    """The credential `call` issued and the person it names, or None (failed, no credential
    in the record, or no name that is a person)."""
    if not is_issuing_call(call) or call.error_code:
        return None
    credentials = mapping(call.response.get("credentials"))
    key = text(credentials.get("accessKeyId"))
    named = _person(call)
    if not key or named is None:
        return None
    person, basis = named
    role = text(call.parameter("roleArn")) or text(
        mapping(call.response.get("assumedRoleUser")).get("arn")
    )
    link = CredentialLink(person, call.event_name, role, call.event_time, basis, found_by)
    return Issued(key, link, _expiration(call, text(credentials.get("expiration"))))


def remember[A](call: ApiCall, store: CredentialStore | None, tally: Tally[A]) -> None:
    """Keep the link of the credential an STS call issued (counted as `credential_linked`), or
    count why not: no state table, or a call that names nobody or issued nothing."""
    who = caller_name(call.identity)
    issued = issued_by(call)
    if issued is None:
        tally.drop("credential_names_nobody", who)
    elif store is None:
        tally.drop("credential_not_kept", who)  # no state table: LookupEvents only
    else:
        store.put(*issued)
        tally.drop("credential_linked", who)


def _person(call: ApiCall) -> tuple[str, str] | None:
    response = call.response
    candidates = (
        (text(response.get("sourceIdentity")), "its source identity"),
        (text(call.parameter("sourceIdentity")), "its source identity"),
        (text(response.get("subject")), "the SAML subject"),
        (text(response.get("subjectFromWebIdentityToken")), "the web identity subject"),
        (
            caller_name(call.identity) if call.event_name == "AssumeRole" else "",
            "the caller's identity",
        ),
    )
    for name, basis in candidates:
        if name and not is_generic_session(name):
            return name[:256], basis
    return None


def _expiration(call: ApiCall, logged: str) -> datetime:
    """When the credential expires: as logged, else the requested duration after the call."""
    issued = _time(call.event_time) or datetime.now(UTC)
    try:
        return datetime.strptime(logged, _EXPIRATION_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        pass
    duration = call.parameter("durationSeconds")
    seconds = duration if isinstance(duration, int) and duration > 0 else None
    span = timedelta(seconds=seconds) if seconds else DEFAULT_DURATION
    return issued + min(span, MAX_DURATION)


def _time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
