"""The one exception a bad filter pattern raises."""

from __future__ import annotations


class FilterPatternError(ValueError):
    """A filter pattern CloudWatch Logs would reject.

    ``position`` is the 1-based character position of the offending character (one past the
    end for a pattern that stops too early) and ``rule`` says which rule it breaks.
    """

    def __init__(self, position: int, rule: str) -> None:
        super().__init__(f"position {position}: {rule}")
        self.position = position
        self.rule = rule

    def __reduce__(self) -> tuple[type[FilterPatternError], tuple[int, str]]:
        return (type(self), (self.position, self.rule))
