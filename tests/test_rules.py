"""The rule catalog: every rule fires on its fixture and stays quiet on a near miss.

A fixture is one audit event, or a list of them for a rule that looks at a whole batch
(`repeats`); a `settings.json` beside it holds the Lambda environment the rule needs (e.g.
TRUSTED_SOURCE_CIDRS). Each runs through the real pipeline: who acted, outcome, rules.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot import flow
from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import pipeline
from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.audit import AuditEvent, event_from_dict
from eks_audit_bot.kube.cloudwatch import decode_payload
from eks_audit_bot.kube.identity import actor_of
from eks_audit_bot.kube.rules import RuleCatalog, builtin_rules
from eks_audit_bot.output.sns import Report
from eks_audit_bot.settings import ConfigError, Settings
from support import subscription_event

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
LAMBDA_README = Path(__file__).parent.parent / "lambda" / "README.md"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
LOCATION = Location("prod", "/aws/eks/prod/cluster", "111122223333")


def load(path: Path) -> AuditEvent:
    return event_from_dict(json.loads(path.read_text()))


def load_batch(path: Path) -> list[AuditEvent]:
    raw = json.loads(path.read_text())
    return [event_from_dict(item) for item in (raw if isinstance(raw, list) else [raw])]


def fixture(rule_id: str, name: str = "fires.json") -> AuditEvent:
    return load(RULE_FIXTURES / rule_id / name)


def fixture_settings(rule_dir: Path) -> Settings:
    path = rule_dir / "settings.json"
    env = json.loads(path.read_text()) if path.exists() else {}
    return Settings.from_env({"SNS_TOPIC_ARN": TOPIC, **env})


def catalog(**settings: Any) -> RuleCatalog:
    return RuleCatalog.load(Settings(TOPIC, **settings))


def alerts(events: list[AuditEvent], settings: Settings | None = None) -> list[Alert]:
    config = settings or Settings(TOPIC)
    return pipeline.alerts_for(events, LOCATION, config, RuleCatalog.load(config)).alerts


def hit_id(event: AuditEvent, rules: RuleCatalog | None = None, **settings: Any) -> str | None:
    """The rule an event alerts with, as the Lambda decides it (None: no alert)."""
    config = Settings(TOPIC, **settings)
    verdict = (rules or RuleCatalog.load(config)).decide(event, actor_of(event), config)
    return None if isinstance(verdict, str) else verdict.rule_id


def _cases(pattern: str) -> list[Any]:
    return [
        pytest.param(path, id=f"{path.parent.name}/{path.stem}")
        for path in sorted(RULE_FIXTURES.glob(f"*/{pattern}"))
    ]


def test_every_rule_has_a_firing_and_a_quiet_fixture() -> None:
    ids = {rule.id for rule in builtin_rules()}
    assert {path.name for path in RULE_FIXTURES.iterdir()} == ids
    for rule_id in ids:
        assert list((RULE_FIXTURES / rule_id).glob("fires*.json")), rule_id
        assert list((RULE_FIXTURES / rule_id).glob("quiet*.json")), rule_id


class _Kept:
    """A sink that keeps what the flow hands it, as SNS would take it."""

    def __init__(self) -> None:
        self.messages: list[Outgoing] = []

    def publish(self, messages: list[Outgoing]) -> Report:
        self.messages += messages
        return Report(published=len(messages))


def delivered(path: Path, settings: Settings) -> list[Alert]:
    """A fixture's events as CloudWatch Logs delivers them (a gzip subscription payload)
    through the function's own composition: decode, screen, one action per request, rules,
    what changed, noise, rendering and publishing."""
    raw = json.loads(path.read_text())
    case = {
        "logGroup": LOCATION.log_group,
        "logStream": "kube-apiserver-audit-0123456789abcdef",
        "events": raw if isinstance(raw, list) else [raw],
    }
    batch = decode_payload(subscription_event(case))
    where = settings.location(batch.log_group, batch.owner)
    sink = _Kept()
    outcome = flow.run(batch.records, where, settings, flow.Catalogs(settings).kube, sink)
    assert len(sink.messages) >= min(1, len(outcome.result.alerts))
    return outcome.result.alerts


@pytest.mark.parametrize("path", _cases("fires*.json"))
def test_rule_fires_on_its_fixture(path: Path, snapshot: Any) -> None:
    events = load_batch(path)
    fired = delivered(path, fixture_settings(path.parent))
    ours = [alert for alert in fired if alert.rule.rule_id == path.parent.name]
    assert len(ours) == 1, [alert.rule.rule_id for alert in fired]
    if len(events) == 1:
        assert len(fired) == 1  # the most severe rule speaks for the request
    alert = ours[0]
    assert snapshot == {
        "rule": alert.rule.rule_id,
        "severity": str(alert.severity),
        "outcome": str(alert.outcome),
        "title": alert.rule.title,
        "actor": alert.actor.label,
        "client": alert.client,
        "changes": list(alert.changes),
    }


@pytest.mark.parametrize("path", _cases("quiet*.json"))
def test_rule_stays_quiet_on_a_near_miss(path: Path) -> None:
    fired = delivered(path, fixture_settings(path.parent))
    assert path.parent.name not in [alert.rule.rule_id for alert in fired]


def test_shipped_severities() -> None:
    severities = {rule.id: rule.severity for rule in builtin_rules()}
    assert severities["aws-auth-changed"] is Severity.CRITICAL
    assert severities["binding-privileged-role"] is Severity.CRITICAL
    assert severities["anonymous-request-allowed"] is Severity.CRITICAL
    assert severities["manual-change"] is Severity.LOW
    assert builtin_rules()[-1].id == "manual-change"


def test_most_severe_rule_wins_over_a_broader_one() -> None:
    # A cluster-admin binding is also "any ClusterRoleBinding write" (high): critical wins.
    rules = catalog()
    event = fixture("binding-privileged-role")
    broader = rules.get("clusterrolebinding-changed")
    assert broader is not None
    assert broader.match.accepts(event, actor_of(event), rules.context)
    assert hit_id(event) == "binding-privileged-role"


def test_equal_severities_go_to_the_earlier_rule() -> None:
    # Deleting a system: binding in kube-system matches two high rules; catalog order decides.
    rules = catalog()
    event = fixture("system-rbac-changed")
    also = rules.get("rbac-kube-system-changed")
    assert also is not None
    assert also.match.accepts(event, actor_of(event), rules.context)
    assert hit_id(event) == "system-rbac-changed"


def test_denied_request_still_matches_its_rule() -> None:
    raw = json.loads((RULE_FIXTURES / "aws-auth-changed" / "fires.json").read_text())
    raw["responseStatus"] = {"status": "Failure", "reason": "Forbidden", "code": 403}
    raw["annotations"] = {"authorization.k8s.io/decision": "forbid"}
    raw.pop("responseObject")
    event = event_from_dict(raw)
    assert not event.allowed
    assert hit_id(event) == "aws-auth-changed"


def test_plain_reads_do_not_alert_unless_a_rule_names_them() -> None:
    assert hit_id(fixture("manual-change", "quiet.json")) is None  # get deployment
    assert hit_id(fixture("secret-read-by-human")) == "secret-read-by-human"  # get secret


def test_access_reviews_are_reads() -> None:
    # `kubectl auth can-i` creates a SelfSubjectAccessReview: it changes nothing.
    raw = json.loads((RULE_FIXTURES / "secret-read-by-human" / "fires.json").read_text())
    raw |= {
        "verb": "create",
        "requestURI": "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    }
    raw["objectRef"] = {"resource": "selfsubjectaccessreviews", "apiGroup": "authorization.k8s.io"}
    assert hit_id(event_from_dict(raw)) is None


def test_disabled_rules_are_gone() -> None:
    rules = catalog(disabled_rules=frozenset({"namespace-deleted"}))
    assert rules.get("namespace-deleted") is None
    assert hit_id(fixture("namespace-deleted"), rules) == "manual-change"


def test_disabling_the_catch_all_leaves_only_named_rules() -> None:
    rules = catalog(disabled_rules=frozenset({"manual-change"}))
    assert hit_id(fixture("manual-change"), rules) is None
    assert hit_id(fixture("namespace-deleted"), rules) == "namespace-deleted"


def test_rule_severities_override_the_catalog() -> None:
    rules = catalog(rule_severities={"configmap-kube-system-changed": Severity.CRITICAL})
    hit = rules.match(*_with_actor(fixture("configmap-kube-system-changed")))
    assert hit is not None
    assert hit.severity is Severity.CRITICAL


def test_custom_rule_is_added_before_the_catch_all() -> None:
    rule = {
        "id": "argocd-application-deleted",
        "title": "Argo CD Application deleted",
        "severity": "high",
        "match": {"verbs": ["delete"], "resources": ["applications"], "api_groups": ["argo*"]},
    }
    rules = catalog(custom_rules=(rule,))
    assert [r.id for r in rules.rules][-2:] == ["argocd-application-deleted", "manual-change"]
    assert hit_id(fixture("api-extension-changed", "quiet.json"), rules) == rule["id"]


def test_custom_rule_can_alert_on_reads_it_names() -> None:
    rule = {
        "id": "aws-auth-read",
        "title": "aws-auth read",
        "severity": "low",
        "match": {"verbs": ["get"], "resources": ["configmaps"], "names": ["aws-auth"]},
    }
    event = fixture("aws-auth-changed", "quiet.json")
    assert hit_id(event) is None
    assert hit_id(event, catalog(custom_rules=(rule,))) == "aws-auth-read"


def test_custom_rule_with_a_builtin_id_replaces_it() -> None:
    rule = {
        "id": "namespace-deleted",
        "title": "Namespace deleted (prod)",
        "severity": "critical",
        "match": {"verbs": ["delete"], "resources": ["namespaces"], "names": ["payments*"]},
    }
    rules = catalog(custom_rules=(rule,))
    hit = rules.match(*_with_actor(fixture("namespace-deleted")))
    assert hit is not None
    assert (hit.title, hit.severity) == ("Namespace deleted (prod)", Severity.CRITICAL)
    assert sum(r.id == "namespace-deleted" for r in rules.rules) == 1


def _custom(**fields: Any) -> dict[str, Any]:
    """CUSTOM_RULES with one rule: a valid minimal one, changed by `fields` (None removes)."""
    rule = {"id": "x", "title": "X", "severity": "low", "match": {}} | fields
    return {"custom_rules": ({k: v for k, v in rule.items() if v is not None},)}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param(
            _custom(severity="urgent"),
            "CUSTOM_RULES[0] (id 'x'): field 'severity': 'urgent' is not one of",
            id="bad-severity",
        ),
        pytest.param(
            _custom(match={"verb": ["delete"]}),
            "CUSTOM_RULES[0] (id 'x'): field 'match.verb' is unknown",
            id="unknown-match-field",
        ),
        pytest.param(
            _custom(match={"predicates": ["nope"]}),
            "unknown predicate 'nope'",
            id="unknown-predicate",
        ),
        pytest.param(
            _custom(match={"names": []}),
            "field 'match.names': expected a non-empty list",
            id="empty-list",
        ),
        pytest.param(
            _custom(id="Bad Id"),
            "CUSTOM_RULES[0]: field 'id': 'Bad Id' is not a rule id",
            id="bad-id",
        ),
        pytest.param(
            _custom(title=None),
            "CUSTOM_RULES[0] (id 'x'): field 'title'",
            id="missing-title",
        ),
        pytest.param(
            {"custom_rules": _custom()["custom_rules"] * 2},
            "CUSTOM_RULES[1] (id 'x'): id used twice",
            id="duplicate-id",
        ),
        pytest.param(
            {"disabled_rules": frozenset({"namespace-delete"})},
            "DISABLED_RULES: unknown rule id 'namespace-delete'",
            id="unknown-disabled",
        ),
        pytest.param(
            {"rule_severities": {"aws-auth": Severity.LOW}},
            "RULE_SEVERITIES: unknown rule id 'aws-auth'",
            id="unknown-severity-override",
        ),
    ],
)
def test_bad_rule_settings_fail_with_a_clear_message(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        flow.Catalogs(Settings(TOPIC, **settings))


def test_lambda_readme_rule_table_matches_the_catalog() -> None:
    rows = re.findall(
        r"^\| `([a-z0-9-]+)` \| (\w+) \| (.+?) \|$", LAMBDA_README.read_text(), re.MULTILINE
    )
    rows = [row for row in rows if row[1] not in ("cloudtrail", "health")]  # aws_rules.json
    assert rows == [(rule.id, str(rule.severity), rule.title) for rule in builtin_rules()]


def _with_actor(event: AuditEvent) -> tuple[AuditEvent, Any]:
    return event, actor_of(event)
