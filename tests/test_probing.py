"""Batch rules: one service account refused again and again, on several resources, is probing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot.core.alert import Location, Outcome
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import pipeline
from eks_audit_bot.kube.audit import event_from_dict
from eks_audit_bot.kube.rules import RuleCatalog, RuleError
from eks_audit_bot.settings import Settings

PROBING = Path(__file__).parent / "fixtures" / "rules" / "automation-probing"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
LOCATION = Location("prod", "/aws/eks/prod/cluster", "111122223333")


def probe() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads((PROBING / "fires.json").read_text())
    return events


def run(events: list[dict[str, Any]], **settings: Any) -> pipeline.Result:
    config = Settings(TOPIC, **settings)
    parsed = [event_from_dict(event) for event in events]
    return pipeline.alerts_for(parsed, LOCATION, config, RuleCatalog.load(config))


def probing_alerts(result: pipeline.Result) -> list[Any]:
    return [alert for alert in result.alerts if alert.rule.rule_id == "automation-probing"]


def test_one_alert_stands_for_the_whole_probe() -> None:
    by_rule = {alert.rule.rule_id: alert for alert in run(probe()).alerts}
    # The refused exec alerts on its own too (out of character, lowered for the refusal).
    assert set(by_rule) == {"automation-probing", "automation-exec"}
    assert by_rule["automation-exec"].severity is Severity.MEDIUM
    alert = by_rule["automation-probing"]
    assert (alert.severity, alert.outcome) == (Severity.HIGH, Outcome.DENIED)  # not lowered
    # It stands on the last refusal that did not alert on its own.
    assert alert.event.audit_id == probe()[-2]["auditID"]
    assert alert.changes[0] == "6 requests in this batch, on 5 resources:"
    assert "list secrets in kube-system" in alert.changes


def test_fewer_refusals_than_the_threshold_stay_quiet() -> None:
    assert probing_alerts(run(probe()[:4])) == []


def test_refusals_on_too_few_resources_are_a_misconfigured_controller() -> None:
    retried = [
        dict(event, auditID=f"{index:08d}-{event['auditID'][9:]}")
        for index, event in enumerate(probe()[:3] * 3)
    ]  # the same three requests (two resources), retried
    result = run(retried)
    assert len(result.alerts) == 0
    assert result.dropped["automation"] == 9


def test_each_identity_is_counted_on_its_own() -> None:
    events = probe()
    for index, event in enumerate(events[3:]):
        event["user"] = dict(event["user"], username=f"system:serviceaccount:team{index}:default")
    assert probing_alerts(run(events)) == []


def test_people_exploring_their_permissions_are_not_probing() -> None:
    # k9s or Lens with a narrow role is refused on many resources at start-up.
    person = {"username": "alice@example.com", "groups": ["system:authenticated"]}
    events = [dict(event, user=person) for event in probe()]
    assert probing_alerts(run(events)) == []


def test_probing_can_be_disabled_or_re_rated() -> None:
    assert probing_alerts(run(probe(), disabled_rules=frozenset({"automation-probing"}))) == []
    tuned = run(probe(), rule_severities={"automation-probing": Severity.CRITICAL})
    assert [alert.severity for alert in probing_alerts(tuned)] == [Severity.CRITICAL]
    assert run(probe(), min_severity=Severity.CRITICAL).alerts == []


def test_a_custom_batch_rule() -> None:
    rule = {
        "id": "secret-sweep",
        "title": "Many secrets read by one person",
        "severity": "high",
        "match": {
            "verbs": ["get"],
            "resources": ["secrets"],
            "predicates": ["human-actor"],
            "repeats": {"events": 3},
        },
    }
    read = json.loads((PROBING.parent / "secret-read-by-human" / "fires.json").read_text())
    reads = [dict(read, auditID=f"{index:08d}-0000-4000-8000-000000000000") for index in range(3)]
    result = run(reads, custom_rules=(rule,))
    assert [alert.rule.rule_id for alert in result.alerts].count("secret-sweep") == 1


@pytest.mark.parametrize(
    "repeats",
    [{"events": 0}, {"events": "5"}, {"events": 5, "resources": True}, {"times": 5}, [5]],
)
def test_bad_repeats_fail_with_a_clear_message(repeats: object) -> None:
    rule = {"id": "x", "title": "X", "severity": "low", "match": {"repeats": repeats}}
    with pytest.raises(RuleError, match=r"CUSTOM_RULES\[0\] \(id 'x'\): field 'match.repeats'"):
        RuleCatalog.load(Settings(TOPIC, custom_rules=(rule,)))
