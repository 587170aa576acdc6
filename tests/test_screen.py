"""The screen on decoded JSON: only what the full path would drop anyway, with the same counts.

The screen drops events no rule could match (automation at work, people's ordinary reads)
without building the model. It must agree with the full path wherever it fires, never fire on
what a rule, an out-of-character check or a batch rule could care about, and leave every count
(alerts, drops by reason and by who, skips) as the full path gives it.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import pipeline
from eks_audit_bot.kube.audit import checked_event
from eks_audit_bot.kube.identity import actor_of
from eks_audit_bot.kube.line import CutLine
from eks_audit_bot.kube.predicates import PREDICATES
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.kube.screen import Screen
from eks_audit_bot.settings import Settings

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import eventgen  # the benchmark's realistic mix

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
SETTINGS = Settings(TOPIC)
CATALOG = RuleCatalog.load(SETTINGS)
LOCATION = Location("prod", "/aws/eks/prod/cluster")
SLR = "arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"
CI_ROLE = "arn:aws:iam::111122223333:role/github-actions-deploy"
SA_READS = {
    "id": "sa-reads-endpoints",
    "title": "A service account read endpoint slices",
    "severity": "low",
    "match": {"verbs": ["list"], "predicates": ["service-account-actor"]},
}
# Deployments the screen must agree with the full path in: each setting that changes who is
# automation, which predicates the shape decides, or which rules there are.
DEPLOYMENTS = {
    "default": SETTINGS,
    "alert-on-automation": Settings(TOPIC, alert_on_automation=True),
    "trusted-networks": Settings(TOPIC, trusted_source_cidrs=(ipaddress.ip_network("10.0.0.0/8"),)),
    "listed-ci-role": Settings(TOPIC, automation_principals=(CI_ROLE, "*:role/AWSReservedSSO_*")),
    "listed-with-agents": Settings(
        TOPIC, automation_principals=("*github-actions*",), automation_user_agents=("Helm/*",)
    ),
    "protected-payments": Settings(TOPIC, protected_namespaces=("payments",)),
    "custom-rule": Settings(TOPIC, custom_rules=(SA_READS,)),
    "rule-exceptions": Settings(
        TOPIC,
        rule_exceptions=(
            {"rule": "privileged-workload", "principal": "system:serviceaccount:payments:*"},
            {"rule": "secret*", "principal": "eks:x", "namespace": "kube-system"},
        ),
    ),
    "min-high": Settings(TOPIC, min_severity=Severity.HIGH),
}


def read(**changes: Any) -> dict[str, Any]:
    """CoreDNS listing endpoint slices: automation at work."""
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


def screened(raw: dict[str, Any], config: Settings = SETTINGS) -> str | None:
    catalog = CATALOG if config is SETTINGS else RuleCatalog.load(config)
    dropped = Screen(config, catalog).read(copy.deepcopy(raw)).dropped
    return dropped.reason if dropped else None


@contextmanager
def screen_off() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        # Every event read on its own (no answer remembered by key) and judged in full.
        patch.setattr(Screen, "read", lambda self, raw: self._unscreened(raw))
        yield


def outcome(records: list[tuple[str, str]], config: Settings) -> dict[str, object]:
    """Everything a batch's result shows: alerts (auditID, rule, severity), drops, skips."""
    result = pipeline.process(records, LOCATION, config, RuleCatalog.load(config))
    return {
        "alerts": [(a.event.audit_id, a.rule.rule_id, a.severity) for a in result.alerts],
        "dropped": dict(result.dropped),
        "dropped_by": dict(result.dropped_by),
        "skips": [(skip.where, skip.reason) for skip in result.skips],
        "received": result.received,
    }


def both_ways(records: list[tuple[str, str]], config: Settings) -> tuple[dict[str, object], ...]:
    with_screen = outcome(records, config)
    with screen_off():
        return with_screen, outcome(records, config)


@pytest.mark.parametrize(
    "user",
    [
        {"username": "system:serviceaccount:kube-system:coredns"},
        {"username": "system:node:ip-10-0-1-23.eu-west-1.compute.internal"},
        {"username": "system:kube-controller-manager"},
        {"username": "eks:certificate-controller"},
        {"username": "eks:node-manager", "extra": {"canonicalArn": [SLR]}},
    ],
)
@pytest.mark.parametrize("verb", ["list", "get", "watch", "update", "patch", "create"])
def test_built_in_automation_at_work_is_dropped_cheaply_as_automation(
    user: dict[str, Any], verb: str
) -> None:
    assert screened(read(user=user, verb=verb)) == "automation"


@pytest.mark.parametrize(
    ("why", "changes", "reason"),
    [
        ("a person listing pods", {"verb": "list", "objectRef": {"resource": "pods"}}, "read_only"),
        ("a person reading logs", {"verb": "get", "objectRef": {"resource": "pods", "subresource": "log"}}, "read_only"),  # noqa: E501
        ("a failed write", {"verb": "update", "responseStatus": {"code": 409}}, "failed"),
    ],
)  # fmt: skip
def test_people_reading_ordinary_objects_and_failed_requests_are_dropped_with_their_reason(
    why: str, changes: dict[str, Any], reason: str
) -> None:
    alice = {"username": "alice", "extra": {"arn": ["arn:aws:sts::1:assumed-role/A/alice"]}}
    assert screened(read(user=alice, **changes)) == reason, why


def test_who_is_automation_is_the_full_paths_call_never_the_screens() -> None:
    for user in ({"username": "mallory", "extra": {"canonicalArn": [SLR, "x"]}},
                 {"username": "mallory", "extra": {"canonicalArn": ["x", SLR]}}):  # fmt: skip
        records = [("1", json.dumps(read(user=user, verb="update")))]
        with_screen, full = both_ways(records, SETTINGS)
        assert with_screen == full


@pytest.mark.parametrize(
    ("why", "changes"),
    [
        ("denied: the probing batch rule counts it", {"responseStatus": {"code": 403}}),
        ("unauthorized", {"responseStatus": {"code": 401}}),
        ("forbidden", {"annotations": {"authorization.k8s.io/decision": "forbid"}}),
        ("a stream by a service account", {"verb": "create", "objectRef": {"resource": "pods", "subresource": "exec"}}),  # noqa: E501
        ("a token minted", {"verb": "create", "objectRef": {"resource": "serviceaccounts", "subresource": "token"}}),  # noqa: E501
        ("a CSR by a service account", {"verb": "create", "objectRef": {"resource": "certificatesigningrequests"}}),  # noqa: E501
        ("impersonation", {"impersonatedUser": {"username": "system:admin"}}),
        ("a dry run", {"requestURI": "/apis/discovery.k8s.io/v1/endpointslices?dryRun=All"}),
        ("what looks like one", {"requestURI": "/api/v1/pods?fieldManager=dryRun=All"}),
        ("no URI", {"requestURI": None}),
        ("a person changing something", {"user": {"username": "alice"}, "verb": "patch"}),
        ("a person reading secrets", {"user": {"username": "alice"}, "objectRef": {"resource": "secrets"}}),  # noqa: E501
        ("anonymous", {"user": {"username": "system:anonymous"}}),
    ],
)  # fmt: skip
def test_never_screened(why: str, changes: dict[str, Any]) -> None:
    assert screened(read(**changes)) is None, why


def test_a_cut_line_is_judged_in_full() -> None:
    assert Screen(SETTINGS, CATALOG).read(CutLine(read())).dropped is None


def test_trusted_networks_keep_automation_on_the_full_path_so_calls_from_elsewhere_alert() -> None:
    """The screen reads the addresses apart from the shape: automation from a trusted network
    is dropped there, the same shape from anywhere else is judged in full."""
    guarded = DEPLOYMENTS["trusted-networks"]
    assert screened(read(), guarded) == "automation"
    assert screened(read(sourceIPs=["198.51.100.7"]), guarded) is None
    assert screened(read(sourceIPs=["10.0.1.23", "198.51.100.7"]), guarded) is None
    assert screened(read(user={"username": "system:kube-scheduler"}), guarded) == "automation"
    outsider = read(sourceIPs=["198.51.100.7"])
    catalog = RuleCatalog.load(guarded)
    result = pipeline.process([("1", json.dumps(outsider))], LOCATION, guarded, catalog)
    assert [alert.rule.rule_id for alert in result.alerts] == [
        "automation-outside-trusted-networks"
    ]


def test_a_custom_rule_about_automation_reading_keeps_those_reads_on_the_full_path() -> None:
    custom = DEPLOYMENTS["custom-rule"]
    assert screened(read(), custom) is None
    assert screened(read(verb="update"), custom) == "automation"
    result = pipeline.process(
        [("1", json.dumps(read()))], LOCATION, custom, RuleCatalog.load(custom)
    )
    assert [alert.rule.rule_id for alert in result.alerts] == ["sa-reads-endpoints"]


def test_a_listed_ci_role_is_automation_only_with_its_user_agent() -> None:
    config = DEPLOYMENTS["listed-with-agents"]
    ci = {"username": "github", "extra": {"canonicalArn": ["arn:aws:iam::1:role/github-actions"]}}
    assert screened(read(user=ci, userAgent="Helm/3.14.0"), config) == "automation"
    assert screened(read(user=ci, userAgent="kubectl/v1.30.2"), config) == "read_only"


@pytest.mark.parametrize("deployment", sorted(DEPLOYMENTS))
def test_the_realistic_mix_gives_what_the_full_path_gives(deployment: str) -> None:
    records = [(str(index), line) for index, line in enumerate(eventgen.lines(3000))]
    config = DEPLOYMENTS[deployment]
    with_screen, full = both_ways(records, config)
    assert with_screen == full
    dropped = with_screen["dropped"]
    assert isinstance(dropped, dict)
    if not config.alert_on_automation:
        assert dropped["automation"] > 1000


WHOSE_JOB = Path(__file__).parent / "fixtures" / "whose_job"


@pytest.mark.parametrize("deployment", sorted(DEPLOYMENTS))
@pytest.mark.parametrize("case", ["normal-day", "stolen-service-account"])
def test_whose_job_it_is_gives_what_the_full_path_gives(deployment: str, case: str) -> None:
    events = json.loads((WHOSE_JOB / f"{case}.json").read_text())["events"]
    records = [(str(index), json.dumps(event)) for index, event in enumerate(events)]
    with_screen, full = both_ways(records, DEPLOYMENTS[deployment])
    assert with_screen == full


USERS = st.sampled_from(
    [
        {"username": "system:node:n1"},
        {"username": "system:serviceaccount:kube-system:b"},
        {"username": "system:serviceaccount:payments:api"},
        {"username": "system:kube-scheduler"},
        {"username": "system:apiserver"},
        {"username": "eks:x"},
        {"username": "system:anonymous"},
        {"username": "alice"},
        {"username": "kubernetes-admin", "extra": {"arn": [CI_ROLE], "canonicalArn": [CI_ROLE]}},
        {"username": "kubernetes-admin", "extra": {"sessionName": ["bob"], "canonicalArn": [5]}},
        {"username": "eks:node-manager", "extra": {"canonicalArn": [SLR]}},
        {"username": "system:serviceaccount:kube-system:replicaset-controller"},
        {"username": "system:serviceaccount:argocd:argocd-application-controller"},
        {"username": "system:serviceaccount:cert-manager:cert-manager"},
        {"username": "system:kube-controller-manager"},
    ]
)
RESOURCES = [
    "pods", "secrets", "configmaps", "leases", "serviceaccounts", "events", "namespaces",
    "clusterrolebindings", "rolebindings", "clusterroles", "deployments", "services",
    "tokenreviews", "certificatesigningrequests", "selfsubjectaccessreviews",
    "selfsubjectrulesreviews", "mutatingwebhookconfigurations",
]  # fmt: skip
REFS = st.one_of(
    st.none(),
    st.sampled_from(["x", 7, [], {}]),
    st.fixed_dictionaries(
        {},
        optional={
            "resource": st.sampled_from([*RESOURCES, 5, ["pods"]]),
            "subresource": st.sampled_from(["", "exec", "log", "token", "status", "approval"]),
            "namespace": st.sampled_from(["", "kube-system", "payments", "argocd", None]),
            "apiGroup": st.sampled_from(["", "rbac.authorization.k8s.io", "apps", []]),
            "name": st.sampled_from(["aws-auth", "system:x", "api", "eks:y", ""]),
        },
    ),
)
EVENTS = st.fixed_dictionaries(
    {
        "verb": st.sampled_from(["get", "list", "watch", "create", "update", "patch", "delete", 5]),
        "user": st.one_of(USERS, st.sampled_from(["alice", {}, {"username": 5}, {"username": ["a"]}])),  # noqa: E501
        "objectRef": REFS,
        "stage": st.sampled_from(["ResponseComplete", "ResponseStarted", "Panic", "RequestReceived", "Bogus", 5]),  # noqa: E501
        "responseStatus": st.one_of(
            st.none(), st.fixed_dictionaries({"code": st.sampled_from([200, 201, 403, 401, 409, 500, "200", True, 1, 403.0])})  # noqa: E501
        ),
        "annotations": st.sampled_from([None, {}, {"authorization.k8s.io/decision": "forbid"}, {"authorization.k8s.io/decision": 1}, {"authorization.k8s.io/decision": ["forbid"]}]),  # noqa: E501
        "userAgent": st.sampled_from(["kubectl/v1.30.2", "Helm/3.14.0", 5]),
        "sourceIPs": st.sampled_from([["10.0.1.23"], ["198.51.100.7"], "x"]),
    },
    optional={
        # What makes an object no audit event: the screen remembers its answer by a key that
        # holds these (their types), so events that differ only here must not share one.
        "auditID": st.sampled_from([7, None, ["a"]]),
        "kind": st.sampled_from(["Event", "EventList", 5, None]),
        "impersonatedUser": st.sampled_from([{"username": "system:admin"}, {"username": "bob"}]),
        "requestURI": st.sampled_from(["/api/v1/pods?dryRun=All", "/healthz", 5]),
    },
)  # fmt: skip


@settings(max_examples=250, deadline=None)
@given(st.lists(EVENTS, min_size=1, max_size=8), st.sampled_from(sorted(DEPLOYMENTS)))
def test_wherever_it_fires_the_batch_comes_out_as_the_full_path_gives_it(
    changes: list[dict[str, Any]], deployment: str
) -> None:
    records = [
        (
            str(index),
            json.dumps(read(**{"auditID": f"{index:08x}-0000-4000-8000-000000000000", **one})),
        )
        for index, one in enumerate(changes)
    ]
    with_screen, full = both_ways(records, DEPLOYMENTS[deployment])
    assert with_screen == full


def test_a_service_account_probing_is_found_with_the_screen_as_without() -> None:
    tries = ["secrets", "configmaps", "pods", "nodes", "roles", "leases"]
    records = [
        (str(index), json.dumps(read(
            auditID=f"{index:08x}-0000-4000-8000-000000000000",
            verb="get", objectRef={"resource": resource, "namespace": "kube-system"},
            responseStatus={"code": 403}, annotations={"authorization.k8s.io/decision": "forbid"},
        )))
        for index, resource in enumerate(tries)
    ]  # fmt: skip
    with_screen, full = both_ways(records, SETTINGS)
    assert with_screen == full
    alerts = with_screen["alerts"]
    assert isinstance(alerts, list)
    assert [rule for _, rule, _ in alerts] == ["automation-probing"]


BODIES = st.sampled_from(
    [
        None,
        {"metadata": {"name": "other"}, "spec": {"type": "LoadBalancer"}},
        {"spec": {"containers": [{"name": "c", "securityContext": {"privileged": True}}]}},
        {"roleRef": {"name": "cluster-admin"}, "subjects": [{"kind": "Group", "name": "system:masters"}]},  # noqa: E501
        {"data": {"password": "hunter2"}, "spec": {"boundObjectRef": {"kind": "Secret"}}},
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    EVENTS,
    st.fixed_dictionaries(
        {
            "requestObject": BODIES,
            "responseObject": BODIES,
            "requestURI": st.sampled_from(["/healthz", "/api/v1/pods?dryRun=All", "/x", 5]),
            "sourceIPs": st.sampled_from([["10.0.1.23"], ["198.51.100.7", "10.0.0.1"], []]),
            "userAgent": st.sampled_from(["Helm/3.14.0", "kubectl/v1.30.2", ""]),
            "name": st.sampled_from(["aws-auth", "system:x", "api", "coredns"]),
        }
    ),
    st.sampled_from(sorted(DEPLOYMENTS)),
)
def test_the_predicates_the_shape_decides_agree_on_every_event_of_that_shape(
    shape: dict[str, Any], rest: dict[str, Any], deployment: str
) -> None:
    """What `Screen` relies on: events that differ only in what the shape leaves out (name,
    bodies, URI, addresses, user agent) get the same value from each known predicate."""
    first = read(**shape)
    second = read(**{**shape, **{key: value for key, value in rest.items() if key != "name"}})
    if isinstance(ref := first.get("objectRef"), dict):
        second["objectRef"] = {**ref, "name": rest["name"]}
    if pipeline.invalid_reason(first) is not None:
        return
    catalog = RuleCatalog.load(DEPLOYMENTS[deployment])
    events = [checked_event(copy.deepcopy(raw)) for raw in (first, second)]
    for name in catalog.known_from_shape:
        one, other = (PREDICATES[name](e, actor_of(e), catalog.context) for e in events)
        assert one == other, name


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ({"auditID": 7}, "skip"),
        ({"auditID": None}, "skip"),
        ({"kind": "EventList"}, "skip"),
        ({"stage": 5}, "skip"),
        ({"stage": "RequestReceived"}, "stage_RequestReceived"),
        ({"stage": "Bogus"}, "stage_unknown"),
    ],
)
def test_events_that_differ_only_in_what_makes_them_audit_events_never_share_an_answer(
    variant: dict[str, Any], expected: str
) -> None:
    """The screen remembers its answer per event key; whether an object is an audit event at
    all, and its stage, are part of that key: after a valid event, one that is not an audit
    event is still a skip, and one at another stage is counted for that stage."""
    valid = read(auditID="00000001-0000-4000-8000-000000000000")
    other = {**read(auditID="00000002-0000-4000-8000-000000000000"), **variant}
    records = [("1", json.dumps(valid)), ("2", json.dumps(other))]
    with_screen, full = both_ways(records, SETTINGS)
    assert with_screen == full
    skips = with_screen["skips"]
    dropped = with_screen["dropped"]
    assert isinstance(skips, list)
    assert isinstance(dropped, dict)
    if expected == "skip":
        assert skips == [("2", "missing_fields" if "kind" not in variant else "not_audit_event")]
        assert dropped == {"automation": 1}
    else:
        assert skips == []
        assert dropped == {"automation": 1, expected: 1}


def test_equal_looking_codes_of_other_types_never_share_an_answer() -> None:
    """`403.0 == 403` in Python, but the model reads only an integer code: a float 403 is an
    unknown outcome (allowed), a 403 a refusal the probing rule counts."""
    records = []
    for index, resource in enumerate(["secrets", "configmaps", "pods", "nodes", "roles"] * 2):
        code = 403.0 if index < 5 else 403
        raw = read(
            auditID=f"{index:08x}-0000-4000-8000-000000000000",
            verb="get",
            objectRef={"resource": resource, "namespace": "kube-system"},
            responseStatus={"code": code},
            annotations={},
        )
        records.append((str(index), json.dumps(raw)))
    with_screen, full = both_ways(records, SETTINGS)
    assert with_screen == full
    alerts = with_screen["alerts"]
    assert isinstance(alerts, list)
    assert [rule for _, rule, _ in alerts] == ["automation-probing"]
