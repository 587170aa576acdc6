"""PagerDuty pages for EKS API calls and alarms: the same CloudWatch alarm form as audit-log
pages (see test_pagerduty for the documents), one incident per call, and an alarm's incident
opened by ALARM and resolved by its recovery to OK."""

from __future__ import annotations

import json

import jsonschema
import pytest

from eks_audit_bot import handler
from lambda_context import FakeContext
from support import Inbox, load_eventbridge_case
from test_pagerduty import ALARM_SCHEMA, pager

__all__ = ["pager"]  # fixture


def run(name: str) -> dict[str, int]:
    return handler.lambda_handler(load_eventbridge_case(name)["event"], FakeContext())


def test_a_critical_api_call_pages_and_alerts(inbox: Inbox, pager: Inbox) -> None:
    assert run("iam-user-disables-audit-logging")["alerts"] == 2  # the alert and its page
    assert len(inbox.received()) == 1
    (envelope,) = pager.received()
    alarm = json.loads(envelope["Message"])
    jsonschema.validate(alarm, ALARM_SCHEMA)
    assert (
        envelope["Subject"]
        == 'ALARM: "[CRITICAL] bob turned off audit logging in prod-eu" in eu-west-1'
    )
    assert alarm["dedup_key"] == (
        "cloudtrail/prod-eu/e1c70002-7d2a-4b8e-9c1f-2a3b4c5d6e7f/eks-audit-logging-disabled"
    )
    assert alarm["severity"] == "critical"
    assert alarm["custom_details"]["api_call"] == "eks:UpdateClusterConfig"
    assert "AKIA" not in envelope["Message"]


def test_below_the_page_minimum_only_alerts(
    inbox: Inbox, pager: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGERDUTY_MIN_SEVERITY", "critical")
    assert run("denied-cluster-admin-grant")["alerts"] == 1  # high (denied): no page
    assert len(inbox.received()) == 1
    assert pager.received() == []


def test_an_alarm_pages_and_its_recovery_resolves_the_same_incident(
    inbox: Inbox, pager: Inbox
) -> None:
    del inbox
    run("alarm-audit-log-silent")
    run("alarm-audit-log-recovered")  # low, yet it resolves what the high alert opened
    notes = pager.received()
    opened, resolved = (json.loads(note["Message"]) for note in notes)
    assert (opened["NewStateValue"], resolved["NewStateValue"]) == ("ALARM", "OK")
    assert opened["AlarmName"] == resolved["AlarmName"] == "health/eks-audit-bot-silence-a"
    # PagerDuty reads the state from the Subject too; it must agree with the body.
    assert [note["Subject"].split(":", 1)[0] for note in notes] == ["ALARM", "OK"]
