"""Security Hub findings through the handler under moto: each alert is imported as an ASFF
finding (`get_findings` shows it), a re-delivered alert updates its finding, and in
organization mode a member's alert goes to the member's account through its role."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from controls_support import exec_into, received, send
from eks_audit_bot import handler
from fleet import MEMBER_A, audit_event, member_session, payload, records_event
from lambda_context import FakeContext
from support import ACCOUNT, REGION, Inbox


@pytest.fixture
def findings_on(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> Inbox:
    monkeypatch.setenv("SECURITY_HUB_FINDINGS", "true")
    return inbox


def findings(session: Any = boto3) -> list[dict[str, Any]]:
    client = session.client("securityhub", region_name=REGION)
    found: list[dict[str, Any]] = client.get_findings()["Findings"]
    return found


def test_an_alert_is_a_finding_and_a_redelivery_updates_it(findings_on: Inbox) -> None:
    event = exec_into("alice", "api-1")
    send([event])
    send([event])  # Lambda's retry of the same batch
    assert len(received(findings_on)) == 2  # no dedup table: SNS gets it twice
    (finding,) = findings()
    print(json.dumps(finding, indent=2, sort_keys=True))  # the report quotes it
    assert finding["AwsAccountId"] == ACCOUNT
    assert finding["ProductArn"] == (
        f"arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default"
    )
    assert finding["Severity"] == {"Label": "MEDIUM"}
    assert finding["Types"] == ["TTPs/Execution"]
    assert finding["Title"] == "Exec or attach into a pod"
    cluster, person = finding["Resources"]
    assert cluster["Type"] == "AwsEksCluster"
    assert cluster["Id"] == f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/prod"
    assert person["Id"].endswith(":role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b")
    assert finding["UserDefinedFields"]["actor"] == "alice@example.com"
    assert finding["Remediation"]["Recommendation"]["Text"]


def test_a_member_alert_is_imported_in_the_member_account(
    findings_on: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECURITY_HUB_ROLE_NAME", "eks-audit-bot-securityhub")
    event = audit_event("dana", MEMBER_A, "delete", "secrets", "db-password")
    handler.lambda_handler(records_event([payload(MEMBER_A, "payments", [event])]), FakeContext())
    (finding,) = findings(member_session(MEMBER_A))
    assert finding["AwsAccountId"] == MEMBER_A
    assert finding["ProductArn"] == (
        f"arn:aws:securityhub:{REGION}:{MEMBER_A}:product/{MEMBER_A}/default"
    )
    assert finding["Resources"][0]["Id"] == f"arn:aws:eks:{REGION}:{MEMBER_A}:cluster/payments"
    assert finding["Types"] == ["TTPs/Credential Access"]


def test_without_the_setting_nothing_is_imported(inbox: Inbox) -> None:
    send([exec_into("alice", "api-1")])
    assert len(received(inbox)) == 1
    assert findings() == []
