"""Request shapes an insider controls can never hide a change.

Each class of evasion is tried with the critical fixture (kubernetes-admin binds cluster-admin):
reusing an auditID (client-chosen `Audit-ID`), a fake dry run in the query string, padding the
line past CloudWatch's 256 KB cut, and an alert too large for SNS.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot import handler
from eks_audit_bot.core.alert import Location
from eks_audit_bot.kube.audit import TRUNCATION_MARKER
from eks_audit_bot.kube.pipeline import Result, process
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output import message
from eks_audit_bot.settings import Settings
from lambda_context import FakeContext
from support import Inbox, delivered, load_case, subscription_event

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
LOCATION = Location("prod-eu", "/aws/eks/prod-eu/cluster", "111122223333", "prod", "eu-west-1")
SETTINGS = Settings(TOPIC)
RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
CUT_AT = 256 * 1024  # CloudWatch Logs keeps this much of a line, then appends the marker


def binding() -> dict[str, Any]:
    """kubernetes-admin (IAM user bob) creates a ClusterRoleBinding to cluster-admin."""
    case = load_case("iam-user-kubernetes-admin-create-clusterrolebinding")
    return copy.deepcopy(case["events"][0])


def harmless(audit_id: str) -> dict[str, Any]:
    """The same person patching a deployment (a lesser change), under `audit_id`."""
    event = binding()
    event.update(
        auditID=audit_id,
        level="Metadata",
        requestURI="/apis/apps/v1/namespaces/payments/deployments/web",
        verb="patch",
        objectRef={
            "resource": "deployments",
            "namespace": "payments",
            "name": "web",
            "apiGroup": "apps",
            "apiVersion": "v1",
        },
        responseStatus={"metadata": {}, "code": 200},
        requestReceivedTimestamp="2026-11-20T14:03:10.100000Z",
    )
    del event["requestObject"], event["responseObject"]
    return event


def dry_run_of(event: dict[str, Any]) -> dict[str, Any]:
    dry = copy.deepcopy(event)
    dry["requestURI"] += "&dryRun=All"
    dry["requestReceivedTimestamp"] = "2026-11-20T14:03:10.200000Z"
    return dry


def run(*events: dict[str, Any] | str, settings: Settings = SETTINGS) -> Result:
    lines = [event if isinstance(event, str) else json.dumps(event) for event in events]
    records = [(f"line {index}", line) for index, line in enumerate(lines, 1)]
    return process(records, LOCATION, settings, RuleCatalog.load(settings))


def rules(result: Result) -> list[tuple[str, str]]:
    return [(alert.rule.rule_id, str(alert.severity)) for alert in result.alerts]


def accounted(result: Result) -> int:
    return len(result.alerts) + sum(result.dropped.values()) + len(result.skips)


# ---- Reused auditID: two requests, two actions --------------------------------------------


def _same_id_pairs() -> list[tuple[str, list[dict[str, Any]]]]:
    real = binding()
    quiet, dry = harmless(real["auditID"]), dry_run_of(real)
    return [
        ("harmless-first", [quiet, real]),
        ("harmless-second", [real, quiet]),
        ("dry-run-first", [dry, real]),
        ("dry-run-second", [real, dry]),
    ]


@pytest.mark.parametrize(
    ("order", "events"), _same_id_pairs(), ids=[p[0] for p in _same_id_pairs()]
)
def test_a_request_reusing_an_audit_id_cannot_hide_a_critical_one(
    order: str, events: list[dict[str, Any]]
) -> None:
    result = run(*events)
    assert ("binding-privileged-role", "critical") in rules(result), order
    if "harmless" in order:
        assert len(result.alerts) == 2  # the lesser change alerts too
    else:
        assert result.dropped["dry_run"] == 1
    assert accounted(result) == result.received == 2


def test_same_request_shape_twice_with_different_bodies_is_two_actions() -> None:
    real = binding()
    tame = copy.deepcopy(real)
    for body in ("requestObject", "responseObject"):
        tame[body]["roleRef"]["name"] = "view"
    for first, second in ((tame, real), (real, tame)):
        assert ("binding-privileged-role", "critical") in rules(run(first, second))


def test_stages_of_one_request_still_collapse_and_an_identical_line_is_a_duplicate() -> None:
    exec_stages = [json.dumps(event) for event in load_case("exec-two-stages")["events"]]
    result = run(*exec_stages, exec_stages[1])
    assert len(result.alerts) == 1
    assert result.dropped["duplicate_stage"] == 2
    assert accounted(result) == 3


def test_the_handler_publishes_both_actions_sharing_an_audit_id(inbox: Inbox) -> None:
    real = binding()
    case = {**load_case("iam-user-kubernetes-admin-create-clusterrolebinding")}
    case["events"] = [dry_run_of(real), harmless(real["auditID"]), real]
    handler.lambda_handler(subscription_event(case), FakeContext())
    rules_sent = sorted(note["MessageAttributes"]["rule"]["Value"] for note in inbox.received())
    assert rules_sent == ["binding-privileged-role", "workload-changed"]


# ---- Dry run: only a `dryRun` query parameter equal to `All` --------------------------------


@pytest.mark.parametrize(
    "query",
    ["fieldManager=dryRun=All", "fieldManager=x&note=dryRun%3DAll", "dryRunx=All", "dryRun=all"],
)
def test_dry_run_text_elsewhere_in_the_query_is_not_a_dry_run(query: str) -> None:
    event = binding()
    event["requestURI"] = f"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?{query}"
    assert rules(run(event)) == [("binding-privileged-role", "critical")]


@pytest.mark.parametrize("query", ["dryRun=All", "fieldManager=kubectl&dryRun=All", "dry%52un=All"])
def test_a_real_dry_run_changes_nothing_and_stays_quiet(query: str) -> None:
    event = binding()
    event["requestURI"] = f"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?{query}"
    result = run(event)
    assert result.alerts == []
    assert result.dropped["dry_run"] == 1


# ---- Padding past CloudWatch's cut ---------------------------------------------------------


def cut(event: dict[str, Any]) -> str:
    """The line as CloudWatch Logs stores an event over 256 KB."""
    line = json.dumps(event).encode()
    assert len(line) > CUT_AT
    return line[:CUT_AT].decode(errors="ignore") + TRUNCATION_MARKER


def test_a_line_padded_by_a_huge_annotation_still_alerts_and_says_it_was_cut() -> None:
    event = binding()
    event["requestObject"]["metadata"]["annotations"] = {"note": "x" * 300_000}
    result = run(cut(event))
    ((rule, _),) = rules(result)
    (alert,) = result.alerts
    assert alert.event.truncated
    assert alert.actor.iam_arn == "arn:aws:iam::111122223333:user/bob"
    assert rule == "clusterrolebinding-changed"  # the body is lost: the name-based rule fires
    outgoing = message.build(alert, SETTINGS)
    assert "Truncated:" in delivered(outgoing.message, "email")
    assert json.loads(delivered(outgoing.message, "sqs"))["truncated"] is True


def test_a_line_padded_by_forwarded_ips_recovers_the_object_from_the_request_uri() -> None:
    event = binding()
    event["sourceIPs"] = [f"198.51.{index // 256 % 256}.{index % 256}" for index in range(20_000)]
    result = run(cut(event))
    (alert,) = result.alerts
    assert alert.event.truncated
    assert alert.event.object_ref.resource == "clusterrolebindings"
    assert alert.event.response_code is None  # the status was cut off: judged as allowed
    assert alert.severity == "high"


def test_a_cut_line_without_who_or_what_is_a_counted_skip_naming_what_was_lost() -> None:
    event = binding()
    padded = {"kind": "Event", "auditID": event["auditID"], "padding": "p" * 300_000, **event}
    result = run(cut(padded))
    (skip,) = result.skips
    assert skip.reason == "truncated"
    assert "stage, verb, user" in skip.detail
    assert skip.audit_id == event["auditID"]
    assert "ppp" not in skip.detail


# ---- An alert too big for SNS --------------------------------------------------------------


def test_fifteen_thousand_forwarded_ips_make_one_deliverable_message(inbox: Inbox) -> None:
    event = binding()
    event["sourceIPs"] = [f"203.0.{index // 250}.{index % 250}" for index in range(15_000)]
    case = {**load_case("iam-user-kubernetes-admin-create-clusterrolebinding")}
    case["events"] = [event]
    result = handler.lambda_handler(subscription_event(case), FakeContext())
    (note,) = inbox.received()
    assert result["alerts"] == 1
    assert note["MessageAttributes"]["severity"]["Value"] == "critical"
    document = json.loads(note["Message"])
    assert document["source"]["ips"][:2] == ["203.0.0.0", "203.0.0.1"]
    assert document["shortened"] == ["source IPs: 15,000 items, the first 20 kept"]


def test_every_message_fits_one_sns_request_and_says_what_was_shortened() -> None:
    (alert,) = run(binding()).alerts
    huge = alert.event._replace(
        source_ips=tuple(f"192.0.2.{index % 256}" for index in range(15_000)),
        user_agent="kubectl/" + "A" * 300_000,
        object_ref=alert.event.object_ref._replace(name="n" * 200_000),
    )
    bloated = alert.__class__(huge, alert.actor, alert.rule, alert.location, ("c" * 100,) * 5000)
    outgoing = message.build(bloated, SETTINGS)
    assert outgoing.size <= 256 * 1024
    document = json.loads(delivered(outgoing.message, "lambda"))
    assert [note.split(":")[0] for note in document["shortened"]][:2] == [
        "what changed",
        "user agent",
    ]
    assert "Shortened to fit one SNS message" in delivered(outgoing.message, "email")
    assert document["severity"] == "critical"


# ---- A body built to stall the function ----------------------------------------------------


@pytest.mark.parametrize(
    "filler",
    ["a" * 65_536, "a-" * 32_768, "x" * 65_000 + "://", "password" + " " * 65_000],
    ids=["letters", "dashes", "scheme", "spaces"],
)
def test_a_configmap_value_built_to_stall_the_credential_scan_still_alerts(filler: str) -> None:
    """Every value of a ConfigMap a person writes is scanned for credentials (64 KB of each):
    a value made to make the scan's patterns backtrack (quadratic, minutes for 64 KB) would
    hold the batch until the function times out and every alert in it waits with it."""
    event = json.loads((RULE_FIXTURES / "configmap-credentials" / "quiet.json").read_text())
    data = {"filler": filler, "z-db": "db_password: hunter2"}
    event["requestObject"]["data"] = event["responseObject"]["data"] = data
    (alert,) = run(event).alerts
    assert alert.rule.rule_id == "configmap-credentials"
    assert "looks like credentials: key z-db holds a credential setting" in alert.changes
    assert "hunter2" not in json.dumps(message.build(alert, SETTINGS).message)
