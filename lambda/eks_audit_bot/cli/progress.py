"""A progress bar for long inputs: events read, events per second, share of the file and the
time left, drawn with rich on stderr only when it is a terminal.

The clock is read every 1,024 log events and the bar redrawn at most twice a second, so it
costs nothing measurable on the hot path; pipes and CI logs never see it. For a gzip file the
share is of the compressed bytes read, which is what the time left is estimated from.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eks_audit_bot.cli.terminal import safe

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

_CHECK_EVERY = 1024


def _no_position() -> int | None:
    return None


@dataclass(slots=True)
class Progress:
    """`start` an input, `tick` once per log event, `finish` to erase the bar.

    Nothing is drawn for an input read in less than `interval`."""

    console: Console | None  # None: disabled
    interval: float = 0.5
    clock: Callable[[], float] = time.monotonic
    _bar: Bar | None = None
    _task: TaskID | None = None
    _position: Callable[[], int | None] = _no_position
    _count: int = 0
    _started: float = 0.0
    _last: float = 0.0
    _shown: bool = False  # drawn only once an input takes longer than `interval`

    @classmethod
    def on_stderr(cls) -> Progress:
        """Enabled only when stderr is a terminal (rich is imported only then)."""
        if not sys.stderr.isatty():
            return cls(None)
        from rich.console import Console  # noqa: PLC0415 - only for a terminal

        return cls(Console(stderr=True))

    @property
    def enabled(self) -> bool:
        return self.console is not None

    def start(self, name: str, size: int | None, position: Callable[[], int | None]) -> None:
        """A new input: its display name, byte size (None if unknown) and read position."""
        if self.console is None:
            return
        self._bar = _bar(self.console, self.clock)
        self._task = self._bar.add_task(safe(name), total=size, events="0", rate="")
        self._position, self._count, self._shown = position, 0, False
        self._started = self._last = self.clock()

    def tick(self) -> None:
        """One more log event read."""
        if self._bar is None:
            return
        self._count += 1
        if self._count % _CHECK_EVERY:
            return
        now = self.clock()
        if now - self._last >= self.interval:
            self._last = now
            self._draw(now)

    def finish(self) -> None:
        """Erase the bar (the summary that follows is what stays on screen)."""
        if self._bar is not None and self._shown:
            self._bar.stop()
        self._bar = self._task = None

    def _draw(self, now: float) -> None:
        if self._bar is None or self._task is None:
            return
        fields: dict[str, Any] = {"events": f"{self._count:,}"}
        elapsed = now - self._started
        if elapsed > 0:
            fields["rate"] = f"{self._count / elapsed:,.0f} events/s"
        position = self._position()
        if position is not None:
            fields["completed"] = position
        self._bar.update(self._task, **fields)
        if not self._shown:
            self._shown = True
            self._bar.start()
        self._bar.refresh()


def _bar(console: Console, clock: Callable[[], float]) -> Bar:
    from rich.progress import (  # noqa: PLC0415 - only for a terminal
        BarColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as Bar  # noqa: PLC0415

    return Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[events]} events"),
        TextColumn("{task.fields[rate]}"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        auto_refresh=False,
        get_time=clock,
    )
