"""What operators see of EventBridge invocations besides alerts: skips logged with their reason
and counted, drops counted, clear failures for shapes the function does not know."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from eks_audit_bot import handler
from eks_audit_bot.core.invalid import PayloadError
from eks_audit_bot.output.sns import PublishError
from lambda_context import FakeContext
from support import Inbox, json_lines, load_eventbridge_case
from test_handler import metric


def run(name: str) -> dict[str, int]:
    return handler.lambda_handler(load_eventbridge_case(name)["event"], FakeContext())


def test_an_unknown_detail_type_is_a_logged_and_counted_skip(
    inbox: Inbox, capsys: pytest.CaptureFixture[str], logs: io.StringIO
) -> None:
    assert run("unknown-detail-type") == {"received": 1, "alerts": 0, "skipped": 1}
    lines = json_lines(logs.getvalue()) + json_lines(capsys.readouterr().out)
    (skipped,) = [line for line in lines if line.get("message") == "log event skipped"]
    assert skipped["reason"] == "unknown_detail_type"
    assert "EC2 Instance State-change Notification" in skipped["detail"]
    assert skipped["detail_type"] == "EC2 Instance State-change Notification"
    assert "i-0123456789abcdef0" not in json.dumps(lines)  # never the event itself
    assert metric(lines, "EventsSkipped", reason="unknown_detail_type") == 1
    assert inbox.received() == []


def test_a_record_missing_fields_is_a_logged_and_counted_skip(
    inbox: Inbox, capsys: pytest.CaptureFixture[str], logs: io.StringIO
) -> None:
    assert run("record-missing-fields")["skipped"] == 1
    lines = json_lines(logs.getvalue()) + json_lines(capsys.readouterr().out)
    (skipped,) = [line for line in lines if line.get("message") == "log event skipped"]
    assert skipped["reason"] == "missing_fields"
    assert skipped["detail"] == "CloudTrail record without eventID, userIdentity"
    assert metric(lines, "EventsSkipped", reason="missing_fields") == 1
    assert inbox.received() == []


def test_drops_are_counted_by_reason(
    inbox: Inbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHED_CLUSTERS", '["prod-eu"]')
    for name in ("read-only-call", "other-cluster", "alarm-created"):
        assert run(name)["alerts"] == 0
    lines = json_lines(capsys.readouterr().out)
    assert metric(lines, "EventsDropped", reason="read_only") == 1
    assert metric(lines, "EventsDropped", reason="not_watched") == 1
    assert metric(lines, "EventsDropped", reason="not_a_recovery") == 1
    assert inbox.received() == []


def test_a_detail_that_is_not_an_object_is_a_skip(inbox: Inbox) -> None:
    del inbox
    event = {"id": "x", "detail-type": "AWS API Call via CloudTrail", "detail": "oops"}
    assert handler.lambda_handler(event, FakeContext())["skipped"] == 1


def test_a_detail_type_that_is_not_a_string_fails_clearly(inbox: Inbox) -> None:
    del inbox
    with pytest.raises(PayloadError, match="EventBridge event with a string 'detail-type'"):
        handler.lambda_handler({"detail-type": 7, "detail": {}}, FakeContext())


def test_an_alert_that_cannot_be_delivered_fails_the_invocation(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # EventBridge invokes asynchronously: raising hands the event to Lambda's retries and the
    # on-failure destination instead of losing the alert.
    monkeypatch.setenv("SNS_TOPIC_ARN", inbox.topic_arn.replace("eks-alerts", "missing-topic"))
    with pytest.raises(PublishError):
        run("iam-user-disables-audit-logging")


ZIP_PROGRAM = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from eks_audit_bot import flow
from eks_audit_bot.output.sns import Report
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.settings import Settings
assert flow.__file__.startswith(sys.argv[1]), flow.__file__
class Sink:
    def publish(self, messages):
        return Report(published=len(messages))
settings = Settings("arn:aws:sns:eu-west-1:111122223333:t")
catalog = flow.Catalogs(settings).aws
outcome = flow.run_event(json.loads(sys.stdin.read()), settings, catalog, Sink())
print(json.dumps([alert.rule.rule_id for alert in outcome.result.alerts]))
"""


def test_the_zip_alone_handles_an_eventbridge_event() -> None:
    """The committed zip carries the AWS catalog and the EventBridge path (aws_rules.json)."""
    zip_path = Path(__file__).parents[1] / "lambda" / "eks-audit-bot.zip"
    completed = subprocess.run(
        [sys.executable, "-S", "-c", ZIP_PROGRAM, str(zip_path), sysconfig.get_paths()["purelib"]],
        input=json.dumps(load_eventbridge_case("iam-user-disables-audit-logging")["event"]),
        capture_output=True,
        text=True,
        check=False,
        env={"AWS_REGION": "eu-west-1", "POWERTOOLS_METRICS_NAMESPACE": "Test"},
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == ["eks-audit-logging-disabled"]
