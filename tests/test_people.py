"""The person behind a generic session: `aws eks get-token --role-arn` gives the session name
`EKSGetTokenAuth`, and the alert names the person the STS call that issued the credential
names, saying how it knows; with nothing known it says the person is unknown, at once.

Through the handler under moto: the STS call arrives as an EventBridge event (the state-table
path, DynamoDB), the audit-log change as a subscription payload or, in organization mode, a
Kinesis record. The LookupEvents path: `test_people_lookup.py`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.sns.models import sns_backends

from credentials_support import (
    ACCOUNT,
    EXPIRES,
    KEY,
    admin_change,
    admin_grant,
    assume_role,
    audit_log,
)
from eks_audit_bot import handler
from eks_audit_bot.core.credential import credential_key
from eks_audit_bot.settings import ConfigError, Settings
from fleet import MEMBER_A, dedup_table, payload, records_event
from lambda_context import FakeContext
from support import ACCOUNT as SNS_ACCOUNT
from support import REGION, Inbox


@pytest.fixture
def table(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> str:
    """The state table, and no LookupEvents: the links come from EventBridge alone."""
    name = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", name)
    monkeypatch.setenv("CREDENTIAL_LOOKUP", "false")
    return name


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


def test_an_aws_api_call_through_a_generic_session_names_the_person(
    inbox: Inbox, table: str, logs: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    """The AWS feed too: the call's `userIdentity.accessKeyId` leads to the same link."""
    handler.lambda_handler(assume_role(), FakeContext())
    handler.lambda_handler(admin_grant(), FakeContext())
    notes = inbox.received()
    assert len(notes) == 1
    document = json.loads(notes[0]["Message"])
    assert document["rule"]["id"] == "eks-cluster-admin-granted"
    assert document["actor"]["display_name"] == "alice@example.com"
    assert document["actor"]["person_source"].startswith(
        "assumed role eks-admin as alice@example.com at 10:02 UTC on 2026-11-20"
    )
    assert notes[0]["MessageAttributes"]["actor"]["Value"] == "alice@example.com"
    email = email_of(inbox, notes[0]["Subject"])
    assert "How we know:" in email
    assert "assumed role eks-admin as alice@example.com" in email
    seen = json.dumps(notes) + logs.getvalue() + capsys.readouterr().out + email
    assert KEY not in seen


def test_an_aws_api_call_whose_credential_nobody_issued_says_the_person_is_unknown(
    inbox: Inbox, table: str
) -> None:
    handler.lambda_handler(admin_grant(key="ASIAQEXAMPLEUNSEEN01"), FakeContext())
    (document,) = documents(inbox)
    assert document["actor"]["display_name"] == (
        "unknown person (role eks-admin, session EKSGetTokenAuth)"
    )
    assert "no record of the STS call" in document["actor"]["person_source"]


def test_an_aws_api_call_whose_session_carries_a_source_identity_keeps_that_person(
    inbox: Inbox, table: str
) -> None:
    event = admin_grant(key="ASIAQEXAMPLEUNSEEN01")
    event["detail"]["userIdentity"]["sessionContext"]["sourceIdentity"] = "carol@example.com"
    handler.lambda_handler(event, FakeContext())
    (document,) = documents(inbox)
    assert document["actor"]["display_name"] == "carol@example.com"
    assert "person_source" not in document["actor"]


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
    """Member accounts forward their STS calls to the central bus (aws/watched.json);
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
