"""A one-line progress indicator for the CLI, drawn on stderr only when it is a terminal.

Redrawn at most twice a second and checked only every 1,024 log events, so it costs nothing
measurable on the hot path; pipes and CI logs never see it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

_CHECK_EVERY = 1024


def _no_position() -> int | None:
    return None


@dataclass(slots=True)
class Progress:
    stream: TextIO
    enabled: bool
    interval: float = 0.5
    clock: Callable[[], float] = time.monotonic
    _name: str = ""
    _size: int | None = None
    _position: Callable[[], int | None] = _no_position
    _count: int = 0
    _last: float = field(default=0.0)
    _shown: bool = False

    @classmethod
    def on_stderr(cls) -> Progress:
        """Enabled only when stderr is a terminal."""
        return cls(sys.stderr, enabled=sys.stderr.isatty())

    def start(self, name: str, size: int | None, position: Callable[[], int | None]) -> None:
        """A new input: its display name, byte size (None if unknown) and read position."""
        self._name, self._size, self._position = name, size, position
        self._count = 0
        self._last = self.clock() if self.enabled else 0.0

    def tick(self) -> None:
        """One more log event read."""
        if not self.enabled:
            return
        self._count += 1
        if self._count % _CHECK_EVERY:
            return
        now = self.clock()
        if now - self._last >= self.interval:
            self._last = now
            self._draw()

    def finish(self) -> None:
        """Erase the line (the summary that follows is what stays on screen)."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def _draw(self) -> None:
        line = f"{self._name}: {self._count:,} events"
        position = self._position()
        if self._size and position is not None:
            percent = min(100, position * 100 // self._size)
            line += f", {percent}% of {self._size / 1_048_576:,.1f} MiB"
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()
        self._shown = True
