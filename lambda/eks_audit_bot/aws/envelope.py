"""Is an EventBridge event what it claims: an AWS service's own event, from an allowed account?

EventBridge refuses `PutEvents` with a `source` starting `aws.`: only AWS services emit those,
and EventBridge sets the envelope's `account` itself. So a CloudTrail detail-type is believed
only when

- the `source` is the AWS service of the call (`aws.eks` for `eks.amazonaws.com`,
  `aws.cloudwatch` for `monitoring.amazonaws.com`), or for another detail-type the source its
  entry in `eventbridge.HANDLED` names (an alarm state change: `aws.cloudwatch`);
- the envelope's `account` is allowed (`EVENT_ACCOUNT_IDS`: the function's own account and the
  member accounts the central module lists; with `ORGANIZATION_ID` the bus policy admits only
  the organization's accounts; none set, as in a replay: any account);
- a call's `recipientAccountId` is the envelope's `account`.

Anything else was put on a bus by a person or a program that wants an alert to name someone
who did nothing: a `Forgery`, which the flow counts as a skip and reports as one alert naming
the claimed source and the sending account, never the person the event names.

Pure: no AWS calls and no logging.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.aws.api_call import ApiCall, CallerIdentity
from eks_audit_bot.aws.calls import EventResult
from eks_audit_bot.aws.eventbridge import CALLED_SERVICE
from eks_audit_bot.aws.rules import AwsCatalog
from eks_audit_bot.aws.watched import eventbridge_source
from eks_audit_bot.core.actor import Actor, ActorKind
from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.jsonvalue import mapping, text
from eks_audit_bot.settings import Settings

_ACCOUNT_DIGITS = 12
_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Forgery:
    """Why an event was not believed, and what its envelope says (never its detail's actor)."""

    reason: str
    source: str  # the envelope's `source`, as claimed
    account: str  # the envelope's `account`: where EventBridge says it came from
    detail_type: str
    event_source: str  # what the detail claims: `eks.amazonaws.com`
    event_name: str
    recipient: str  # the detail's recipientAccountId
    region: str
    time: str


def check(event: Mapping[str, Any], settings: Settings, required: str) -> Forgery | None:
    """The forgery an event's envelope shows, or None when it holds. `required`: the source
    AWS gives its detail-type (`eventbridge.HANDLED`), or `CALLED_SERVICE` for an API call."""
    detail = mapping(event.get("detail"))
    source, account = text(event.get("source")), text(event.get("account"))
    is_call = required == CALLED_SERVICE
    claimed = text(detail.get("eventSource")) if is_call else ""
    recipient = text(detail.get("recipientAccountId")) if is_call else ""
    expected = eventbridge_source(claimed) if is_call else required
    reason = ""
    if not source.startswith("aws.") or not expected or source != expected:
        reason = "source_mismatch"
    elif not _allowed(account, settings):
        reason = "account_not_allowed"
    elif is_call and recipient != account:
        reason = "recipient_mismatch"
    if not reason:
        return None
    return Forgery(
        reason=reason,
        source=source[:_LIMIT],
        account=account[:_LIMIT],
        detail_type=text(event.get("detail-type"))[:_LIMIT],
        event_source=claimed[:_LIMIT],
        event_name=text(detail.get("eventName"))[:_LIMIT],
        recipient=recipient[:_LIMIT],
        region=text(event.get("region"))[:_LIMIT],
        time=text(event.get("time"))[:_LIMIT],
    )


def _allowed(account: str, settings: Settings) -> bool:
    if len(account) != _ACCOUNT_DIGITS or not account.isdigit():
        return False
    if settings.organization_id or not settings.event_account_ids:
        return True
    return account in settings.event_account_ids


def describe(forgery: Forgery) -> str:
    """A skip's detail: the reason and the envelope, never the detail's identity."""
    return (
        f"{forgery.reason}: source {forgery.source!r} from account {forgery.account!r} "
        f"claims {forgery.event_source or forgery.detail_type!r}"
    )


def as_call(forgery: Forgery, settings: Settings) -> ApiCall:
    """The attempt as the call it was (`events:PutEvents` from the sending account), with one
    id per sending account and claimed source: a dedup table reports each pair once."""
    key = f"{forgery.account}\0{forgery.source}\0{forgery.event_source}".encode()
    return ApiCall(
        event_id="forged-" + hashlib.sha256(key).hexdigest()[:32],
        event_name="PutEvents",
        event_source="events.amazonaws.com",
        event_time=forgery.time,
        identity=CallerIdentity(type="Unknown", account_id=forgery.account),
        account_id=settings.account_id,
        request={
            "source": forgery.source,
            "detailType": forgery.detail_type,
            "account": forgery.account,
            "claimedEventSource": forgery.event_source,
            "claimedEventName": forgery.event_name,
            "claimedRecipientAccountId": forgery.recipient,
            "reason": forgery.reason,
        },
    )


def alert_for_forgery(
    forgery: Forgery, settings: Settings, catalog: AwsCatalog, result: EventResult
) -> AwsAlert | None:
    """One alert about the attempt (rule `forged-event`), naming the sending account."""
    call = as_call(forgery, settings)
    sender = forgery.account or "an unknown account"
    actor = Actor(
        username=f"account {sender}",
        display_name=f"a sender in account {sender}",
        kind=ActorKind.HUMAN,
    )
    rule = catalog.match(call)
    if rule is None:
        result.drop("no_rule", actor.label)
        return None
    claimed = " ".join(filter(None, (forgery.event_source, forgery.event_name)))
    alert = AwsAlert(
        event=call,
        actor=actor,
        rule=rule,
        location=Location(
            cluster="",
            log_group="",
            account_id=forgery.account,
            account_name=settings.account_name_of(forgery.account),
            # No region: a console link to an event id that is not CloudTrail's would mislead.
            region="",
            partition=settings.partition,
        ),
        resource="event",
        target=forgery.source,
        action=f"sent an event with source {forgery.source or '(none)'} claiming "
        f"{claimed or forgery.detail_type or 'an AWS event'}",
        changes=_changes(forgery),
    )
    if alert.severity.rank < settings.min_severity.rank:
        result.drop("below_min_severity", actor.label)
        return None
    result.alerts.append(alert)
    return alert


def _changes(forgery: Forgery) -> tuple[str, ...]:
    lines = {
        "not believed": _REASONS.get(forgery.reason, forgery.reason),
        "source": forgery.source or "(none)",
        "sending account": forgery.account or "(none)",
        "claimed call": " ".join(filter(None, (forgery.event_source, forgery.event_name))),
        "claimed account": forgery.recipient,
        "claimed region": forgery.region,
    }
    return tuple(f"{label}: {value}" for label, value in lines.items() if value)


_REASONS = {
    "source_mismatch": "the source is not the AWS service of the event",
    "account_not_allowed": "the sending account may not send events to this function",
    "recipient_mismatch": "the call's account is not the sending account",
}
