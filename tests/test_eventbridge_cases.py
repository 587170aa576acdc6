"""Every EventBridge fixture (AWS API calls via CloudTrail, alarm state changes) through the real
handler into a moto SNS topic, read back from SQS: what subscribers receive, snapshotted.

Each case is `{"description", "env", "event"}`: the event as EventBridge delivers it and the
settings it runs with (on top of the module's defaults for two watched clusters).
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from moto.sns.models import sns_backends

from eks_audit_bot import handler
from lambda_context import FakeContext
from support import (
    ACCOUNT,
    EVENTBRIDGE,
    REGION,
    Inbox,
    eventbridge_case_names,
    load_eventbridge_case,
)
from test_formats import SCHEMA
from test_handler_cases import delivered

MODULE_ENV = {"EKS_BOT_NAME": "eks-audit-bot", "WATCHED_CLUSTERS": '["prod-eu", "staging"]'}
# What each case must publish: the rule, severity and outcome subscribers filter on.
EXPECTED = {
    "sso-user-grants-cluster-admin": ("eks-cluster-admin-granted", "critical", "allowed"),
    "iam-user-disables-audit-logging": ("eks-audit-logging-disabled", "critical", "allowed"),
    "ci-role-creates-access-entry": None,
    "ci-role-creates-access-entry-unlisted": ("eks-access-entry-created", "high", "allowed"),
    "denied-cluster-admin-grant": ("eks-cluster-admin-granted", "high", "denied"),
    "failed-public-endpoint": None,
    "lambda-code-replaced": ("tamper-function-changed", "critical", "allowed"),
    "lambda-environment-changed": ("tamper-function-changed", "critical", "allowed"),
    "subscription-filter-deleted": ("tamper-subscription-filter-deleted", "critical", "allowed"),
    "rule-disabled": ("tamper-rule-disabled", "critical", "allowed"),
    "crafted-filter-name": ("tamper-subscription-filter-deleted", "high", "denied"),
    "other-cluster": None,
    "read-only-call": None,
    "alarm-audit-log-silent": ("health-audit-log-silent", "high", None),
    "alarm-audit-log-recovered": ("health-recovered", "low", None),
    "alarm-created": None,
    "alarm-function-errors": ("health-function-errors", "high", None),
    "unknown-detail-type": None,
    "record-missing-fields": None,
}


def test_every_case_has_an_expectation() -> None:
    assert sorted(EXPECTED) == eventbridge_case_names()


def run_case(name: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    case = load_eventbridge_case(name)
    for key, value in (MODULE_ENV | case["env"]).items():
        monkeypatch.setenv(key, value)
    return handler.lambda_handler(case["event"], FakeContext())


@pytest.mark.parametrize("name", eventbridge_case_names())
def test_case_renders_the_expected_alert(
    name: str, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, snapshot: Any
) -> None:
    result = run_case(name, monkeypatch)
    notifications = delivered(inbox)
    expected = EXPECTED[name]
    assert len(notifications) == (1 if expected else 0)
    for note in notifications:
        attributes, document = note["attributes"], note["document"]
        rule, severity, outcome = expected or ("", "", None)
        assert (attributes["rule"], attributes["severity"]) == (rule, severity)
        assert attributes.get("outcome") == outcome
        assert attributes["source"] == document["alert_source"]
        assert attributes["source"] == ("health" if name.startswith("alarm") else "cloudtrail")
        jsonschema.validate(document, SCHEMA)
        assert len(note["subject"]) <= 100
        assert note["subject"].isascii()
        assert note["subject"].isprintable()
        assert "ASIA" not in json.dumps(note)
        assert "AKIA" not in json.dumps(note)
    assert {"result": result, "notifications": notifications} == snapshot


def test_a_ci_role_in_automation_principals_is_automation(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_case("ci-role-creates-access-entry", monkeypatch)["alerts"] == 0
    assert inbox.received() == []


def test_secret_values_of_the_function_environment_never_reach_an_alert(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_case("lambda-environment-changed", monkeypatch)
    (note,) = delivered(inbox)
    assert "s3cr3t" not in json.dumps(note)
    assert "environment variables changed (values not shown)" in note["email"]


def test_caller_controlled_text_forges_no_line_link_or_mention(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_FORMAT", "chatbot")
    run_case("crafted-filter-name", monkeypatch)
    (note,) = delivered(inbox)
    email_lines = note["email"].splitlines()
    assert not any(line.startswith(("Rule: ok", "Severity: low")) for line in email_lines)
    assert [line for line in email_lines if line.startswith("Rule: ")] == [
        "Rule: tamper-subscription-filter-deleted | Severity: high | Outcome: denied"
    ]
    assert "https://evil.example" not in note["email"]
    assert "https[:]//evil.example" in note["email"]
    chat = chat_body(inbox, note["subject"])
    description = chat["content"]["description"]
    assert "\nRule: ok" not in description
    assert "<!channel>" not in description
    assert "](https://" not in description
    assert "https://evil.example" not in json.dumps(chat)


def chat_body(inbox: Inbox, subject: str) -> dict[str, Any]:
    """What `https` subscribers got for the message with this Subject."""
    topic = sns_backends[ACCOUNT][REGION].topics[inbox.topic_arn]
    (body,) = [body for _, body, sent, _, _ in topic.sent_notifications if sent == subject]
    return dict(json.loads(json.loads(body)["https"]))


def test_the_fixtures_are_eventbridge_events() -> None:
    for path in EVENTBRIDGE.glob("*.json"):
        case = json.loads(path.read_text())
        assert {"description", "env", "event"} <= case.keys(), path.name
        assert "detail-type" in case["event"], path.name
