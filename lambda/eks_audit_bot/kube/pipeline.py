"""From log records to alerts: read, pick one stage per action, classify, apply the rules.

Pure: no AWS calls and no logging. Each record is read on its own; one that cannot be read
comes back as a skip with its reason (so the handler can log and count it and the CLI can
report it by line), and never stops the rest. What no rule could match (automation at work,
people's ordinary reads) is dropped from the decoded JSON (`screen`); only what is left
becomes the typed model. Every record received ends up exactly once as an alert, a `dropped`
count or a skip.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.tally import Skip, Tally
from eks_audit_bot.kube import classify
from eks_audit_bot.kube.actions import Actions, Chosen, rank_of, stage_reason
from eks_audit_bot.kube.alert import Alert, outcome_of
from eks_audit_bot.kube.audit import (
    AuditEvent,
    InvalidEvent,
    SkipReason,
    UserInfo,
    checked_event,
    invalid_reason,
    well_formed_id,
)
from eks_audit_bot.kube.identity import actor_of, display_name
from eks_audit_bot.kube.line import CutLine, decode
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.kube.screen import Dropped, Screen
from eks_audit_bot.settings import Settings

# A log event: where it was (a log event id or file:line) and its message: text, or already
# decoded (the CLI parses lines to test the filter pattern and should not parse them twice).
# Anything else (a log event without a message) is a skip.
type RawRecord = tuple[str, object]


class Result(Tally[Alert]):
    """What became of one batch of audit-log events."""

    __slots__ = ()


def process(
    records: Iterable[RawRecord],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
) -> Result:
    """Log records in, alerts out, for one batch of one log group and stream."""
    judge = _Judge(location, settings, catalog)
    result, screen = judge.result, judge.screen
    actions = Actions(judge)
    # Bound once: this loop runs for every event of the batch. What the screen drops is
    # counted once the loop is done (`Counter.update` over a list beats `+= 1` per event).
    screened: list[Dropped] = []
    read_json, settled, count = screen.read, actions.settled, screened.append
    received = 0
    for received, (where, record) in enumerate(records, 1):  # noqa: B007 - counted
        try:
            if type(record) is str:
                line: str | dict[str, Any] = record
                raw = decode(record)
            elif type(record) is dict:
                line = raw = record
            else:
                raise InvalidEvent(SkipReason.NOT_TEXT, "log event without a text message")
        except InvalidEvent as err:
            result.skips.append(Skip(where, err.reason, err.detail, err.audit_id))
            continue
        rank, dropped, _ = read_json(raw)
        if dropped is None:
            if rank is None:
                _skip(where, raw, result)
            else:
                actions.add(raw["auditID"], raw["stage"], line, rank, Chosen(raw, where))
        elif rank is None or (rank == 0 and settled(raw["auditID"], line)):
            count(dropped)  # `Tally.drop`, for the most common events
        else:
            actions.add(raw["auditID"], raw["stage"], line, rank, Chosen(raw, where, dropped))
    result.received = received
    result.dropped_by.update(screened)
    return judge.finish(actions)


def alerts_for(
    events: Iterable[AuditEvent],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
) -> Result:
    """The pipeline over already built models (tests and tools enter here)."""
    judge = _Judge(location, settings, catalog)
    result = judge.result
    actions = Actions(judge)
    for index, event in enumerate(events, 1):
        result.received += 1
        rank = rank_of(event.stage, event.object_ref.subresource)
        if rank is None:
            judge.drop(stage_reason(event.stage), event.user)
        else:
            actions.add(event.audit_id, event.stage, event, rank, Chosen(event, str(index)))
    return judge.finish(actions)


def _skip(where: str, raw: dict[str, Any], result: Result) -> None:
    """Record why a decoded object is not an audit event."""
    problem = invalid_reason(raw)
    if problem is not None:
        result.skips.append(Skip(where, problem.reason, problem.detail, problem.audit_id))


class _Judge:
    """Decides actions (`actions.Judge`) and counts what needs no alert, with who made it.
    Events that batch rules (`probing`) may count are kept for them."""

    __slots__ = ("batch", "catalog", "location", "result", "screen", "settings")

    def __init__(self, location: Location, settings: Settings, catalog: RuleCatalog) -> None:
        """The judge of one batch, with the catalog of its cluster's region (its networks)."""
        self.location = location
        self.settings = settings
        self.catalog = catalog.for_region(location.region)
        self.result = Result()
        self.screen = Screen(settings, self.catalog)  # also knows the batch's identities
        self.batch: list[AuditEvent] = []

    def finish(self, actions: Actions) -> Result:
        """The alerts in the order actions were first seen, then those of the batch rules."""
        self.result.alerts.extend(actions.alerts())
        if self.batch:
            from eks_audit_bot.kube import probing  # noqa: PLC0415 - batches it counts in

            alerted = self.result.alerts
            args = (self.location, self.settings, self.catalog, alerted)
            self.result.alerts += probing.alerts(self.batch, *args)
        return self.result

    def decide(self, chosen: Chosen) -> Alert | None:
        item = chosen.item
        if chosen.screened is not None:
            self.result.drop(*chosen.screened)
            return None
        if isinstance(item, AuditEvent):
            event = item
        else:
            event = checked_event(item, truncated=type(item) is CutLine)
        self._keep_for_batch_rules(event)
        try:
            return _alert(event, self.location, self.settings, self.catalog, self.result)
        except Exception:  # noqa: BLE001 - one odd body must cost neither the batch nor the alert
            return self._without_bodies(event, chosen.where)

    def _keep_for_batch_rules(self, event: AuditEvent) -> None:
        if outcome_of(event) in self.catalog.batch_outcomes:
            self.batch.append(event)

    def duplicate(self, chosen: Chosen) -> None:
        item = chosen.item
        self.drop("duplicate_stage", item["user"] if isinstance(item, dict) else item.user)

    def drop(self, reason: str, user: dict[str, Any] | UserInfo) -> None:
        self.result.drop(reason, self._name(user))

    def _name(self, user: dict[str, Any] | UserInfo) -> str:
        return display_name(user) if isinstance(user, UserInfo) else self.screen.who(user)

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
        result.drop("dry_run", actor.label)
        return None
    rule = catalog.decide(event, actor, settings)
    if isinstance(rule, str):
        result.drop(rule, actor.label)
        return None
    from eks_audit_bot.kube import changes  # noqa: PLC0415 - only batches that alert

    alert = Alert(
        event=event,
        actor=actor,
        rule=rule,
        location=location,
        changes=changes.describe(event),
        client=classify.client_of(event.user_agent),
    )
    if alert.severity.rank < settings.min_severity.rank:
        result.drop("below_min_severity", actor.label)
        return None
    return alert
