"""The person behind a generic session, found with CloudTrail LookupEvents (a botocore
Stubber behind the function's own client: moto has no LookupEvents), and what an STS call's
record says about the person."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from credentials_support import ACCOUNT, KEY, ROLE, admin_change, assume_role, audit_log
from eks_audit_bot import handler
from eks_audit_bot.aws import lookup
from eks_audit_bot.aws.api_call import api_call_from_dict
from eks_audit_bot.aws.credentials import issued_by
from eks_audit_bot.core.credential import credential_key, is_generic_session
from fleet import dedup_table
from lambda_context import FakeContext
from support import REGION, Inbox


def documents(inbox: Inbox) -> list[dict[str, Any]]:
    """The JSON documents a queue subscriber receives."""
    return [json.loads(note["Message"]) for note in inbox.received()]


def lookup_response(*records: dict[str, Any]) -> dict[str, Any]:
    return {
        "Events": [
            {
                "EventId": record["detail"]["eventID"],
                "EventName": record["detail"]["eventName"],
                "CloudTrailEvent": json.dumps(record["detail"]),
            }
            for record in records
        ]
    }


@pytest.fixture
def stubbed_lookups(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """LookupEvents answered by a Stubber behind the function's own client (adaptive retries)."""
    client = lookup.lookup_client(REGION)
    assert client.meta.config.retries["mode"] == "adaptive"  # the 2-per-second limit
    monkeypatch.setattr(lookup, "lookup_client", lambda region: client)
    with Stubber(client) as stubber:
        yield stubber


def test_lookup_events_finds_the_issuing_call_once_and_the_table_keeps_it(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch, stubbed_lookups: Stubber
) -> None:
    name = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", name)
    other = assume_role(key="ASIAQEXAMPLEOTHERKEY")
    expected = {
        "LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": ROLE}],
        "StartTime": ANY,
        "EndTime": ANY,
        "MaxResults": 50,
    }
    stubbed_lookups.add_response("lookup_events", lookup_response(other, assume_role()), expected)
    handler.lambda_handler(audit_log(admin_change()), FakeContext())
    handler.lambda_handler(audit_log(admin_change()), FakeContext())  # cached: no second call
    stubbed_lookups.assert_no_pending_responses()
    for document in documents(inbox):
        assert document["actor"]["display_name"] == "alice@example.com"
        assert "found by CloudTrail LookupEvents" in document["actor"]["person_source"]
    stored = boto3.client("dynamodb", region_name=REGION).scan(TableName=name)["Items"]
    links = [item["id"]["S"] for item in stored if item["id"]["S"].startswith("credential#")]
    assert links == [credential_key(KEY)]


def test_a_throttled_lookup_still_sends_the_alert_and_counts_the_failure(
    inbox: Inbox, stubbed_lookups: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    stubbed_lookups.add_client_error("lookup_events", "ThrottlingException", http_status_code=400)
    result = handler.lambda_handler(audit_log(admin_change()), FakeContext())
    assert result["alerts"] == 1
    (document,) = documents(inbox)
    assert document["actor"]["display_name"].startswith("unknown person")
    assert '"PersonLookupFailures"' in capsys.readouterr().out


# ---- what an STS call says ----


def _issued(record: dict[str, Any]) -> Any:
    return issued_by(api_call_from_dict(record["detail"]))


@pytest.mark.parametrize(
    ("name", "generic"),
    [
        ("EKSGetTokenAuth", True),
        ("aws-go-sdk-1700000000123456789", True),
        ("botocore-session-1700000000", True),
        ("1700000000", True),
        ("", True),
        ("alice@example.com", False),
        ("GitHubActions", False),
    ],
)
def test_generic_session_names(name: str, generic: bool) -> None:
    assert is_generic_session(name) is generic


def test_a_source_identity_names_the_person_before_the_caller() -> None:
    issued = _issued(assume_role(sourceIdentity="carol@example.com"))
    assert issued.link.person == "carol@example.com"
    assert issued.link.basis == "its source identity"


def test_saml_and_web_identity_subjects_name_the_person() -> None:
    saml = assume_role(subject="dave@example.com")
    saml["detail"]["eventName"] = "AssumeRoleWithSAML"
    saml["detail"]["userIdentity"] = {"type": "SAMLUser", "userName": "dave@example.com"}
    assert _issued(saml).link.person == "dave@example.com"
    web = assume_role(subjectFromWebIdentityToken="repo:acme/deploy:ref:refs/heads/main")
    web["detail"]["eventName"] = "AssumeRoleWithWebIdentity"
    web["detail"]["userIdentity"] = {"type": "WebIdentityUser"}
    assert _issued(web).link.basis == "the web identity subject"


def test_a_failed_call_or_a_generic_caller_names_nobody() -> None:
    failed = copy.deepcopy(assume_role())
    failed["detail"]["errorCode"] = "AccessDenied"
    assert _issued(failed) is None
    chained = assume_role()
    chained["detail"]["userIdentity"]["arn"] = (
        f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/botocore-session-1700000000"
    )
    assert _issued(chained) is None
