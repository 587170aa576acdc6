"""Forged EventBridge events: an AWS API call is believed only from the AWS service it names
(`aws.eks` for `eks.amazonaws.com`), from an allowed account, about that account. Anything
else is a counted skip and one alert about the attempt that never names the framed person."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import boto3
import pytest

from credentials_support import assume_role
from eks_audit_bot import handler
from fleet import dedup_table
from lambda_context import FakeContext
from support import REGION, Inbox, json_lines, load_eventbridge_case
from test_handler import metric
from test_handler_cases import delivered

GRANT = load_eventbridge_case("sso-user-grants-cluster-admin")["event"]
SILENCE = load_eventbridge_case("alarm-audit-log-silent")["event"]
MEMBER, INSIDER = "111122223333", "444455556666"


def forged(**envelope: Any) -> dict[str, Any]:
    return copy.deepcopy(GRANT) | {"id": "7b3a0099-forged"} | envelope


FORGERIES = {
    # What any principal allowed on the bus can send: PutEvents refuses `aws.` sources.
    "custom-source": forged(source="custom.eks", account=INSIDER),
    "no-source": forged(source="", account=INSIDER),
    "other-service": forged(source="aws.logs"),
    "account-not-allowed": forged(account=INSIDER),
    "recipient-not-sender": forged(detail=GRANT["detail"] | {"recipientAccountId": "999988887777"}),
    "alarm-from-elsewhere": copy.deepcopy(SILENCE) | {"source": "custom.cloudwatch"},
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_event_is_a_counted_skip_and_one_alert_about_the_attempt(
    name: str,
    inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    logs: io.StringIO,
) -> None:
    monkeypatch.setenv("EVENT_ACCOUNT_IDS", json.dumps([MEMBER]))
    monkeypatch.setenv("WATCHED_CLUSTERS", '["prod-eu"]')
    event = FORGERIES[name]
    result = handler.lambda_handler(event, FakeContext())
    assert result == {"received": 1, "alerts": 1, "skipped": 1}
    lines = json_lines(logs.getvalue()) + json_lines(capsys.readouterr().out)
    assert metric(lines, "EventsSkipped", reason="forged_event") == 1
    (note,) = delivered(inbox)
    attributes = note["attributes"]
    assert (attributes["rule"], attributes["severity"]) == ("forged-event", "critical")
    sender = event["account"]
    assert attributes["actor"] == f"a sender in account {sender}"
    assert attributes["account"] == sender
    rendered = json.dumps(note)
    assert "alice@example.com" not in rendered  # the framed person is never the actor
    assert "contractor-admin" not in rendered
    assert "eks-cluster-admin-granted" not in rendered
    assert f"source: {event['source'] or '(none)'}" in note["email"]


def test_a_genuine_event_from_an_allowed_account_still_alerts(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENT_ACCOUNT_IDS", json.dumps([MEMBER]))
    assert handler.lambda_handler(copy.deepcopy(GRANT), FakeContext())["alerts"] == 1
    (note,) = delivered(inbox)
    assert note["attributes"]["rule"] == "eks-cluster-admin-granted"
    assert note["attributes"]["actor"] == "alice@example.com"


def test_with_an_organization_any_account_of_it_may_send(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bus policy admits only the organization's principals (aws:PrincipalOrgID), and
    # EventBridge sets `account` itself: the function believes any account that arrives.
    monkeypatch.setenv("EVENT_ACCOUNT_IDS", json.dumps(["123456789012"]))
    monkeypatch.setenv("ORGANIZATION_ID", "o-a1b2c3d4e5")
    assert handler.lambda_handler(copy.deepcopy(GRANT), FakeContext())["alerts"] == 1
    assert delivered(inbox)[0]["attributes"]["rule"] == "eks-cluster-admin-granted"


def test_forgeries_from_one_account_alert_once_with_a_state_table(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEDUP_TABLE_NAME", dedup_table())
    sent = [forged(source="custom.eks", account=INSIDER, id=f"e{n}") for n in range(3)]
    sent[1]["detail"] = GRANT["detail"] | {"eventID": "other", "eventName": "DeleteCluster"}
    results = [handler.lambda_handler(event, FakeContext()) for event in sent]
    assert [result["skipped"] for result in results] == [1, 1, 1]
    assert sum(result["alerts"] for result in results) == 1
    assert len(delivered(inbox)) == 1


def test_a_forged_sts_call_never_links_a_credential_to_a_person(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A forged AssumeRole would make later audit-log alerts name whoever the forger chose.
    table = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", table)
    monkeypatch.setenv("CREDENTIAL_LOOKUP", "false")
    event = assume_role() | {"source": "custom.sts", "account": INSIDER}
    assert handler.lambda_handler(event, FakeContext())["skipped"] == 1
    stored = boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]
    assert not [item for item in stored if item["id"]["S"].startswith("credential#")]
    (note,) = delivered(inbox)
    assert note["attributes"]["rule"] == "forged-event"
