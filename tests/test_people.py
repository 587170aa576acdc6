"""The person behind a generic session: `aws eks get-token --role-arn` gives the session name
`EKSGetTokenAuth`, and the alert names the person the STS call that issued the credential
names, saying how it knows; with nothing known it says the person is unknown, at once.

Through the handler under moto: the STS call arrives as an EventBridge event (the state-table
path, DynamoDB), the audit-log change as a subscription payload or, in organization mode, a
Kinesis record; the LookupEvents path with a botocore Stubber (moto has no LookupEvents).
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from moto.sns.models import sns_backends

from eks_audit_bot import handler
from eks_audit_bot.aws import lookup
from eks_audit_bot.aws.api_call import api_call_from_dict
from eks_audit_bot.aws.credentials import issued_by
from eks_audit_bot.core.credential import credential_key, is_generic_session
from eks_audit_bot.settings import ConfigError, Settings
from fleet import MEMBER_A, dedup_table, payload, records_event
from lambda_context import FakeContext
from support import ACCOUNT as SNS_ACCOUNT
from support import REGION, Inbox, subscription_event

ACCOUNT = "111122223333"
KEY = "ASIAQEXAMPLEGETTOKEN"  # the credential `aws eks get-token` obtained
# A link lives as long as its credential: one that expires an hour from now (the real clock:
# the table's TTL and the resolver compare with it).
EXPIRES = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-admin"
SSO_ALICE = (
    f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/"
    "alice@example.com"
)


def assume_role(key: str = KEY, **response: Any) -> dict[str, Any]:
    """The CloudTrail record of alice (an Identity Center user) assuming eks-admin for
    `aws eks get-token --role-arn`, as EventBridge delivers it."""
    detail = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROA3EXAMPLEEXAMPLE01:alice@example.com",
            "arn": SSO_ALICE,
            "accountId": ACCOUNT,
            "accessKeyId": "ASIAQEXAMPLECALLER01",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/"
                    "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b",
                }
            },
        },
        "eventTime": "2026-11-20T10:02:41Z",
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRole",
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.17.4 md/command#eks.get-token",
        "requestParameters": {"roleArn": ROLE, "roleSessionName": "EKSGetTokenAuth"},
        "responseElements": {
            "credentials": {
                "accessKeyId": key,
                "expiration": EXPIRES.strftime("%b %d, %Y, %I:%M:%S %p"),
            },
            "assumedRoleUser": {
                "assumedRoleId": "AROAQEXAMPLEEKSADMIN:EKSGetTokenAuth",
                "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/eks-admin/EKSGetTokenAuth",
            },
            **response,
        },
        "eventID": "3e1f0c52-2d1b-4a8e-9d3c-5b6a7e8f9a01",
        "readOnly": True,
        "recipientAccountId": ACCOUNT,
    }
    return {
        "version": "0",
        "id": "9b2c0001-0c1d-4e2f-8a9b-1c2d3e4f5a6b",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.sts",
        "account": ACCOUNT,
        "time": "2026-11-20T10:02:41Z",
        "region": REGION,
        "resources": [],
        "detail": detail,
    }


def admin_change(key: str = KEY, session: str = "EKSGetTokenAuth") -> dict[str, Any]:
    """`kubectl delete secret` by kubernetes-admin (aws-auth maps eks-admin to it)."""
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": "5d0c8f1e-7a2b-4c3d-8e9f-0a1b2c3d4e5f",
        "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/payments/secrets/db-password",
        "verb": "delete",
        "user": {
            "username": "kubernetes-admin",
            "uid": f"aws-iam-authenticator:{ACCOUNT}:AROAQEXAMPLEEKSADMIN",
            "groups": ["system:masters", "system:authenticated"],
            "extra": {
                "accessKeyId": [key],
                "arn": [f"arn:aws:sts::{ACCOUNT}:assumed-role/eks-admin/{session}"],
                "canonicalArn": [ROLE],
                "principalId": ["AROAQEXAMPLEEKSADMIN"],
                "sessionName": [session],
            },
        },
        "sourceIPs": ["203.0.113.10"],
        "userAgent": "kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350",
        "objectRef": {"resource": "secrets", "namespace": "payments", "name": "db-password"},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": "2026-11-20T10:04:12.512345Z",
        "stageTimestamp": "2026-11-20T10:04:12.530123Z",
        "annotations": {"authorization.k8s.io/decision": "allow"},
    }


def audit_log(*events: dict[str, Any]) -> dict[str, Any]:
    case = {
        "logGroup": "/aws/eks/prod/cluster",
        "logStream": "kube-apiserver-audit-0123456789abcdef",
        "events": list(events),
    }
    return subscription_event(case, owner=ACCOUNT)


@pytest.fixture
def table(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> str:
    """The state table, and no LookupEvents: the links come from EventBridge alone."""
    name = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", name)
    monkeypatch.setenv("CREDENTIAL_LOOKUP", "false")
    return name


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    previous = handler.logger.registered_handler.setStream(buffer)
    yield buffer
    handler.logger.registered_handler.setStream(previous)


def email_of(inbox: Inbox, subject: str) -> str:
    """The email text SNS sends for the notification with `subject` (moto keeps it)."""
    topic = sns_backends[SNS_ACCOUNT][REGION].topics[inbox.topic_arn]
    return next(
        json.loads(body)["email"]
        for _, body, sub, _, _ in topic.sent_notifications
        if sub == subject
    )


def documents(inbox: Inbox) -> list[dict[str, Any]]:
    """The JSON documents a queue subscriber receives."""
    return [json.loads(note["Message"]) for note in inbox.received()]


def test_a_generic_session_names_the_person_after_the_sts_call_was_seen(
    inbox: Inbox, table: str, logs: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    handler.lambda_handler(assume_role(), FakeContext())
    assert inbox.received() == []  # a link, not an alert
    handler.lambda_handler(audit_log(admin_change()), FakeContext())
    notes = inbox.received()
    assert len(notes) == 1
    email = email_of(inbox, notes[0]["Subject"])
    assert "alice@example.com deleted secrets payments/db-password in prod" in notes[0]["Subject"]
    assert "Person:" in email
    assert "alice@example.com" in email
    assert "assumed role eks-admin as alice@example.com at 10:02 UTC on 2026-11-20" in email
    actor = json.loads(notes[0]["Message"])["actor"]
    assert actor["display_name"] == "alice@example.com"
    assert actor["session_name"] == "EKSGetTokenAuth"
    assert actor["person_source"].startswith("assumed role eks-admin as alice@example.com")
    assert notes[0]["MessageAttributes"]["actor"]["Value"] == "alice@example.com"
    # The key is in neither the alert, the logs, nor the table (only its hash).
    stored = boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]
    (link,) = [item for item in stored if item["id"]["S"].startswith("credential#")]
    assert link["id"]["S"] == credential_key(KEY)
    assert int(link["expiration"]["N"]) == int(EXPIRES.timestamp())
    seen = json.dumps(notes) + logs.getvalue() + capsys.readouterr().out + json.dumps(stored)
    assert KEY not in seen


def test_with_no_link_known_the_alert_goes_out_at_once_and_says_the_person_is_unknown(
    inbox: Inbox, table: str
) -> None:
    handler.lambda_handler(assume_role(key="ASIAQEXAMPLEOTHERKEY"), FakeContext())
    result = handler.lambda_handler(audit_log(admin_change()), FakeContext())
    assert result["alerts"] == 1
    (document,) = documents(inbox)
    assert document["actor"]["display_name"] == (
        "unknown person (role eks-admin, session EKSGetTokenAuth)"
    )
    assert "no record of the STS call" in document["actor"]["person_source"]
    assert document["rule"]["id"] == "secret-changed"


def test_a_session_that_names_a_person_is_left_alone(inbox: Inbox, table: str) -> None:
    handler.lambda_handler(assume_role(), FakeContext())
    handler.lambda_handler(audit_log(admin_change(session="bob@example.com")), FakeContext())
    (document,) = documents(inbox)
    assert document["actor"]["display_name"] == "bob@example.com"
    assert "person_source" not in document["actor"]


def test_without_a_state_table_or_lookups_nothing_changes(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDENTIAL_LOOKUP", "false")
    handler.lambda_handler(assume_role(), FakeContext())
    handler.lambda_handler(audit_log(admin_change()), FakeContext())
    (document,) = documents(inbox)
    assert document["actor"]["display_name"] == "EKSGetTokenAuth"  # as before: no source


def test_organization_mode_links_a_member_accounts_credential(inbox: Inbox, table: str) -> None:
    """Member accounts forward their STS calls to the central bus (cloudtrail_events.json);
    their audit logs arrive through Kinesis. The state table links the two."""
    forwarded = assume_role()
    forwarded["account"] = MEMBER_A
    forwarded["detail"]["recipientAccountId"] = MEMBER_A
    handler.lambda_handler(forwarded, FakeContext())
    change = admin_change()
    handler.lambda_handler(records_event([payload(MEMBER_A, "payments", [change])]), FakeContext())
    (document,) = documents(inbox)
    assert document["where"]["account_id"] == MEMBER_A
    assert document["actor"]["display_name"] == "alice@example.com"


# ---- LookupEvents ----


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


# ---- replay ----


def test_replay_names_the_person_from_sts_records_given_before_the_audit_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last month's logs: the credential expired long ago, but it was valid when used."""
    from eks_audit_bot.cli import main as cli

    record = assume_role()["detail"]
    record["responseElements"]["credentials"]["expiration"] = "Nov 20, 2026, 11:02:41 AM"
    trail = tmp_path / "cloudtrail.json"
    trail.write_text(json.dumps({"Records": [record]}))
    audit = tmp_path / "audit.jsonl"
    audit.write_text(json.dumps(admin_change()) + "\n")
    assert cli.main(["replay", "--json", "--cluster", "prod", str(trail), str(audit)]) == 0
    out = capsys.readouterr().out
    (document,) = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert document["actor"]["display_name"] == "alice@example.com"
    assert KEY not in out


def test_credential_lookup_is_on_unless_turned_off() -> None:
    topic = {"SNS_TOPIC_ARN": f"arn:aws:sns:{REGION}:{ACCOUNT}:eks-alerts"}
    assert Settings.from_env(topic).credential_lookup is True
    assert Settings.from_env({**topic, "CREDENTIAL_LOOKUP": "false"}).credential_lookup is False
    with pytest.raises(ConfigError, match="CREDENTIAL_LOOKUP='maybe': expected true or false"):
        Settings.from_env({**topic, "CREDENTIAL_LOOKUP": "maybe"})
