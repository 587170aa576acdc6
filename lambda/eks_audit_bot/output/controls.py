"""The operators' controls around publishing: mutes, bursts grouped across invocations and
Security Hub findings. `ControlledSink` wraps the SNS sink for one invocation: what a mute
matches is kept back (and recorded for the logs and the `AlertsMuted` metric), what a burst
window takes is folded into it, the rest is published, and every alert that went out or was
folded is imported into Security Hub. `tick` is the scheduled invocation: it announces mutes
that began or ended and publishes the summaries of closed windows.

Every control reads the outgoing messages only (SNS attributes and JSON document), so it
works for every alert kind alike. Mutes are read once a minute at most per warm function.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.output import grouping, mutes, mutetable, notices
from eks_audit_bot.output.sns import Report

if TYPE_CHECKING:
    from eks_audit_bot.output.securityhub import Importer

MUTES_CACHE_SECONDS = 60


def clock() -> float:
    return time.time()


class Sink(Protocol):
    def publish(self, messages: list[Outgoing]) -> Report: ...


@dataclass(slots=True)
class Record:
    """What the controls did in one invocation, for the logs and metrics."""

    muted: list[tuple[Outgoing, mutes.Mute]] = field(default_factory=list)
    held: list[Outgoing] = field(default_factory=list)
    notices: list[Outgoing] = field(default_factory=list)  # announcements and summaries out
    findings: int = 0
    finding_failures: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (operation, error)

    def error(self, operation: str, err: Exception) -> None:
        code = getattr(err, "response", {}).get("Error", {}).get("Code") or type(err).__name__
        self.errors.append((operation, str(code)))


class Controls:
    """Built once per cold start: the mute table (cached reads), the grouper, the importer."""

    __slots__ = ("chat", "code_mutes", "grouper", "importer", "loaded", "mute_table")

    def __init__(
        self,
        mute_table: mutetable.MuteTable | None,
        grouper: grouping.Grouper | None,
        importer: Importer | None,
        code_mutes: Sequence[mutes.Mute] = (),
        *,
        chat: bool = False,
    ) -> None:
        self.mute_table, self.grouper, self.importer = mute_table, grouper, importer
        self.code_mutes = tuple(code_mutes)
        self.chat = chat
        self.loaded: tuple[float, list[mutes.Mute]] | None = None

    def sink(self, inner: Sink) -> ControlledSink:
        return ControlledSink(self, inner, Record())

    def active_mutes(self, inner: Sink, record: Record, *, fresh: bool = False) -> list[mutes.Mute]:
        """The mutes, read at most once a minute; a read also announces mutes that began or
        ended since (each exactly once, by whichever invocation claims it first)."""
        now = clock()
        if self.mute_table is None:
            return []
        if not fresh and self.loaded is not None and now - self.loaded[0] < MUTES_CACHE_SECONDS:
            return self.loaded[1]
        try:
            found = mutetable.reconcile(
                self.mute_table, self.mute_table.load(), self.code_mutes, int(now)
            )
            self._announce(found, inner, record, int(now))
        except grouping.STORE_ERRORS as err:
            record.error("mutes", err)  # no mutes known: alert rather than stay silent
            return self.loaded[1] if self.loaded is not None else []
        self.loaded = (now, found)
        return found

    def _announce(self, found: list[mutes.Mute], inner: Sink, record: Record, now: int) -> None:
        assert self.mute_table is not None
        table = self.mute_table
        for mute in found:
            due = [w for w, done in (("start", mute.announced_start), ("end", mute.announced_end))
                   if not done and (w == "start" or not mute.active(now))]  # fmt: skip
            for which in due:
                if not table.claim(mute, which, now):
                    continue
                notice = notices.mute_notice(mute, which, chat=self.chat, table=table.table)
                if inner.publish([notice]).failures:
                    table.unclaim(mute, which)
                    record.errors.append(("announce", "PublishFailed"))
                    break
                record.notices.append(notice)
                if which == "end":
                    table.retire(mute.mute_id)

    def tick(self, inner: Sink) -> tuple[Report, Record]:
        """The scheduled invocation: announce mutes, flush closed windows."""
        record = Record()
        self.active_mutes(inner, record, fresh=True)
        report = Report()
        if self.grouper is not None:
            try:
                for window in self.grouper.due(int(clock())):
                    self.flush(window, inner, record, report)
            except grouping.STORE_ERRORS as err:
                record.error("flush", err)
        return report, record

    def flush(self, window: dict[str, object], inner: Sink, record: Record, report: Report) -> None:
        assert self.grouper is not None
        members = window.get("members") or []
        total = int(str(window.get("count") or 0))
        if not total:
            self.grouper.done(window, published=True)
            return
        assert isinstance(members, list)
        notice = notices.burst_notice(window, members, total, chat=self.chat)
        part = inner.publish([notice])
        report.published += part.published
        report.failures += part.failures
        if not part.failures:
            record.notices.append(notice)
        self.grouper.done(window, published=not part.failures)


@dataclass(slots=True)
class ControlledSink:
    """One invocation's sink: mutes, then grouping, then SNS, then Security Hub."""

    controls: Controls
    inner: Sink
    record: Record
    closed: set[str] = field(default_factory=set)  # windows found closed, to flush

    def publish(self, messages: list[Outgoing]) -> Report:
        active = self.controls.active_mutes(self.inner, self.record)
        now = clock()
        outgoing = []
        for message in messages:
            mute = mutes.first_match(active, message, now)
            if mute is not None:
                self.record.muted.append((message, mute))
            elif not self._held(message, int(now)):
                outgoing.append(message)
        self._count_muted()
        report = self.inner.publish(outgoing) if outgoing else Report()
        self._import(outgoing, report)
        self._flush_closed(int(now))
        return report

    def _count_muted(self) -> None:
        table = self.controls.mute_table
        if table is None:
            return
        for mute_id, count in sorted(Counter(m.mute_id for _, m in self.record.muted).items()):
            try:
                table.count(mute_id, count)
            except grouping.STORE_ERRORS as err:
                self.record.error("mutes", err)

    def _held(self, message: Outgoing, now: int) -> bool:
        grouper = self.controls.grouper
        if grouper is None or not grouping.groupable(message):
            return False
        try:
            verdict = grouper.hold(message, now)
        except grouping.STORE_ERRORS as err:
            self.record.error("group", err)  # published at once: nothing is dropped
            return False
        if verdict == "closed":  # flushed here too, so a stopped tick cannot keep it back
            self.closed.add(grouping.window_key(message.attributes))
        if verdict == "held":
            self.record.held.append(message)
        return verdict == "held"

    def _flush_closed(self, now: int) -> None:
        grouper = self.controls.grouper
        if grouper is None:
            return
        for key in sorted(self.closed):
            try:
                window = grouper.claim(key, now)
                if window is not None:
                    self.controls.flush(window, self.inner, self.record, Report())
            except grouping.STORE_ERRORS as err:
                self.record.error("flush", err)
        self.closed.clear()

    def _import(self, published: Sequence[Outgoing], report: Report) -> None:
        importer = self.controls.importer
        if importer is None:
            return
        failed = {id(failure.message) for failure in report.failures}
        alerts = [m for m in published if id(m) not in failed and not m.topic_arn]
        try:
            done = importer.import_messages([*alerts, *self.record.held])
        except grouping.STORE_ERRORS as err:
            self.record.error("securityhub", err)
            return
        self.record.findings += done.imported
        self.record.finding_failures += done.failed


type Factory = Callable[[], Controls]
