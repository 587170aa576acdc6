"""The cheap decision on decoded JSON: only what the full path would drop as automation anyway.

The shortcut drops completed, allowed plain reads by built-in automation without building the
model. It must agree with the full path wherever it fires, never fire on what a rule or an
out-of-character check could care about, and leave every count as the full path gives it.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eks_audit_bot.detection import pipeline, shortcut
from eks_audit_bot.detection.actions import Chosen
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.model.alert import Location
from eks_audit_bot.model.audit import checked_event
from eks_audit_bot.settings import Settings

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import eventgen  # the benchmark's realistic mix

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
SETTINGS = Settings(TOPIC)
CATALOG = RuleCatalog.load(SETTINGS)
LOCATION = Location("prod", "/aws/eks/prod/cluster")
SLR = "arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"


def read(**changes: Any) -> dict[str, Any]:
    """CoreDNS listing endpoint slices: the shortcut's bread and butter."""
    event: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": "1c4e8a2f-5b3d-4e6f-9a1b-2c3d4e5f6a7b",
        "stage": "ResponseComplete",
        "requestURI": "/apis/discovery.k8s.io/v1/endpointslices?limit=500",
        "verb": "list",
        "user": {"username": "system:serviceaccount:kube-system:coredns", "groups": []},
        "sourceIPs": ["10.0.1.23"],
        "userAgent": "coredns/1.11.1",
        "objectRef": {"resource": "endpointslices", "apiGroup": "discovery.k8s.io"},
        "responseStatus": {"metadata": {}, "code": 200},
        "annotations": {"authorization.k8s.io/decision": "allow"},
    }
    event.update(changes)
    return event


def full_path(raw: dict[str, Any]) -> dict[str, int]:
    """What the pipeline counts for `raw` with the shortcut off."""
    off = Settings(TOPIC, alert_on_automation=False)
    judge = pipeline._Judge.of(LOCATION, off, CATALOG)
    alert = judge.decide(Chosen(checked_event(copy.deepcopy(raw)), cut=False, where="1"))
    return {**judge.result.dropped, "alerts": int(alert is not None)}


@pytest.mark.parametrize(
    "user",
    [
        "system:serviceaccount:kube-system:coredns",
        "system:node:ip-10-0-1-23.eu-west-1.compute.internal",
        "system:kube-controller-manager",
        "eks:certificate-controller",
    ],
)
def test_built_in_automation_reading_is_dropped_cheaply_as_automation(user: str) -> None:
    raw = read(user={"username": user})
    assert shortcut.is_plain_automation_read(raw, enabled=True)
    assert full_path(raw) == {"automation": 1, "alerts": 0}


def test_the_eks_service_linked_role_is_automation_too() -> None:
    user = {"username": "eks:node-manager", "extra": {"canonicalArn": [SLR]}}
    assert shortcut.is_plain_automation_read(read(user=user), enabled=True)
    person_named_like_it = {"username": "mallory", "extra": {"canonicalArn": [SLR, "x"]}}
    assert not shortcut.is_plain_automation_read(read(user=person_named_like_it), enabled=True)


@pytest.mark.parametrize(
    ("why", "changes"),
    [
        ("denied", {"responseStatus": {"code": 403}}),
        ("unauthorized", {"responseStatus": {"code": 401}}),
        ("failed", {"responseStatus": {"code": 500}}),
        ("conflict", {"responseStatus": {"code": 409}}),
        ("no status", {"responseStatus": None}),
        (
            "forbidden by the authorizer",
            {"annotations": {"authorization.k8s.io/decision": "forbid"}},
        ),
        ("a write", {"verb": "update"}),
        ("a create", {"verb": "create"}),
        ("a stream opening", {"stage": "ResponseStarted"}),
        ("secrets", {"objectRef": {"resource": "secrets", "namespace": "kube-system"}}),
        ("a token", {"objectRef": {"resource": "serviceaccounts", "subresource": "token"}}),
        ("service accounts", {"objectRef": {"resource": "serviceaccounts"}}),
        ("a CSR", {"objectRef": {"resource": "certificatesigningrequests"}}),
        ("exec", {"verb": "get", "objectRef": {"resource": "pods", "subresource": "exec"}}),
        ("logs", {"verb": "get", "objectRef": {"resource": "pods", "subresource": "log"}}),
        ("impersonation", {"impersonatedUser": {"username": "system:admin"}}),
        ("a dry run", {"requestURI": "/apis/discovery.k8s.io/v1/endpointslices?dryRun=All"}),
        ("a person", {"user": {"username": "alice"}}),
        ("anonymous", {"user": {"username": "system:anonymous"}}),
        ("another system user", {"user": {"username": "system:apiserver"}}),
    ],
)
def test_never_shortcut(why: str, changes: dict[str, Any]) -> None:
    assert not shortcut.is_plain_automation_read(read(**changes), enabled=True), why


def test_a_flag_turns_it_off_and_alerting_on_automation_does() -> None:
    assert not shortcut.is_plain_automation_read(read(), enabled=False)
    assert shortcut.read_shortcut_enabled(SETTINGS, CATALOG)
    loud = Settings(TOPIC, alert_on_automation=True)
    assert not shortcut.read_shortcut_enabled(loud, RuleCatalog.load(loud))


def test_trusted_networks_turn_it_off_so_reads_from_elsewhere_still_alert() -> None:
    env = {"SNS_TOPIC_ARN": TOPIC, "TRUSTED_SOURCE_CIDRS": '["10.0.0.0/8"]'}
    guarded = Settings.from_env(env)
    catalog = RuleCatalog.load(guarded)
    assert not shortcut.read_shortcut_enabled(guarded, catalog)
    outsider = read(sourceIPs=["198.51.100.7"])
    result = pipeline.process([("1", json.dumps(outsider))], LOCATION, guarded, catalog)
    assert [alert.rule.rule_id for alert in result.alerts] == [
        "automation-outside-trusted-networks"
    ]


def test_a_custom_rule_about_automation_reading_turns_it_off() -> None:
    rule = {
        "id": "sa-reads-endpoints",
        "title": "A service account read endpoint slices",
        "severity": "low",
        "match": {"verbs": ["list"], "predicates": ["service-account-actor"]},
    }
    custom = Settings(TOPIC, custom_rules=(rule,))
    catalog = RuleCatalog.load(custom)
    assert not shortcut.read_shortcut_enabled(custom, catalog)
    result = pipeline.process([("1", json.dumps(read()))], LOCATION, custom, catalog)
    assert [alert.rule.rule_id for alert in result.alerts] == ["sa-reads-endpoints"]


VALUES = st.one_of(
    st.sampled_from(["get", "list", "watch", "update", "ResponseComplete", "Panic", "", "All"]),
    st.sampled_from(["system:node:n1", "system:serviceaccount:a:b", "eks:x", "alice"]),
    st.sampled_from([200, 201, 204, 403, 404, 500, None, True, "200", [200]]),
    st.dictionaries(st.sampled_from(["resource", "subresource", "code", "username"]), st.text()),
)
FIELDS = ["stage", "verb", "requestURI", "responseStatus", "objectRef", "annotations", "user"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=3))
def test_wherever_it_fires_the_full_path_drops_the_event_as_automation(
    changes: dict[str, Any],
) -> None:
    raw = read(**changes)
    if pipeline.invalid_reason(raw) is not None:
        return
    if shortcut.is_plain_automation_read(raw, enabled=True):
        assert full_path(raw) == {"automation": 1, "alerts": 0}


def test_counts_and_alerts_on_the_realistic_mix_match_the_full_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = [(str(index), line) for index, line in enumerate(eventgen.lines(3000))]
    cheap = pipeline.process(records, LOCATION, SETTINGS, CATALOG)
    monkeypatch.setattr(pipeline, "read_shortcut_enabled", lambda *_: False)
    full = pipeline.process(records, LOCATION, SETTINGS, CATALOG)
    assert cheap.dropped == full.dropped
    assert cheap.dropped["automation"] > 1000
    assert [a.event.audit_id for a in cheap.alerts] == [a.event.audit_id for a in full.alerts]
