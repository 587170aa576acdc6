"""End to end under moto: EventBridge → the function → SNS → an SQS subscriber.

A CloudTrail management event put on the default bus, and the state changes of an alarm set up
as the module sets up its silence alarm, reach the real handler through an EventBridge rule
with a Lambda target (tests/eventbridge.py) and come out of the topic as alerts.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from eventbridge import alarm_state_change, deliver_events_to_handler
from support import ACCOUNT, REGION, Inbox, load_eventbridge_case

FUNCTION_ARN = f"arn:aws:lambda:{REGION}:123456789012:function:eks-audit-bot"
LOG_GROUP = "/aws/eks/prod-eu/cluster"


@pytest.fixture
def bus(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The default bus with the module's kinds of rules, each targeting the function."""
    del inbox
    monkeypatch.setenv("WATCHED_CLUSTERS", '["prod-eu"]')
    events = boto3.client("events", region_name=REGION)
    patterns = {
        "eks-audit-bot-eks-api": {
            "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {"eventSource": ["eks.amazonaws.com"]},
        },
        "eks-audit-bot-alarms": {
            "source": ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            "detail": {"alarmName": [{"prefix": "eks-audit-bot-"}]},
        },
    }
    for name, pattern in patterns.items():
        events.put_rule(Name=name, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=name, Targets=[{"Id": "function", "Arn": FUNCTION_ARN}])
    return events


def put(events: Any, source: str, detail_type: str, detail: dict[str, Any], **extra: Any) -> None:
    entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), **extra}
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0


def test_an_eks_api_call_reaches_subscribers(
    bus: Any, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = load_eventbridge_case("sso-user-grants-cluster-admin")["event"]["detail"]
    # A call in the account whose bus receives it, as CloudTrail delivers (moto's account).
    record = record | {"recipientAccountId": ACCOUNT}
    with deliver_events_to_handler(monkeypatch) as invocations:
        put(bus, "aws.eks", "AWS API Call via CloudTrail", record)
    (note,) = inbox.received()
    document = json.loads(note["Message"])
    assert invocations == [{"received": 1, "alerts": 1, "skipped": 0}]
    assert note["Subject"].startswith("[CRITICAL] alice@example.com granted AmazonEKSClusterAdmin")
    assert note["MessageAttributes"]["source"]["Value"] == "cloudtrail"
    assert document["links"]["cloudtrail"].endswith(f"#/events/{record['eventID']}")


def test_a_call_no_rule_matches_never_invokes_the_function(
    bus: Any, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = load_eventbridge_case("lambda-code-replaced")["event"]["detail"]
    with deliver_events_to_handler(monkeypatch) as invocations:
        put(bus, "aws.lambda", "AWS API Call via CloudTrail", record)
    assert invocations == []
    assert inbox.received() == []


def test_a_silent_log_group_alerts_and_its_recovery_too(
    bus: Any, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    cloudwatch.put_metric_alarm(
        AlarmName="eks-audit-bot-silence-x",
        Namespace="AWS/Logs",
        MetricName="IncomingLogEvents",
        Dimensions=[{"Name": "LogGroupName", "Value": LOG_GROUP}],
        Statistic="Sum",
        Period=900,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="LessThanThreshold",
        TreatMissingData="breaching",
    )
    subjects = []
    with deliver_events_to_handler(monkeypatch) as invocations:
        for state, previous in (("ALARM", "OK"), ("OK", "ALARM")):
            cloudwatch.set_alarm_state(
                AlarmName="eks-audit-bot-silence-x",
                StateValue=state,
                StateReason="Threshold Crossed: no datapoints were received for 1 period.",
            )
            (alarm,) = cloudwatch.describe_alarms()["MetricAlarms"]
            event = alarm_state_change(alarm, previous)
            put(
                bus,
                event["source"],
                event["detail-type"],
                event["detail"],
                Resources=[alarm["AlarmArn"]],
            )
            subjects += [note["Subject"] for note in inbox.received()]
    assert len(invocations) == 2
    assert subjects == [
        "[HIGH] Audit log silent in prod-eu: alarm eks-audit-bot-silence-x went to ALARM",
        "[LOW] Audit pipeline recovered in prod-eu: alarm eks-audit-bot-silence-x is back to OK",
    ]
