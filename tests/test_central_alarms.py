"""The organization path's silence alarms (modules/central/alarms.tf) alert through the
handler: a stream that receives nothing, records that nothing reads (the event source mapping
disabled or deleted: a metric-math alarm), a function that falls behind, and their recovery."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from eks_audit_bot import handler
from lambda_context import FakeContext
from support import Inbox, load_eventbridge_case
from test_handler_cases import delivered

SILENCE = load_eventbridge_case("alarm-audit-log-silent")["event"]


def query(query_id: str, namespace: str, name: str, **dimensions: str) -> dict[str, Any]:
    metric = {"namespace": namespace, "name": name, "dimensions": dimensions}
    return {"id": query_id, "metricStat": {"metric": metric, "period": 300, "stat": "Sum"}}


STREAM = {"StreamName": "eks-audit-bot"}
ALARMS = {
    "eks-audit-bot-stream-unread": (
        [
            {
                "id": "unread",
                "expression": "IF(FILL(incoming, 0) > 0 AND FILL(taken, 0) == 0, 1, 0)",
            },
            query("incoming", "AWS/Kinesis", "IncomingRecords", **STREAM),
            query("taken", "AWS/Kinesis", "GetRecords.Records", **STREAM),
        ],
        "health-stream-unread",
    ),
    "eks-audit-bot-stream-silence": (
        [query("m1", "AWS/Kinesis", "IncomingRecords", **STREAM)],
        "health-stream-silent",
    ),
    "eks-audit-bot-iterator-age": (
        [query("m1", "AWS/Lambda", "IteratorAge", FunctionName="eks-audit-bot")],
        "health-iterator-age",
    ),
}


def state_change(name: str, state: str, previous: str) -> dict[str, Any]:
    event = copy.deepcopy(SILENCE)
    detail = event["detail"]
    detail["alarmName"] = name
    detail["state"]["value"], detail["previousState"]["value"] = state, previous
    detail["configuration"]["metrics"] = ALARMS[name][0]
    return event


@pytest.mark.parametrize("name", sorted(ALARMS))
def test_a_stream_alarm_alerts_and_its_recovery_too(name: str, inbox: Inbox) -> None:
    assert handler.lambda_handler(state_change(name, "ALARM", "OK"), FakeContext())["alerts"] == 1
    assert handler.lambda_handler(state_change(name, "OK", "ALARM"), FakeContext())["alerts"] == 1
    fired, recovered = delivered(inbox)
    assert (fired["attributes"]["rule"], fired["attributes"]["severity"]) == (
        ALARMS[name][1],
        "high",
    )
    assert fired["attributes"]["source"] == "health"
    assert recovered["attributes"]["rule"] == "health-recovered"
