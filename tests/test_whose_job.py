"""Dangerous actions alert whoever does them, except those whose job it is (issue 17).

Through the real handler into a moto SNS topic, read back from SQS: a busy normal cluster
(controllers, EKS, add-ons, Argo CD and Flux at work) stays quiet, the same day alerts when
automation is alerted on (so its quiet is the exemptions' doing), a stolen service-account
token is seen at every step, and the user's exceptions spare exactly what they name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot import handler
from eks_audit_bot.cli.main import default_pattern
from eks_audit_bot.filter_pattern import compile_pattern
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.settings import ConfigError, Settings
from lambda_context import FakeContext
from support import Inbox, subscription_event

CASES = Path(__file__).parent / "fixtures" / "whose_job"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
STOLEN_SA = "system:serviceaccount:shop:storefront"


def case(name: str) -> dict[str, Any]:
    return dict(json.loads((CASES / f"{name}.json").read_text()))


def alerted(inbox: Inbox, name: str) -> list[dict[str, str]]:
    """Run a case through the handler; each alert's message attributes, as subscribers see them."""
    handler.lambda_handler(subscription_event(case(name)), FakeContext())
    return [
        {key: value["Value"] for key, value in note["MessageAttributes"].items()}
        for note in inbox.received()
    ]


def test_a_busy_normal_day_stays_quiet(inbox: Inbox) -> None:
    assert alerted(inbox, "normal-day") == []


def test_the_same_day_alerts_once_automation_is_alerted_on(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The day holds what the rules about dangerous actions look at: its quiet is whose job it is.
    monkeypatch.setenv("ALERT_ON_AUTOMATION", "true")
    rules = {alert["rule"] for alert in alerted(inbox, "normal-day")}
    assert {
        "aws-auth-changed",
        "binding-privileged-role",
        "privileged-workload",
        "admission-control-changed",
        "role-dangerous-permissions",
        "secrets-listed-cluster-wide",
    } <= rules


def test_a_stolen_service_account_token_is_seen_at_every_step(inbox: Inbox) -> None:
    alerts = alerted(inbox, "stolen-service-account")
    assert sorted((alert["rule"], alert["severity"]) for alert in alerts) == [
        ("binding-grants-anonymous", "critical"),
        ("binding-privileged-role", "critical"),
        ("permissions-enumerated", "medium"),
        ("privileged-workload", "high"),
        ("secret-read-outside-namespace", "high"),
    ]
    assert {alert["actor"] for alert in alerts} == {"shop/storefront"}


def test_the_default_pattern_passes_the_stolen_token_and_the_dangerous_automation() -> None:
    pattern = compile_pattern(default_pattern())
    for event in case("stolen-service-account")["events"]:
        assert pattern.matches(json.dumps(event)), event["objectRef"]
    dangerous = {"d-aws-node", "d-argo-rb", "d-flux-crb", "d-eks-awsauth", "d-cainjector", "d-gc"}
    passed = [pattern.matches(json.dumps(event)) for event in case("normal-day")["events"]]
    assert sum(passed) >= len(dangerous)
    lease = case("normal-day")["events"][0]
    assert lease["objectRef"]["resource"] == "leases"
    assert not pattern.matches(json.dumps(lease))


def test_a_rule_exception_spares_its_principal_in_its_namespace_only(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    exceptions = [
        {"rule": "privileged-workload", "principal": STOLEN_SA, "namespace": "shop"},
        {"rule": "binding-*", "principal": "system:serviceaccount:shop:*", "namespace": ""},
    ]
    monkeypatch.setenv("RULE_EXCEPTIONS", json.dumps(exceptions))
    assert sorted(alert["rule"] for alert in alerted(inbox, "stolen-service-account")) == [
        "permissions-enumerated",
        "secret-read-outside-namespace",
    ]
    monkeypatch.setenv("RULE_EXCEPTIONS", json.dumps([{**exceptions[0], "namespace": "web"}]))
    handler.runtime.cache_clear()
    assert "privileged-workload" in {a["rule"] for a in alerted(inbox, "stolen-service-account")}


def test_listed_automation_is_spared_unless_it_calls_with_another_user_agent(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOMATION_PRINCIPALS", json.dumps([STOLEN_SA]))
    assert alerted(inbox, "stolen-service-account") == []
    monkeypatch.setenv("AUTOMATION_USER_AGENTS", json.dumps(["Helm/*"]))
    handler.runtime.cache_clear()
    assert len(alerted(inbox, "stolen-service-account")) == 5  # curl and kubectl: not Helm


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"rule": "privileged-pod", "principal": STOLEN_SA},
            "RULE_EXCEPTIONS[0]: field 'rule': 'privileged-pod' names no rule of the catalog",
        ),
        (
            {"rule": "privileged-workload", "principal": "*"},
            "RULE_EXCEPTIONS[0]: field 'principal': '*' would spare everyone",
        ),
        (
            {"rule": "privileged-workload", "principal": STOLEN_SA, "namespaces": ["shop"]},
            "RULE_EXCEPTIONS[0]: unknown field 'namespaces'",
        ),
        (
            {"rule": "privileged-workload"},
            "RULE_EXCEPTIONS[0]: field 'principal': expected a non-empty string",
        ),
    ],
)
def test_a_bad_rule_exception_fails_the_cold_start_naming_it(
    entry: dict[str, Any], message: str
) -> None:
    settings = Settings.from_env({"SNS_TOPIC_ARN": TOPIC, "RULE_EXCEPTIONS": json.dumps([entry])})
    with pytest.raises(ConfigError, match="^" + message.replace("[", r"\[").replace("*", r"\*")):
        RuleCatalog.load(settings)


def test_the_docs_list_every_identity_whose_job_it_is_as_built_in() -> None:
    root = Path(__file__).parent.parent
    built_in = json.loads((root / "lambda/eks_audit_bot/kube/whose_job.json").read_text())
    doc = (root / "docs" / "automation-and-identity.md").read_text()
    table = doc.split("### The built-in list", 1)[1].split("\n\n", 2)[1]
    rows = [row.split(" | ") for row in table.splitlines()[2:]]
    assert [
        (
            row[0].lstrip("| "),
            set(re.findall(r"`([^`]+)`", row[1])),
            re.findall(r"`([^`]+)`", row[2]),
        )
        for row in rows
    ] == [
        (entry["who"], set(entry["principals"]), entry["rules"]) for entry in built_in["identities"]
    ]
