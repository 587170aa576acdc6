"""`replay` and `test-pattern` on CloudTrail: log files, `lookup-events` output, EventBridge events.

The inputs are written here from the EventBridge fixtures' records, in the shapes AWS writes
them: a CloudTrail log file (`{"Records": [...]}`, gzip as in S3), `aws cloudtrail
lookup-events` output (each record a JSON string in `CloudTrailEvent`), and JSON lines of
EventBridge events as the function receives them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot.cli import main as cli
from support import load_eventbridge_case

API_CALLS = [
    "sso-user-grants-cluster-admin",  # critical
    "iam-user-disables-audit-logging",  # critical
    "ci-role-creates-access-entry",  # high unless the CI role is automation
    "read-only-call",  # no alert
]


def records(names: list[str]) -> list[dict[str, Any]]:
    return [load_eventbridge_case(name)["event"]["detail"] for name in names]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    """A CloudTrail log file as a trail writes it to S3: one gzip JSON document."""
    path = tmp_path / "111122223333_CloudTrail_eu-west-1_20261120T0915Z_a1b2c3.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": records(API_CALLS)}).encode()))
    return path


@pytest.fixture
def lookup_output(tmp_path: Path) -> Path:
    """`aws cloudtrail lookup-events` output, pretty-printed as the CLI prints it."""
    events = [
        {
            "EventId": record["eventID"],
            "EventName": record["eventName"],
            "ReadOnly": str(record["readOnly"]).lower(),
            "EventTime": record["eventTime"],
            "EventSource": record["eventSource"],
            "Resources": [],
            "CloudTrailEvent": json.dumps(record),
        }
        for record in records(API_CALLS)
    ]
    path = tmp_path / "lookup-events.json"
    path.write_text(json.dumps({"Events": events}, indent=4))
    return path


def alerts(out: str) -> list[tuple[str, str, str]]:
    documents = [json.loads(line) for line in out.splitlines()]
    return [(doc["rule"]["id"], doc["severity"], doc["actor"]["display_name"]) for doc in documents]


EXPECTED = [
    ("eks-cluster-admin-granted", "critical", "alice@example.com"),
    ("eks-audit-logging-disabled", "critical", "bob"),
    ("eks-access-entry-created", "high", "GitHubActions"),
]


@pytest.mark.parametrize("source", ["log_file", "lookup_output"])
def test_replay_alerts_on_cloudtrail_records(
    source: str, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "replay", "--json", request.getfixturevalue(source))
    assert code == 0
    assert alerts(out) == EXPECTED
    assert "Read 4 log events: 4 CloudTrail or EventBridge events (no pattern applies)." in err
    assert "The Lambda judged 4: 3 alerts, 1 quiet." in err
    assert "Bad lines" not in err


def test_replay_applies_automation_principals_to_cloudtrail(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ci_role = "arn:aws:iam::*:role/github-actions-*"
    code, out, _ = run(capsys, "replay", "--json", "--automation-principal", ci_role, log_file)
    assert code == 0
    assert alerts(out) == EXPECTED[:2]


def test_replay_eventbridge_events_as_the_function_gets_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["alarm-audit-log-silent", "rule-disabled", "unknown-detail-type"]
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(load_eventbridge_case(n)["event"]) + "\n" for n in names))
    code, out, err = run(capsys, "replay", path)
    assert code == 0
    subjects = [line for line in out.splitlines() if line.startswith("Subject: ")]
    assert subjects == [
        "Subject: [HIGH] Audit log silent in prod-eu: alarm eks-audit-bot-silence-a went to ALARM",
        "Subject: [CRITICAL] alice@example.com disabled EventBridge rule eks-audit-bot-eks-api",
    ]
    assert "Find it in CloudTrail event history:" in out
    assert f"{path}:3: unknown_detail_type" in err


def test_replay_reports_unreadable_cloudtrail_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = records(["sso-user-grants-cluster-admin"])[0]
    del broken["userIdentity"]
    path = tmp_path / "trail.json"
    path.write_text(json.dumps({"Records": [broken, "not a record"]}))
    code, out, err = run(capsys, "replay", path)
    assert code == 0
    assert out == ""
    assert "Records[0]: missing_fields: CloudTrail record without userIdentity" in err
    assert "Records[1]: not a CloudTrail record" in err


def test_test_pattern_reads_cloudtrail_without_bad_lines(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A CloudWatch pattern on CloudTrail JSON, as a trail delivered to a log group would see it.
    pattern = '{ $.eventSource = "eks.amazonaws.com" && $.readOnly IS FALSE }'
    code, out, err = run(capsys, "test-pattern", "--pattern", pattern, "--show-matches", log_file)
    assert code == 0
    assert "Read 4 log events: 3 matched, 1 not matched; bad lines: 0" in err
    assert "4 of them CloudTrail records or EventBridge events" in err
    assert "alice@example.com\tAssociateAccessPolicy\teks.amazonaws.com\tprod-eu" in out
