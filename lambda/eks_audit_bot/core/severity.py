"""How serious an alert is: four levels, ordered, comparable by rank."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def lowered(self) -> Severity:
        """One step lower (denied requests); `low` stays `low`."""
        return _ORDER[max(self.rank - 1, 0)]


_ORDER = (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
_RANKS = {severity: rank for rank, severity in enumerate(_ORDER)}
