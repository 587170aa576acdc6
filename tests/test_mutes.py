"""Mutes through the CLI and the handler under moto: a muted alert is not published but
logged and counted, critical alerts need --include-critical, and every mute is announced once
when it takes effect and once when it ends (unmute or expiry)."""

from __future__ import annotations

import json

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
    run_cli,
    send,
    tick,
)
from fleet import dedup_table
from support import REGION, Inbox

__all__ = ["clock"]


@pytest.fixture
def table(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> str:
    name = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", name)
    return name


def mute(table: str, *extra: str) -> str:
    code, out = run_cli(
        "mute", "--table", table, "--region", REGION, "--rule", "exec-into-pod",
        "--for", "2h", "--reason", "break-glass INC-4711", *extra,
    )  # fmt: skip
    assert code == 0
    return out.strip()


def test_a_mute_is_announced_once_and_silences_its_rule_only(
    table: str, inbox: Inbox, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    mute_id = mute(table, "--actor", "*alice*", "--cluster", "prod")
    send([exec_into("alice", "api-1"), exec_into("bob", "api-2", "2026-12-07T16:00:02.5Z")])
    send([exec_into("alice", "api-3", "2026-12-07T16:00:03.5Z")], cluster="staging")
    seen = received(inbox)
    notices = [m for m in seen if m["document"].get("kind") == "notice"]
    alerts = [m for m in seen if m["document"].get("kind") == "alert"]
    assert [n["document"]["notice"] for n in notices] == ["mute-started"]
    assert notices[0]["document"]["mute"]["id"] == mute_id
    assert notices[0]["document"]["mute"]["set_by"].startswith("arn:aws:")
    assert notices[0]["attributes"]["source"] == "control"
    # bob on prod and alice on staging still alert; alice on prod does not
    assert sorted((a["attributes"]["actor"], a["attributes"]["cluster"]) for a in alerts) == [
        ("alice@example.com", "staging"),
        ("bob@example.com", "prod"),
    ]
    muted = emf(capsys.readouterr().out, "AlertsMuted")
    assert [(m["rule"], m["AlertsMuted"]) for m in muted] == [("exec-into-pod", [1.0])]
    tick()  # nothing new to announce
    assert received(inbox) == []
    email = emails(inbox)[notices[0]["subject"]]
    assert "break-glass INC-4711" in email
    assert "actor *alice*" in email
    assert f"eks-audit-bot unmute --table {table} {mute_id}" in email


def test_critical_alerts_need_include_critical(table: str, inbox: Inbox, clock: Clock) -> None:
    code, _ = run_cli(
        "mute", "--table", table, "--region", REGION, "--rule", "binding-privileged-role",
        "--for", "1h", "--reason", "cluster bootstrap",
    )  # fmt: skip
    assert code == 0
    send([binds_cluster_admin("alice", "bootstrap-1")])
    assert [m["attributes"]["rule"] for m in received(inbox) if "rule" in m["attributes"]] == [
        "binding-privileged-role",
        "binding-privileged-role",
    ]  # the mute's announcement names the rule; the critical alert still went out
    code, _ = run_cli(
        "mute", "--table", table, "--region", REGION, "--rule", "binding-privileged-role",
        "--for", "1h", "--reason", "cluster bootstrap", "--include-critical",
    )  # fmt: skip
    clock.now += 61  # past the function's one-minute cache of mutes
    send([binds_cluster_admin("alice", "bootstrap-2")])
    kinds = [m["document"]["kind"] for m in received(inbox)]
    assert kinds == ["notice"]  # the new mute announced, the critical alert muted


def test_unmute_ends_it_and_is_announced_once(table: str, inbox: Inbox, clock: Clock) -> None:
    mute_id = mute(table)
    tick()
    assert [m["document"]["notice"] for m in received(inbox)] == ["mute-started"]
    code, out = run_cli("mutes", "--table", table, "--region", REGION)
    assert code == 0
    assert mute_id in out
    assert "break-glass INC-4711" in out
    assert run_cli("unmute", "--table", table, "--region", REGION, mute_id)[0] == 0
    tick()
    tick()
    (ended,) = received(inbox)
    assert ended["document"]["notice"] == "mute-ended"
    assert ended["document"]["mute"]["ended_by"].startswith("arn:aws:")
    assert ended["document"]["mute"]["muted"] == 0
    send([exec_into("alice", "api-1")])
    assert [m["document"]["kind"] for m in received(inbox)] == ["alert"]
    assert run_cli("mutes", "--table", table, "--region", REGION)[1] == "no active mutes\n"
    assert run_cli("unmute", "--table", table, "--region", REGION, mute_id)[0] == 1


def test_an_expired_mute_is_announced_by_the_tick(table: str, inbox: Inbox, clock: Clock) -> None:
    mute(table)
    tick()
    send([exec_into("alice", "api-1"), exec_into("bob", "api-2", "2026-12-07T16:00:02.5Z")])
    clock.now += 2 * 3600 + 1
    tick()
    tick()
    seen = received(inbox)
    assert [m["document"]["notice"] for m in seen] == ["mute-started", "mute-ended"]
    assert seen[1]["document"]["mute"]["muted"] == 2
    assert "(expired)" in next(m for m in emails(inbox).values() if "ended" in m)


def test_mute_rejects_unknown_rules_and_bad_durations(
    table: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["mute", "--table", table, "--region", REGION, "--reason", "x"]
    assert run_cli(*base, "--rule", "exec-into-pods", "--for", "1h")[0] == 2
    assert "not a rule of the catalogs" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli(*base, "--rule", "exec-into-pod", "--for", "forever")
    assert "not a duration" in capsys.readouterr().err
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]
    assert items == []


def test_mutes_as_code_are_announced_and_end_when_removed(
    table: str, inbox: Inbox, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = {"rule": "exec-into-pod", "expires": "2099-01-01T00:00:00Z", "reason": "migration",
            "set_by": "arn:aws:iam::123456789012:role/terraform"}  # fmt: skip
    monkeypatch.setenv("MUTES", json.dumps([spec]))
    send([exec_into("alice", "api-1")])
    (started,) = received(inbox)
    assert started["document"]["mute"]["origin"] == "terraform"
    assert started["document"]["mute"]["set_by"] == "arn:aws:iam::123456789012:role/terraform"
    monkeypatch.setenv("MUTES", "[]")  # the next apply removed it: a new cold start
    from eks_audit_bot import handler

    handler.runtime.cache_clear()
    tick()
    (ended,) = received(inbox)
    assert ended["document"]["notice"] == "mute-ended"
    assert "removed from mutes" in ended["document"]["mute"]["ended_by"]
