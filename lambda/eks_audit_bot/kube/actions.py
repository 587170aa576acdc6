"""One entry per action: the stages of one request collapse, two requests never do.

The API server logs a request once per stage (`RequestReceived`, `ResponseStarted` for
streams, `ResponseComplete`, `Panic`), all under its auditID. But a client may choose the
auditID (the `Audit-ID` header), so the ID alone does not say two events are one request:
they are when what the request *is* matches (verb, URI, user, impersonation, object, source,
user agent, time received) and each stage appears once. A second event of the same shape at a
stage already seen is a second request, unless it is the very same log line again. So a
harmless or dry-run request can never hide another that shares its auditID, in either order,
and the stage that speaks for each action is chosen within that action only.

An action whose best possible stage is in is decided at once and remembered by its record
alone; only actions still waiting for a better stage keep their decoded JSON, and only
auditIDs seen twice are looked at again. Counting is the judge's: a merged event is a
`duplicate_stage`, whatever is decided is an alert, a drop or a skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.audit import AuditEvent
from eks_audit_bot.kube.line import decode

if TYPE_CHECKING:
    from eks_audit_bot.kube.screen import Dropped

# An event as it was read: its log line, its decoded JSON, or a model already built (tests).
type Record = str | dict[str, Any] | AuditEvent

# Which stage speaks for an action. Streaming requests (exec, attach, port-forward) alert when
# the stream opens; everything else when the response is complete. Lower wins.
STREAMING_STAGES = {"ResponseStarted": 0, "ResponseComplete": 1, "Panic": 2}
REQUEST_STAGES = {"ResponseComplete": 0, "Panic": 1}
KNOWN_STAGES = frozenset({"RequestReceived", *STREAMING_STAGES})
_STAGE_REASONS = {stage: f"stage_{stage}" for stage in KNOWN_STAGES}
_STREAMING = ("exec", "attach", "portforward")
_IDENTITY = (
    "verb",
    "requestURI",
    "user",
    "impersonatedUser",
    "objectRef",
    "sourceIPs",
    "userAgent",
    "requestReceivedTimestamp",
)


class Chosen:
    """The event an action is decided on: as decoded (a `line.CutLine` when CloudWatch Logs
    cut its line; an already built model, for tests and tools), where it was, and why the
    screen dropped it already (None: judge it in full)."""

    __slots__ = ("item", "screened", "where")

    def __init__(
        self, item: dict[str, Any] | AuditEvent, where: str, screened: Dropped | None = None
    ) -> None:
        self.item = item
        self.where = where
        self.screened = screened


class Judge(Protocol):
    def decide(self, chosen: Chosen) -> Alert | None:
        """The alert for an action, or None (counted as dropped or skipped)."""

    def duplicate(self, chosen: Chosen) -> None:
        """Count an event merged into an action already seen."""


class Action:
    """One request: each stage seen with its record as read, and the event chosen to speak
    for it (kept until the action is decided)."""

    __slots__ = ("alert", "chosen", "rank", "stages")

    def __init__(self, stages: dict[str, Record], rank: int, chosen: Chosen | None) -> None:
        self.stages = stages
        self.rank = rank
        self.chosen = chosen
        self.alert: Alert | None = None


def rank_of(stage: str, subresource: object) -> int | None:
    """The stage's rank, or None for a stage that never speaks for an action."""
    return (STREAMING_STAGES if subresource in _STREAMING else REQUEST_STAGES).get(stage)


def stage_reason(stage: str) -> str:
    """The drop reason for a stage that never speaks (`stage_RequestReceived`)."""
    return _STAGE_REASONS.get(stage, "stage_unknown")


class Actions:
    """The actions of one batch, decided by `judge`; alerts come out in the order actions
    were first seen."""

    __slots__ = ("_decided", "_judge", "_ordered", "_shared")

    def __init__(self, judge: Judge) -> None:
        # auditID -> the record of the one action under it so far, decided at once (most IDs).
        self._decided: dict[str, Record] = {}
        # auditID -> the actions under an ID seen again, or whose first stage could not speak.
        self._shared: dict[str, list[Action]] = {}
        self._ordered: list[Alert | Action] = []
        self._judge = judge

    def add(self, audit_id: str, stage: str, record: Record, rank: int, chosen: Chosen) -> None:
        """File one event at `stage`: `record` as read, `chosen` as the judge will see it."""
        actions = self._shared.get(audit_id)
        if actions is None:
            first = self._decided.pop(audit_id, None)
            if first is None and rank == 0:
                self._decided[audit_id] = record
                self._keep(self._judge.decide(chosen))
                return
            actions = self._shared[audit_id] = [] if first is None else [_decided(first)]
        action = Action({stage: record}, rank, chosen)
        if self._merged(actions, stage, record, action):
            return
        actions.append(action)
        if rank == 0:
            action.chosen = None
            self._keep(self._judge.decide(chosen))
        else:
            self._ordered.append(action)

    def settled(self, audit_id: str, record: Record) -> bool:
        """File an event decided without the judge at the stage that speaks for its action
        (`rank` 0), when it is the first under its auditID; False (nothing filed) else."""
        if audit_id in self._decided or audit_id in self._shared:
            return False
        self._decided[audit_id] = record
        return True

    def alerts(self) -> Iterator[Alert]:
        """Every alert, deciding the actions that waited in vain for a better stage."""
        for entry in self._ordered:
            if isinstance(entry, Alert):
                yield entry
                continue
            if entry.chosen is not None:
                entry.alert = self._judge.decide(entry.chosen)
                entry.chosen = None
            if entry.alert is not None:
                yield entry.alert

    def _keep(self, alert: Alert | None) -> None:
        if alert is not None:
            self._ordered.append(alert)

    def _merged(self, actions: list[Action], stage: str, record: Record, new: Action) -> bool:
        identity = _identity(record)
        for held in actions:
            seen = held.stages.get(stage, record)
            if (seen is record or seen == record) and _identity(_first(held)) == identity:
                held.stages.setdefault(stage, record)
                if new.chosen is not None:
                    self._judge.duplicate(new.chosen)
                if new.rank < held.rank and held.chosen is not None:
                    held.chosen, held.rank = new.chosen, new.rank
                return True
        return False


def _decided(record: Record) -> Action:
    """An action decided at once, as an entry that later events can be compared with."""
    stage = record.stage if isinstance(record, AuditEvent) else _raw(record).get("stage")
    return Action({str(stage): record}, 0, None)


def _first(action: Action) -> Record:
    return next(iter(action.stages.values()))


def _raw(record: str | dict[str, Any]) -> dict[str, Any]:
    return decode(record) if isinstance(record, str) else record


def _identity(record: Record) -> tuple[object, ...]:
    """What the request is, as far as its event says (read again from the record: this
    runs only for events that share an auditID)."""
    if isinstance(record, AuditEvent):
        return (
            record.verb,
            record.request_uri,
            record.user,
            record.impersonated_user,
            record.object_ref,
            record.source_ips,
            record.user_agent,
            record.request_received,
        )
    raw = _raw(record)
    return tuple(raw.get(key) for key in _IDENTITY)
