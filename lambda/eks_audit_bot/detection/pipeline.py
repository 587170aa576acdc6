"""From log records to alerts: read, pick one stage per action, classify, apply the rules.

Pure: no AWS calls and no logging. Each record is read on its own; one that cannot be read
comes back as a skip with its reason (so the handler can log and count it and the CLI can
report it by line), and never stops the rest. Built-in automation reading ordinary objects is
dropped from the decoded JSON (`shortcut`); only what is left becomes the typed model.
Every record received ends up exactly once as an alert, a `dropped` count or a skip.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eks_audit_bot.detection import classify
from eks_audit_bot.detection.actions import Actions, Item, rank_of
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.detection.shortcut import is_plain_automation_read, read_shortcut_enabled
from eks_audit_bot.model.alert import Alert, Location
from eks_audit_bot.model.audit import (
    AuditEvent,
    InvalidEvent,
    SkipReason,
    checked_event,
    invalid_reason,
    well_formed_id,
)
from eks_audit_bot.model.identity import actor_of
from eks_audit_bot.model.line import decode
from eks_audit_bot.settings import Settings

# A log event: where it was (a log event id or file:line) and its message: text, or already
# decoded (the CLI parses lines to test the filter pattern and should not parse them twice).
# Anything else (a log event without a message) is a skip.
type RawRecord = tuple[str, object]


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that could not be read; `where` is a log event id or a line number.
    `detail` never quotes the record, and `audit_id` is set only when well formed."""

    where: str
    reason: str
    detail: str
    audit_id: str | None = None


@dataclass(slots=True)
class Result:
    alerts: list[Alert] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    # Events read fine but not alerted on, by why: automation, read_only, below_min_severity...
    dropped: Counter[str] = field(default_factory=Counter)
    received: int = 0


def process(
    records: Iterable[RawRecord],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
) -> Result:
    """Log records in, alerts out, for one batch of one log group and stream."""
    result = Result()
    judge = _Judge(location, settings, catalog, result)
    actions = Actions(result.dropped, judge.decide)
    shortcut = read_shortcut_enabled(settings)
    received = 0
    for received, (where, record) in enumerate(records, 1):  # noqa: B007 - counted
        read = _read(where, record, result)
        if read is None:
            continue
        raw, cut = read
        stage, ref = raw["stage"], raw.get("objectRef")
        rank = rank_of(stage, ref.get("subresource") if type(ref) is dict else None, judge.dropped)
        if rank is not None:
            item = None if is_plain_automation_read(raw, enabled=shortcut) else raw
            actions.add(raw["auditID"], stage, record, rank, item, cut=cut, where=where)
    result.received = received
    result.alerts.extend(actions.alerts())
    return result


def alerts_for(
    events: Iterable[AuditEvent],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
) -> Result:
    """The pipeline over already built models (tests and tools enter here)."""
    result = Result()
    actions = Actions(result.dropped, _Judge(location, settings, catalog, result).decide)
    for event in events:
        result.received += 1
        rank = rank_of(event.stage, event.object_ref.subresource, result.dropped)
        if rank is not None:
            actions.add(
                event.audit_id, event.stage, event, rank, event, cut=event.truncated, where=""
            )
    result.alerts.extend(actions.alerts())
    return result


def _read(where: str, record: object, result: Result) -> tuple[dict[str, Any], bool] | None:
    """The decoded event and whether CloudWatch Logs cut it, or None with the skip recorded."""
    try:
        if type(record) is str:
            raw, truncated = decode(record)
        elif type(record) is dict:
            raw, truncated = record, False
        else:
            raise InvalidEvent(SkipReason.NOT_TEXT, "log event without a text message")
        problem = invalid_reason(raw)
        if problem is not None:
            raise problem
    except InvalidEvent as err:
        result.skips.append(Skip(where, err.reason, err.detail, err.audit_id))
        return None
    return raw, truncated


@dataclass(frozen=True, slots=True)
class _Judge:
    """Decides an action from the event chosen for it: the shortcut's verdict (None), or the
    model through classification and the rules."""

    location: Location
    settings: Settings
    catalog: RuleCatalog
    result: Result

    @property
    def dropped(self) -> Counter[str]:
        return self.result.dropped

    def decide(self, item: Item, cut: bool, where: str) -> Alert | None:
        if item is None:
            self.result.dropped["automation"] += 1
            return None
        event = item if isinstance(item, AuditEvent) else checked_event(item, truncated=cut)
        try:
            return _alert(event, self.location, self.settings, self.catalog, self.result)
        except Exception:  # noqa: BLE001 - one odd body must cost neither the batch nor the alert
            return self._without_bodies(event, where)

    def _without_bodies(self, event: AuditEvent, where: str) -> Alert | None:
        """Judged again as if the bodies were not logged (as for a cut line): the rules on
        verb, object and actor still apply. If even that fails, a counted skip."""
        bare = event._replace(request_object=None, response_object=None)
        try:
            return _alert(bare, self.location, self.settings, self.catalog, self.result)
        except Exception as err:  # noqa: BLE001 - counted and logged, the batch goes on
            detail = f"{type(err).__name__} while judging the event"
            skip = Skip(where, SkipReason.UNJUDGEABLE, detail, well_formed_id(event.audit_id))
            self.result.skips.append(skip)
            return None


def _alert(
    event: AuditEvent,
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
    result: Result,
) -> Alert | None:
    actor = actor_of(event)
    if event.is_dry_run:
        result.dropped["dry_run"] += 1
        return None
    if not settings.alert_on_automation and classify.is_automation(event, actor, settings):
        result.dropped["automation"] += 1
        return None
    rule = catalog.match(event, actor)
    if rule is None:
        result.dropped["read_only"] += 1
        return None
    from eks_audit_bot.detection import changes  # noqa: PLC0415 - only batches that alert

    alert = Alert(
        event=event,
        actor=actor,
        rule=rule,
        location=location,
        changes=changes.describe(event),
        client=classify.client_of(event.user_agent),
    )
    if alert.severity.rank < settings.min_severity.rank:
        result.dropped["below_min_severity"] += 1
        return None
    return alert
