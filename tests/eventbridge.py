"""EventBridge → Lambda and CloudWatch alarms → EventBridge, emulated around moto.

moto matches events against a rule's pattern but cannot invoke a Lambda target, and its alarms
emit no state-change events. `deliver_events_to_handler` keeps moto's matching and calls the
real handler in-process for Lambda targets; `alarm_state_change` builds the event CloudWatch
sends for an alarm as `describe_alarms` returns it (the documented single-metric shape).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from moto.events.models import Rule

from eks_audit_bot import handler
from lambda_context import FakeContext


@contextmanager
def deliver_events_to_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Matched events of rules with a Lambda target go to the handler; yields its results."""
    results: list[dict[str, Any]] = []

    def send_to_targets(rule: Rule, event: dict[str, Any], transform_input: bool = True) -> None:
        del transform_input
        if not rule.event_pattern.matches_event(event):
            return
        for target in rule.targets:
            if ":lambda:" in target["Arn"]:
                results.append(handler.lambda_handler(json.loads(json.dumps(event)), FakeContext()))

    monkeypatch.setattr(Rule, "send_to_targets", send_to_targets)
    yield results


def alarm_state_change(alarm: Mapping[str, Any], previous: str) -> dict[str, Any]:
    """The "CloudWatch Alarm State Change" event for an alarm in its current state."""
    arn = alarm["AlarmArn"]
    _, _, _, region, account, _ = arn.split(":", 5)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    dimensions = {item["Name"]: item["Value"] for item in alarm.get("Dimensions", [])}
    return {
        "version": "0",
        "id": "3f6c0a7e-0b1d-4e5f-9a8b-7c6d5e4f3a2b",
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": account,
        "time": now[:19] + "Z",
        "region": region,
        "resources": [arn],
        "detail": {
            "alarmName": alarm["AlarmName"],
            "state": {
                "value": alarm["StateValue"],
                "reason": alarm["StateReason"],
                "timestamp": now,
            },
            "previousState": {"value": previous, "reason": "", "timestamp": now},
            "configuration": {
                "description": alarm.get("AlarmDescription", ""),
                "metrics": [
                    {
                        "id": "m1",
                        "metricStat": {
                            "metric": {
                                "namespace": alarm["Namespace"],
                                "name": alarm["MetricName"],
                                "dimensions": dimensions,
                            },
                            "period": alarm["Period"],
                            "stat": alarm["Statistic"],
                        },
                        "returnData": True,
                    }
                ],
            },
        },
    }
