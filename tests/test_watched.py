"""One list of what the module watches (`aws/watched.json`): every resource type the Terraform
creates is covered, every subscribed operation has a rule and a phrase, every rule's
operation is subscribed, and a change to any of them alerts through the handler."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import hcl2
import pytest

from eks_audit_bot import handler
from eks_audit_bot.aws.eventbridge import envelope
from eks_audit_bot.aws.rules import builtin_aws_rules
from eks_audit_bot.aws.watched import watches
from fleet import dedup_table
from lambda_context import FakeContext
from support import Inbox
from tamper_cases import KEY_ID, TAMPER_CASES, TOPIC_ARN
from test_handler_cases import delivered

ROOT = Path(__file__).parents[1]
MODULES = [ROOT, *(ROOT / "modules" / name for name in ("central", "member", "destination"))]
RAISED_BY_THE_FUNCTION = json.loads((ROOT / "lambda/eks_audit_bot/aws/watched.json").read_text())[
    "raised_by_the_function"
]


def created_resource_types(module: Path) -> set[str]:
    """The resource types a module's `.tf` files declare, read with an HCL parser."""
    found: set[str] = set()
    for path in sorted(module.glob("*.tf")):
        with path.open() as handle:
            document = hcl2.load(handle)
        for block in document.get("resource", []):
            found.update(name.strip('"') for name in block)
    return found


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name or "root")
def test_every_resource_type_the_terraform_creates_is_watched(module: Path) -> None:
    covered = {kind for watch in watches() for kind in watch.resource_types}
    missing = created_resource_types(module) - covered
    assert not missing, f"{module.name}: add {sorted(missing)} to aws/watched.json"


def subscribed() -> set[tuple[str, str]]:
    return {(w.event_source, op) for w in watches() for op in w.operations}


def test_every_subscribed_operation_has_a_rule_and_a_phrase() -> None:
    rules = [rule for rule in builtin_aws_rules() if rule.source == "cloudtrail"]
    for watch in watches():
        if not watch.alerts:  # recorded only: the STS calls that name a credential's person
            continue
        for operation, phrase in watch.operations.items():
            assert phrase.phrase, (watch.kind, operation)
            assert phrase.resource, (watch.kind, operation)
            judged = [
                rule.id
                for rule in rules
                if any(fnmatchcase(watch.event_source, g) for g in rule.match.event_sources)
                and (not rule.match.event_names or operation in rule.match.event_names)
            ]
            assert judged, f"no rule judges {watch.event_source} {operation}"


def test_every_rule_operation_is_subscribed() -> None:
    raised = {(source, op) for source, ops in RAISED_BY_THE_FUNCTION.items() for op in ops}
    for rule in builtin_aws_rules():
        for source in rule.match.event_sources:
            for operation in rule.match.event_names:
                assert (source, operation) in subscribed() | raised, (rule.id, operation)


def test_an_operation_belongs_to_one_watch() -> None:
    pairs = [(w.event_source, op) for w in watches() for op in w.operations]
    assert len(pairs) == len(set(pairs))


def as_event(raw: dict[str, Any], inbox: Inbox) -> dict[str, Any]:
    """The record as EventBridge delivers it, about this test's alert topic."""
    return envelope(json.loads(json.dumps(raw).replace(TOPIC_ARN, inbox.topic_arn)))


@pytest.mark.parametrize("rule_id", sorted(set(TAMPER_CASES) - {"forged-event"}))
def test_a_change_to_what_the_module_created_alerts_through_the_handler(
    rule_id: str, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHED_KMS_KEYS", json.dumps([f"arn:aws:kms:eu-west-1:1:key/{KEY_ID}"]))
    event = as_event(TAMPER_CASES[rule_id][0], inbox)
    assert handler.lambda_handler(event, FakeContext())["alerts"] == 1
    (note,) = delivered(inbox)
    assert (note["attributes"]["rule"], note["attributes"]["source"]) == (rule_id, "cloudtrail")
    assert note["attributes"]["actor"] == "alice@example.com"


@pytest.mark.parametrize(
    ("rule_id", "change"),
    [
        ("tamper-stream-deleted", ("eks-audit-bot", "someone-elses-stream")),
        ("tamper-queue-purged", ("eks-audit-bot-on-failure", "orders")),
        ("tamper-key-disabled", ("0a1b2c3d-0a1b", "ffffffff-0a1b")),
        ("tamper-topic-deleted", (":eks-alerts:", ":newsletter:")),
        ("tamper-event-source-mapping-disabled", ("function:eks-audit-bot", "function:billing")),
    ],
)
def test_the_same_change_to_something_else_is_not_watched(
    rule_id: str, change: tuple[str, str], inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHED_KMS_KEYS", json.dumps([KEY_ID]))
    raw = json.loads(json.dumps(TAMPER_CASES[rule_id][0]).replace(*change))
    assert handler.lambda_handler(as_event(raw, inbox), FakeContext())["alerts"] == 0
    assert inbox.received() == []


def test_the_state_table_is_watched_whatever_its_name(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = dedup_table("platform-alert-state")  # not of the module's naming
    monkeypatch.setenv("DEDUP_TABLE_NAME", table)
    raw = TAMPER_CASES["tamper-state-table-deleted"][0]
    renamed = json.loads(json.dumps(raw).replace("eks-audit-bot-dedup", table))
    assert handler.lambda_handler(as_event(renamed, inbox), FakeContext())["alerts"] == 1
    assert delivered(inbox)[0]["attributes"]["rule"] == "tamper-state-table-deleted"
