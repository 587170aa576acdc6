"""One EventBridge event judged: decoded, its envelope verified, then an API call or an alarm
state change to at most one alert.

An event that cannot be read is a counted skip. One whose envelope does not hold
(`envelope.check`: a source that is not the call's AWS service, an account not allowed, a
recipient that is not the sender) is a counted skip too, and raises one alert about the
attempt instead of the one it asked for.

Pure: no AWS calls and no logging.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eks_audit_bot.aws import calls as cloudtrail
from eks_audit_bot.aws import credentials as aws_credentials
from eks_audit_bot.aws import envelope, eventbridge
from eks_audit_bot.aws.rules import AwsCatalog
from eks_audit_bot.core.invalid import InvalidEvent, SkipReason
from eks_audit_bot.core.tally import Skip
from eks_audit_bot.settings import Settings

if TYPE_CHECKING:
    from eks_audit_bot.core.credential import CredentialStore


def judge(
    event: Mapping[str, Any],
    settings: Settings,
    catalog: AwsCatalog,
    where: str = "",
    credentials: CredentialStore | None = None,
) -> cloudtrail.EventResult:
    """What became of one EventBridge event: its alert, its skip, or why it needed neither.
    An STS call that issued a credential is remembered (`credentials`), only once its envelope
    holds: a forged one never links a credential to a person."""
    result = cloudtrail.EventResult(received=1)
    try:
        detail_type = eventbridge.detail_type_of(event)
        decoded = detail_type.decode(event)
    except InvalidEvent as err:
        where = where or (f"event {err.audit_id}" if err.audit_id else "event")
        result.skips.append(Skip(where, err.reason, err.detail, err.audit_id))
        return result
    forgery = envelope.check(event, settings, detail_type.source)
    if forgery is not None:
        detail = envelope.describe(forgery)
        result.skips.append(Skip(where or "event", SkipReason.FORGED_EVENT, detail))
        envelope.alert_for_forgery(forgery, settings, catalog, result)
    elif aws_credentials.is_issuing_call(decoded):
        aws_credentials.remember(decoded, credentials, result)
    else:
        decoded.judge(settings, catalog, result)
    return result
