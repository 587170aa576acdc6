"""What became of one batch's records, in any feed: its alerts, the records that could not be
read (skips, with their reasons), and the events that needed no alert, by why and who."""

from __future__ import annotations

from collections import Counter


class Skip:
    """A record that could not be read; `where` is a log event id or a line number.
    `detail` never quotes the record, and `audit_id` is set only when well formed."""

    __slots__ = ("audit_id", "detail", "reason", "where")

    def __init__(self, where: str, reason: str, detail: str, audit_id: str | None = None) -> None:
        self.where = where
        self.reason = reason
        self.detail = detail
        self.audit_id = audit_id


class Tally[A]:
    """What became of one batch's events: its alerts, its skips, and what needed no alert.
    Filled in as the batch is read; each feed's result is a subclass."""

    __slots__ = ("alerts", "dropped_by", "received", "skips")

    def __init__(self, received: int = 0) -> None:
        self.alerts: list[A] = []
        self.skips: list[Skip] = []
        # Events read fine but not alerted on, by (why, who): automation, read_only,
        # below_min_severity...; lets `replay` name the identities behind a quiet result.
        self.dropped_by: Counter[tuple[str, str]] = Counter()
        self.received = received

    @property
    def dropped(self) -> Counter[str]:
        """The events that needed no alert, by why."""
        counts: Counter[str] = Counter()
        for (reason, _), count in self.dropped_by.items():
            counts[reason] += count
        return counts

    def drop(self, reason: str, who: str) -> None:
        """Count an event that needs no alert, with who made it (a name, never the event)."""
        self.dropped_by[reason, who] += 1
