"""Noise control: one `kubectl delete --all` is one message, and a flood is capped."""

from __future__ import annotations

from typing import Any

from eks_audit_bot.core.alert import Location, RuleHit
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import noise
from eks_audit_bot.kube.alert import Alert, Digest, DigestKind
from eks_audit_bot.kube.audit import event_from_dict
from eks_audit_bot.kube.digest import digest_summary
from eks_audit_bot.kube.identity import actor_of
from eks_audit_bot.settings import Settings

LOCATION = Location("prod", "/aws/eks/prod/cluster", "111122223333", "prod", "eu-west-1")
SECRET_CHANGED = RuleHit("secret-changed", "Secret written", Severity.MEDIUM)
MANUAL = RuleHit("manual-change", "Manual change", Severity.LOW)
CRITICAL = RuleHit("aws-auth-changed", "aws-auth ConfigMap changed", Severity.CRITICAL)


def alert(
    name: str,
    *,
    who: str = "alice",
    verb: str = "delete",
    resource: str = "secrets",
    namespace: str = "payments",
    rule: RuleHit = SECRET_CHANGED,
    code: int = 200,
    subresource: str = "",
) -> Alert:
    arn = f"arn:aws:sts::111122223333:assumed-role/Admin/{who}"
    raw: dict[str, Any] = {
        "auditID": f"{who}-{verb}-{namespace}-{name}",
        "stage": "ResponseComplete",
        "verb": verb,
        "requestURI": f"/api/v1/namespaces/{namespace}/{resource}/{name}",
        "user": {"username": arn, "extra": {"arn": [arn], "sessionName": [who]}},
        "objectRef": {
            "resource": resource,
            "namespace": namespace,
            "name": name,
            "subresource": subresource,
        },
        "responseStatus": {"code": code},
    }
    event = event_from_dict(raw)
    return Alert(event=event, actor=actor_of(event), rule=rule, location=LOCATION)


def settings(threshold: int = 5, cap: int = 50) -> Settings:
    return Settings(
        "arn:aws:sns:eu-west-1:1:t", digest_threshold=threshold, max_alerts_per_invocation=cap
    )


def test_25_deletions_become_one_digest() -> None:
    alerts = [alert(f"secret-{i:02d}") for i in range(25)]
    (digest,) = noise.fold(alerts, settings())
    assert isinstance(digest, Digest)
    assert digest.kind is DigestKind.REPEATED
    assert digest.count == 25
    assert digest_summary(digest) == (
        "alice deleted 25 secrets in payments: secret-00, secret-01, secret-02, … and 22 more"
    )
    assert digest.alerts == tuple(alerts)


def test_up_to_the_threshold_alerts_stay_single() -> None:
    alerts = [alert(f"s{i}") for i in range(5)]
    assert noise.fold(alerts, settings()) == alerts
    assert len(noise.fold([*alerts, alert("s5")], settings())) == 1


def test_digest_takes_its_place_among_other_alerts() -> None:
    first, last = alert("cfg", resource="configmaps", rule=MANUAL), alert("x", who="bob")
    deletions = [alert(f"s{i}") for i in range(6)]
    items = noise.fold([first, *deletions, last], settings())
    assert items[0] is first
    assert isinstance(items[1], Digest)
    assert items[2] is last


def test_different_actor_namespace_or_verb_do_not_fold_together() -> None:
    alerts = [alert(f"s{i}", who="alice" if i % 2 else "bob") for i in range(8)]
    alerts += [alert(f"t{i}", namespace="orders") for i in range(4)]
    alerts += [alert(f"u{i}", verb="create") for i in range(4)]
    assert all(isinstance(item, Alert) for item in noise.fold(alerts, settings()))


def test_digest_is_as_severe_as_its_worst_member_and_counts_denials() -> None:
    alerts = [alert(f"s{i}", code=403 if i < 2 else 200) for i in range(6)]
    alerts[4] = alert("aws-auth", rule=CRITICAL)
    (digest,) = noise.fold(alerts, settings())
    assert isinstance(digest, Digest)
    assert digest.severity is Severity.CRITICAL
    assert digest.rule.rule_id == "aws-auth-changed"
    assert digest.rule_ids == ("secret-changed", "aws-auth-changed")
    assert "(2 denied)" in digest_summary(digest)


def test_repeated_writes_to_one_object_say_how_many_times() -> None:
    alerts = [alert("web", verb="patch", resource="deployments", rule=MANUAL) for _ in range(7)]
    (digest,) = noise.fold(alerts, settings())
    assert isinstance(digest, Digest)
    assert digest_summary(digest) == "alice patched deployments 7 times in payments: web"


def test_exec_digest_reads_naturally() -> None:
    alerts = [
        alert(f"web-{i}", verb="create", resource="pods", subresource="exec") for i in range(6)
    ]
    (digest,) = noise.fold(alerts, settings())
    assert isinstance(digest, Digest)
    assert digest_summary(digest).startswith(
        "alice exec'd into 6 pods in payments: web-0, web-1, web-2"
    )


def test_cap_keeps_the_most_severe_and_summarises_the_rest() -> None:
    alerts = [
        alert(f"cm-{i}", who=f"user{i}", resource="configmaps", rule=MANUAL) for i in range(60)
    ]
    alerts[57] = alert("aws-auth", who="mallory", resource="configmaps", rule=CRITICAL)
    items = noise.fold(alerts, settings(cap=50))
    assert len(items) == 50
    overflow = items[-1]
    assert isinstance(overflow, Digest)
    assert overflow.kind is DigestKind.OVERFLOW
    assert overflow.count == 11
    assert alerts[57] in items[:-1]
    assert digest_summary(overflow) == (
        "11 more alerts in this batch (11 low) over the limit of 50 messages per invocation"
    )


def test_cap_counts_a_digest_as_one_message() -> None:
    alerts = [alert(f"s{i}") for i in range(30)] + [alert("x", who="bob")]
    items = noise.fold(alerts, settings(cap=2))
    assert [type(item).__name__ for item in items] == ["Digest", "Alert"]


def test_cap_of_one_sends_only_a_summary() -> None:
    (only,) = noise.fold([alert("a"), alert("b", who="bob")], settings(cap=1))
    assert isinstance(only, Digest)
    assert only.kind is DigestKind.OVERFLOW
    assert only.count == 2
