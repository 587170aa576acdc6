"""What became of one batch's records, in any feed: its alerts, the records that could not be
read (skips, with their reasons), and the events that needed no alert, by why and who."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple


class Skip(NamedTuple):
    """A record that could not be read; `where` is a log event id or a line number.
    `detail` never quotes the record, and `audit_id` is set only when well formed. (Named
    tuples here and in `_Judge`: defined at every cold start, where a frozen dataclass costs
    about a millisecond to create.)"""

    where: str
    reason: str
    detail: str
    audit_id: str | None = None


@dataclass(slots=True)
class Tally[A]:
    """What became of one batch's events: its alerts, its skips, and what needed no alert."""

    alerts: list[A] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    # Events read fine but not alerted on, by (why, who): automation, read_only,
    # below_min_severity...; lets `replay` name the identities behind a quiet result.
    dropped_by: Counter[tuple[str, str]] = field(default_factory=Counter)
    received: int = 0

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
