"""From log records to alerts: parse, pick one stage per action, classify, apply the rules.

Pure: no AWS calls and no logging. What is skipped comes back with its reason so the handler
can log and count it, and the CLI can report it by line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from eks_audit_bot.detection import changes, classify, probing
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.model.alert import Alert, Location
from eks_audit_bot.model.audit import AuditEvent, InvalidEvent, event_from_dict, parse_event
from eks_audit_bot.model.identity import actor_of, display_name
from eks_audit_bot.settings import Settings

# Which stage speaks for an action. Streaming requests (exec, attach, port-forward) alert when
# the stream opens; everything else when the response is complete. Lower wins.
_STREAMING_STAGES = {"ResponseStarted": 0, "ResponseComplete": 1, "Panic": 2}
_REQUEST_STAGES = {"ResponseComplete": 0, "Panic": 1}


# A log event: where it was (a log event id or file:line) and its message, as text or already
# decoded (the CLI parses lines to test the filter pattern and should not parse them twice).
type RawRecord = tuple[str, str | dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Skip:
    """A record that could not be read; `where` is a log event id or a line number."""

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
    # The same, by (why, who): lets `replay` name the identities behind a quiet result.
    dropped_by: Counter[tuple[str, str]] = field(default_factory=Counter)
    received: int = 0

    def drop(self, reason: str, who: str) -> None:
        """Count an event that needs no alert, with who made it (a name, never the event)."""
        self.dropped[reason] += 1
        self.dropped_by[reason, who] += 1


def parse_records(records: Iterable[RawRecord], result: Result) -> list[AuditEvent]:
    """Parse `(where, message)` pairs; unreadable ones become skips in `result`."""
    events = []
    for where, message in records:
        result.received += 1
        try:
            parsed = parse_event(message) if isinstance(message, str) else event_from_dict(message)
            events.append(parsed)
        except InvalidEvent as err:
            result.skips.append(Skip(where, err.reason, err.detail, err.audit_id))
    return events


def one_per_action(events: Iterable[AuditEvent], result: Result) -> list[AuditEvent]:
    """Keep the stage that speaks for each auditID, in first-seen order; count the rest."""
    chosen: dict[str, tuple[int, AuditEvent]] = {}
    for event in events:
        ranks = _STREAMING_STAGES if event.is_streaming else _REQUEST_STAGES
        rank = ranks.get(event.stage)
        if rank is None:
            result.drop(f"stage_{event.stage}", display_name(event.user))
            continue
        held = chosen.get(event.audit_id)
        if held is not None:
            result.drop("duplicate_stage", display_name(event.user))
            if held[0] <= rank:
                continue
        chosen[event.audit_id] = (rank, event)
    return [event for _, event in chosen.values()]


def alerts_for(
    events: Iterable[AuditEvent],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
    result: Result | None = None,
) -> Result:
    """The whole pipeline over already-parsed events (the CLI enters here too)."""
    result = Result() if result is None else result
    actions = one_per_action(events, result)
    for event in actions:
        alert = _alert(event, location, settings, catalog, result)
        if alert is not None:
            result.alerts.append(alert)
    result.alerts += probing.alerts(actions, location, settings, catalog, result.alerts)
    return result


def process(
    records: Iterable[RawRecord],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
) -> Result:
    """Log records in, alerts out, for one batch of one log group and stream."""
    result = Result()
    events = parse_records(records, result)
    return alerts_for(events, location, settings, catalog, result)


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
