"""What operators see of the handler besides alerts: its logs, its metrics, and its failures.

Powertools prints EMF metrics to stdout (read with capsys); its logger keeps the stream it was
created with, so the `logs` fixture points it at a buffer.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from eks_audit_bot import handler
from eks_audit_bot.core.invalid import PayloadError
from eks_audit_bot.settings import ConfigError
from lambda_context import FakeContext
from support import Inbox, json_lines, load_case, subscription_event


def metric(lines: list[dict[str, Any]], name: str, **dimensions: str) -> float:
    """The value of an EMF metric with these dimensions (0 when it was not emitted)."""
    for line in lines:
        if name in line and all(line.get(key) == value for key, value in dimensions.items()):
            value = line[name]
            return float(value[0] if isinstance(value, list) else value)
    return 0.0


def test_a_truncated_line_is_logged_with_its_reason_and_audit_id_and_counted(
    inbox: Inbox, capsys: pytest.CaptureFixture[str], logs: io.StringIO
) -> None:
    result = handler.lambda_handler(subscription_event(load_case("truncated-line")), FakeContext())
    lines = json_lines(logs.getvalue()) + json_lines(capsys.readouterr().out)
    skipped = [line for line in lines if line.get("message") == "log event skipped"]
    assert result == {"received": 2, "alerts": 1, "skipped": 1}
    assert len(skipped) == 1
    assert skipped[0]["reason"] == "truncated"
    assert skipped[0]["auditID"] == "7c8d9eaf-0112-4d23-e4f5-a6b7c8d9e0f1"
    assert skipped[0]["level"] == "WARNING"
    assert "AAAAAAAA" not in json.dumps(lines)  # never the line itself
    assert metric(lines, "EventsSkipped", reason="truncated") == 1
    assert metric(lines, "EventsReceived") == 2
    assert metric(lines, "AlertsPublished") == 1
    assert len(inbox.received()) == 1


def test_automation_is_counted_as_dropped_not_alerted(
    inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    handler.lambda_handler(subscription_event(load_case("multi-event-batch")), FakeContext())
    lines = json_lines(capsys.readouterr().out)
    assert metric(lines, "EventsDropped", reason="automation") == 1
    assert metric(lines, "EventsDropped", reason="read_only") == 1
    assert metric(lines, "EventsDropped", reason="stage_RequestReceived") == 1
    assert len(inbox.received()) == 2


def test_a_control_message_publishes_nothing_and_does_not_fail(inbox: Inbox) -> None:
    result = handler.lambda_handler(subscription_event(load_case("control-message")), FakeContext())
    assert result["alerts"] == 0
    assert inbox.received() == []


def test_a_payload_that_is_not_from_cloudwatch_fails_the_invocation(inbox: Inbox) -> None:
    del inbox
    with pytest.raises(PayloadError, match="awslogs"):
        handler.lambda_handler({"Records": []}, FakeContext())
    with pytest.raises(PayloadError, match="undecodable"):
        handler.lambda_handler({"awslogs": {"data": "bm90IGd6aXA="}}, FakeContext())


def test_a_missing_topic_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SNS_TOPIC_ARN", raising=False)
    with pytest.raises(ConfigError, match="SNS_TOPIC_ARN is required"):
        handler.lambda_handler(subscription_event(load_case("anonymous-allowed")), FakeContext())


def test_settings_come_from_the_environment_terraform_sets(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIN_SEVERITY", "high")
    handler.lambda_handler(subscription_event(load_case("multi-event-batch")), FakeContext())
    assert inbox.received() == []  # a medium and a low alert, both below the minimum
    monkeypatch.setenv("MIN_SEVERITY", "urgent")
    handler.runtime.cache_clear()
    with pytest.raises(ConfigError, match="MIN_SEVERITY='urgent'"):
        handler.lambda_handler(subscription_event(load_case("multi-event-batch")), FakeContext())
