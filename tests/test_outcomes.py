"""Who a rule is for and what became of a request: outcomes, audiences, user-agent evasion.

Each test starts from a rule fixture and changes what an insider (or a scanner) controls:
the response code, the user agent, the identity.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot.core.alert import Location, Outcome
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import pipeline
from eks_audit_bot.kube.alert import outcome_of
from eks_audit_bot.kube.audit import event_from_dict
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output import message
from eks_audit_bot.settings import Settings

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
LOCATION = Location("prod", "/aws/eks/prod/cluster", "111122223333")
HELM = "Helm/3.15.2"


def raw(rule_id: str, name: str = "fires.json") -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((RULE_FIXTURES / rule_id / name).read_text())
    return loaded


def with_code(event: dict[str, Any], code: int) -> dict[str, Any]:
    event = dict(event, responseStatus={"metadata": {}, "code": code})
    decision = "forbid" if code in (401, 403) else "allow"
    event["annotations"] = {"authorization.k8s.io/decision": decision}
    return event


def run(*events: dict[str, Any], **settings: Any) -> pipeline.Result:
    config = Settings(TOPIC, **settings)
    parsed = [event_from_dict(event) for event in events]
    return pipeline.alerts_for(parsed, LOCATION, config, RuleCatalog.load(config))


def rules_of(result: pipeline.Result) -> list[str]:
    return [alert.rule.rule_id for alert in result.alerts]


# ---- outcomes ----


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        (200, Outcome.ALLOWED),
        (201, Outcome.ALLOWED),
        (101, Outcome.ALLOWED),
        (401, Outcome.DENIED),
        (403, Outcome.DENIED),
        (404, Outcome.FAILED),
        (409, Outcome.FAILED),
        (422, Outcome.FAILED),
        (500, Outcome.FAILED),
        (503, Outcome.FAILED),
    ],
)
def test_outcome_of_a_response_code(code: int, outcome: Outcome) -> None:
    assert outcome_of(event_from_dict(with_code(raw("binding-privileged-role"), code))) is outcome


def test_forbid_decision_is_denied_whatever_the_code() -> None:
    event = raw("binding-privileged-role")
    event["annotations"] = {"authorization.k8s.io/decision": "forbid"}
    assert outcome_of(event_from_dict(event)) is Outcome.DENIED


@pytest.mark.parametrize("code", [404, 409, 422, 500])
def test_failed_requests_changed_nothing_and_are_counted(code: int) -> None:
    result = run(with_code(raw("binding-privileged-role"), code))
    assert result.alerts == []
    assert result.dropped["failed"] == 1


def test_a_denied_critical_change_alerts_one_step_lower_with_outcome_denied() -> None:
    result = run(with_code(raw("binding-privileged-role"), 403))
    (alert,) = result.alerts
    assert (alert.rule.rule_id, alert.severity, alert.outcome) == (
        "binding-privileged-role",
        Severity.HIGH,
        Outcome.DENIED,
    )
    attributes = message.build(alert, Settings(TOPIC)).attributes
    assert attributes["outcome"] == "denied"


def test_a_rule_about_refusals_keeps_its_severity_and_wins_over_a_lowered_one() -> None:
    # A refused secret read: `secret-read-by-human` (medium, lowered to low) loses to
    # `secret-access-denied` (medium, about the refusal itself).
    (alert,) = run(with_code(raw("secret-read-by-human"), 403)).alerts
    assert (alert.rule.rule_id, alert.severity) == ("secret-access-denied", Severity.MEDIUM)


# ---- anonymous requests ----


def _anonymous(verb: str, uri: str, code: int) -> dict[str, Any]:
    event = with_code(raw("anonymous-request-allowed"), code)
    event |= {"verb": verb, "requestURI": uri}
    event.pop("objectRef", None)
    return event


@pytest.mark.parametrize("verb", ["post", "propfind", "create", "delete"])
def test_denied_anonymous_requests_stay_quiet(verb: str) -> None:
    # Internet scanners knock on public endpoints all day; a refusal is not news.
    result = run(_anonymous(verb, "/wp-login.php", 403))
    assert result.alerts == []
    assert result.dropped["no_rule"] == 1


@pytest.mark.parametrize("verb", ["post", "propfind"])
def test_allowed_anonymous_requests_with_unknown_verbs_stay_critical(verb: str) -> None:
    (alert,) = run(_anonymous(verb, "/apis/example.com/v1/run", 200)).alerts
    assert (alert.rule.rule_id, alert.severity) == ("anonymous-request-allowed", Severity.CRITICAL)


def test_denied_anonymous_write_matches_no_rule_about_people() -> None:
    event = with_code(raw("binding-privileged-role"), 403)
    event["user"] = {"username": "system:anonymous", "groups": ["system:unauthenticated"]}
    assert run(event).alerts == []


# ---- user agents never silence a person ----


def _helm(event: dict[str, Any]) -> dict[str, Any]:
    return event | {"userAgent": HELM}


def test_a_person_sending_the_automation_user_agent_still_alerts() -> None:
    # `automation_user_agents = ["Helm/*"]`, the README's old example: anyone can send it.
    result = run(_helm(raw("binding-privileged-role")), automation_user_agents=("Helm/*",))
    assert rules_of(result) == ["binding-privileged-role"]


def test_user_agents_narrow_a_listed_principal() -> None:
    event = raw("binding-privileged-role")
    listed = {
        "automation_principals": (event["user"]["extra"]["canonicalArn"][0],),
        "automation_user_agents": ("Helm/*",),
    }
    assert run(_helm(event), **listed).alerts == []  # the CI role through Helm
    assert rules_of(run(event, **listed)) == ["binding-privileged-role"]  # same role, by hand


# ---- automation: quiet at work, loud out of character ----


def _as_service_account(event: dict[str, Any], namespace: str, name: str) -> dict[str, Any]:
    return event | {
        "user": {
            "username": f"system:serviceaccount:{namespace}:{name}",
            "groups": ["system:serviceaccounts", f"system:serviceaccounts:{namespace}"],
        },
        "sourceIPs": ["10.0.21.7"],
    }


def test_automation_meets_only_the_out_of_character_rules() -> None:
    # A controller binding cluster-admin is its job (GitOps); exec'ing into a pod is not.
    binding = _as_service_account(
        raw("binding-privileged-role"), "argocd", "argocd-application-controller"
    )
    shell = _as_service_account(raw("exec-into-pod"), "argocd", "argocd-server")
    result = run(binding, shell)
    assert rules_of(result) == ["automation-exec"]
    assert result.dropped["automation"] == 1


def test_listed_automation_may_exec_but_not_leave_its_network() -> None:
    shell = _as_service_account(raw("exec-into-pod"), "gitlab-runner", "gitlab-runner")
    listed: dict[str, Any] = {"automation_principals": ("system:serviceaccount:gitlab-runner:*",)}
    assert run(shell, **listed).alerts == []
    outside = shell | {"sourceIPs": ["198.51.100.23"]}
    cidrs = Settings.from_env({"SNS_TOPIC_ARN": TOPIC, "TRUSTED_SOURCE_CIDRS": '["10.0.0.0/16"]'})
    result = run(outside, **listed, trusted_source_cidrs=cidrs.trusted_source_cidrs)
    assert rules_of(result) == ["automation-outside-trusted-networks"]


def test_alert_on_automation_applies_every_rule() -> None:
    binding = _as_service_account(raw("binding-privileged-role"), "argocd", "argocd-server")
    assert rules_of(run(binding, alert_on_automation=True)) == ["binding-privileged-role"]


def test_source_networks_are_checked_with_no_configuration() -> None:
    """Issue 17.2 reversed the old default (no check unless `trusted_source_cidrs`): from a
    private address automation is judged by its behaviour, from a public one by its address."""
    shell = _as_service_account(raw("exec-into-pod"), "monitoring", "grafana")
    assert rules_of(run(shell)) == ["automation-exec"]  # its behaviour, from the VPC
    outside = shell | {"sourceIPs": ["198.51.100.23"]}
    assert rules_of(run(outside)) == ["automation-outside-trusted-networks"]
    # Listing secrets cluster-wide alerts by itself (issue 17): an ordinary read stands here.
    listing = _as_service_account(raw("manual-change", "quiet.json"), "monitoring", "grafana")
    assert run(listing).alerts == []
    outside_listing = run(listing | {"sourceIPs": ["198.51.100.23"]})
    assert rules_of(outside_listing) == ["automation-outside-trusted-networks"]


# ---- the CLI replays with the same detection settings ----


def test_replay_takes_trusted_networks_and_protected_namespaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from eks_audit_bot.cli import main as cli

    outside = raw("automation-outside-trusted-networks")
    platform = raw("protected-namespace-changed", "fires-secret.json")
    platform["objectRef"] = dict(platform["objectRef"], namespace="platform")
    log = tmp_path / "audit.jsonl"
    log.write_text("\n".join(json.dumps(event) for event in (outside, platform)) + "\n")
    args = ["replay", "--json", "--no-pattern", str(log)]

    def rules(*options: str) -> list[str]:
        assert cli.main([*args[:3], *options, args[3]]) == 0
        docs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
        return sorted(doc["rule"]["id"] for doc in docs)

    # By default a public address is outside the trusted networks (issue 17.2); listing the
    # networks the service account calls from narrows the trust and quiets it.
    assert rules() == ["automation-outside-trusted-networks", "secret-changed"]
    assert rules("--trusted-source-cidr", "10.0.0.0/16", "--protected-namespace", "platform") == [
        "automation-outside-trusted-networks",
        "protected-namespace-changed",
    ]
    listed = ["--trusted-source-cidr", "10.0.0.0/16", "--trusted-source-cidr", "198.51.100.0/24"]
    assert rules(*listed) == ["secret-changed"]
