"""Bursts grouped across invocations, through the handler under moto: an actor's first alert
on a cluster goes out at once, the rest within the window fold into one summary that the
scheduled tick publishes when the window closes; critical alerts are never held, and when the
state table fails the alert goes out at once."""

from __future__ import annotations

import boto3
import pytest

from controls_support import (
    Clock,
    binds_cluster_admin,
    clock,
    emails,
    emf,
    exec_into,
    received,
    send,
    tick,
)
from fleet import dedup_table
from support import REGION, Inbox

__all__ = ["clock"]
WINDOW_MINUTES = 10


@pytest.fixture
def table(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> str:
    name = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", name)
    monkeypatch.setenv("GROUP_WINDOW_MINUTES", str(WINDOW_MINUTES))
    return name


def at(second: int) -> str:
    return f"2026-12-07T16:{second // 60:02d}:{second % 60:02d}.512345Z"


def test_a_burst_is_one_alert_then_one_summary(
    table: str, inbox: Inbox, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = 0
    for minute in range(8):  # alice, one invocation a minute, five pods each
        send([exec_into("alice", f"api-{minute}-{i}", at(minute * 60 + i)) for i in range(5)])
        changes += 5
        clock.now += 60
    first = received(inbox)
    assert [m["document"]["kind"] for m in first] == ["alert"]  # the first one, at once
    assert first[0]["document"]["request"]["name"] == "api-0-0"
    assert sum(r["AlertsGrouped"][0] for r in emf(capsys.readouterr().out, "AlertsGrouped")) == 39
    tick()  # the window is still open
    assert received(inbox) == []
    clock.now += WINDOW_MINUTES * 60
    tick()
    tick()  # a second tick finds nothing: exactly one summary
    (summary,) = received(inbox)
    assert summary["document"]["notice"] == "burst-summary"
    assert summary["document"]["burst"]["count"] == changes - 1
    assert len(summary["document"]["burst"]["members"]) == changes - 1
    assert summary["attributes"]["actor"] == "alice@example.com"
    assert summary["attributes"]["source"] == "audit-log"
    assert summary["attributes"]["digest"] == "burst"
    assert (
        "alice@example.com made 39 more change(s) on prod from" in emails(inbox)[summary["subject"]]
    )
    send([exec_into("alice", "api-next", at(900))])  # a new burst begins: out at once
    assert [m["document"]["kind"] for m in received(inbox)] == ["alert"]


def test_critical_alerts_and_other_actors_are_never_held(
    table: str, inbox: Inbox, clock: Clock
) -> None:
    send([exec_into("alice", "api-1", at(1))])
    send([exec_into("alice", "api-2", at(2)), binds_cluster_admin("alice", "root")])
    send([exec_into("bob", "api-3", at(3))])
    out = [(m["attributes"]["actor"], m["attributes"]["severity"]) for m in received(inbox)]
    assert out == [
        ("alice@example.com", "medium"),
        ("alice@example.com", "critical"),
        ("bob@example.com", "medium"),
    ]
    clock.now += WINDOW_MINUTES * 60 + 1
    tick()
    (summary,) = received(inbox)
    assert summary["document"]["burst"]["count"] == 1


def test_when_the_table_fails_alerts_go_out_at_once(
    table: str, inbox: Inbox, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    send([exec_into("alice", "api-1", at(1))])
    boto3.client("dynamodb", region_name=REGION).delete_table(TableName=table)
    send([exec_into("alice", "api-2", at(2))])
    assert [m["document"]["request"]["name"] for m in received(inbox)] == ["api-1", "api-2"]
    errors = emf(capsys.readouterr().out, "ControlErrors")
    assert {record["reason"] for record in errors} >= {"group"}


def test_without_the_tick_the_next_alert_flushes_a_closed_window(
    table: str, inbox: Inbox, clock: Clock
) -> None:
    send([exec_into("alice", "api-1", at(1))])
    send([exec_into("alice", "api-2", at(2)), exec_into("alice", "api-3", at(3))])
    assert len(received(inbox)) == 1
    clock.now += WINDOW_MINUTES * 60 + 1  # the window closed; no tick came
    send([exec_into("alice", "api-4", at(700))])
    seen = received(inbox)
    assert sorted(m["document"]["kind"] for m in seen) == ["alert", "notice"]
    (summary,) = [m for m in seen if m["document"]["kind"] == "notice"]
    assert summary["document"]["burst"]["count"] == 2
    tick()
    assert received(inbox) == []
