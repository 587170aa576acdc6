"""The organization path end to end under moto, three accounts: audit lines written to two
member accounts' EKS log groups → the central account's Logs destination → Kinesis → the
function, called with the batches the event source mapping would read → SNS → SQS.

And exactly once: a re-delivered Kinesis batch, a retried asynchronous invocation, the two
stages of an exec in two deliveries and a digest after a re-delivery publish nothing twice;
a record that keeps failing is the only batch item failure.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import boto3
import pytest

from eks_audit_bot import handler
from eks_audit_bot.kube.cloudwatch import encode_payload
from eks_audit_bot.output.route import Router
from eks_audit_bot.output.sns import Publisher, PublishError
from fleet import (
    MEMBER_A,
    MEMBER_B,
    Central,
    FailingSNS,
    StreamReader,
    audit_event,
    create_central,
    create_member_cluster,
    dedup_table,
    deliver_to_destinations,
    member_session,
    payload,
    payload_document,
    records_event,
    secret_deletions,
    write_audit_log,
)
from lambda_context import FakeContext
from support import ACCOUNT as CENTRAL
from support import REGION, Inbox, load_eventbridge_case


def default_pattern() -> str:
    return resources.files("eks_audit_bot.cli").joinpath("default_filter_pattern.txt").read_text()


@dataclass
class Fleet:
    inbox: Inbox
    central: Central
    senders: list[str]

    def subjects(self) -> list[str]:
        return sorted(note["Subject"] for note in self.inbox.received())


@pytest.fixture
def fleet(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fleet]:
    monkeypatch.setenv("ACCOUNT_NAMES", json.dumps({MEMBER_A: "payments-prod"}))
    monkeypatch.setenv("DEDUP_TABLE_NAME", dedup_table())
    with deliver_to_destinations(monkeypatch) as senders:
        yield Fleet(inbox, create_central(), senders)


def failing_sns(monkeypatch: pytest.MonkeyPatch, inbox: Inbox, marker: str) -> None:
    """The function's SNS client, except that alerts whose Subject has `marker` never get out."""
    real = handler.runtime()
    sns = FailingSNS(boto3.client("sns", region_name=REGION), lambda subject: marker in subject)
    publisher = Publisher(sns, inbox.topic_arn, max_attempts=2, sleep=lambda _: None)
    patched = real._replace(publisher=publisher)
    monkeypatch.setattr(handler, "runtime", cache(lambda: patched))


def invoke(event: dict[str, Any]) -> Any:
    return handler.lambda_handler(event, FakeContext())


# ---- three accounts ----


def test_two_member_accounts_alert_through_one_stream_each_named(fleet: Fleet) -> None:
    payments, search = member_session(MEMBER_A), member_session(MEMBER_B)
    create_member_cluster(payments, "payments", fleet.central.destination_arn, default_pattern())
    create_member_cluster(search, "search", fleet.central.destination_arn, default_pattern())
    write_audit_log(payments, "payments", secret_deletions("alice", MEMBER_A, 1))
    exec_line = audit_event("bob", MEMBER_B, "create", "pods", "web-0", subresource="exec")
    write_audit_log(search, "search", [exec_line])
    assert fleet.senders == [MEMBER_A, MEMBER_B]

    batches = StreamReader(fleet.central.stream_arn).poll()
    assert [invoke(batch) for batch in batches] == [{"batchItemFailures": []}] * len(batches)

    notes = fleet.inbox.received()
    by_account = {note["MessageAttributes"]["account"]["Value"]: note for note in notes}
    assert sorted(by_account) == [MEMBER_A, MEMBER_B]
    payments_alert = json.loads(by_account[MEMBER_A]["Message"])
    assert payments_alert["where"]["account_name"] == "payments-prod"
    assert payments_alert["where"]["cluster"] == "payments"
    assert payments_alert["where"]["region"] == REGION
    assert payments_alert["actor"]["display_name"] == "alice@example.com"
    search_alert = json.loads(by_account[MEMBER_B]["Message"])
    assert search_alert["where"]["account_name"] == ""  # not in account_names: the id only
    assert search_alert["where"]["cluster"] == "search"
    assert search_alert["actor"]["display_name"] == "bob@example.com"
    assert by_account[MEMBER_B]["MessageAttributes"]["resource"]["Value"] == "pods/exec"


def test_the_pattern_keeps_member_automation_off_the_stream(fleet: Fleet) -> None:
    payments = member_session(MEMBER_A)
    create_member_cluster(payments, "payments", fleet.central.destination_arn, default_pattern())
    lease = audit_event("kubelet", MEMBER_A, "update", "leases", "node-1")
    lease["user"] = {"username": "system:node:ip-10-0-1-23.ec2.internal", "groups": []}
    lease["sourceIPs"] = ["10.0.1.23"]  # the node's own address, in the VPC
    write_audit_log(payments, "payments", [lease])
    assert fleet.senders == []
    assert StreamReader(fleet.central.stream_arn).poll() == []


# ---- exactly once ----


def test_a_redelivered_kinesis_batch_publishes_nothing_twice(fleet: Fleet) -> None:
    payments = member_session(MEMBER_A)
    create_member_cluster(payments, "payments", fleet.central.destination_arn, default_pattern())
    write_audit_log(payments, "payments", secret_deletions("alice", MEMBER_A, 3))
    (batch,) = StreamReader(fleet.central.stream_arn).poll()
    invoke(batch)
    first = fleet.subjects()
    invoke(batch)  # the event source mapping re-delivers after a timeout or a crash
    assert len(first) == 3
    assert fleet.subjects() == []


def test_a_retried_async_batch_publishes_each_good_alert_once(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_sns(monkeypatch, fleet.inbox, "api-key-1 ")
    event = subscription(secret_deletions("alice", CENTRAL, 3))
    for _ in range(3):  # the invocation and Lambda's two asynchronous retries
        with pytest.raises(PublishError, match="1 alert"):
            invoke(event)
    subjects = fleet.subjects()
    assert len(subjects) == 2
    assert not any("api-key-1 " in subject for subject in subjects)


def test_without_a_table_every_retry_repeats_the_good_alerts(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the table exists: the same retries without it page three times."""
    monkeypatch.delenv("DEDUP_TABLE_NAME")
    handler.runtime.cache_clear()
    failing_sns(monkeypatch, fleet.inbox, "api-key-1 ")
    event = subscription(secret_deletions("alice", CENTRAL, 3))
    for _ in range(3):
        with pytest.raises(PublishError):
            invoke(event)
    assert len(fleet.subjects()) == 6


def test_one_record_that_keeps_failing_is_the_only_item_failure(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_sns(monkeypatch, fleet.inbox, "api-key-7 ")
    records = [
        payload(MEMBER_A, "payments", secret_deletions("alice", MEMBER_A, 1, first=5)),
        payload(MEMBER_A, "payments", secret_deletions("alice", MEMBER_A, 1, first=7)),
        payload(MEMBER_B, "search", secret_deletions("bob", MEMBER_B, 1, first=9)),
    ]
    assert invoke(records_event(records)) == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert len(fleet.subjects()) == 2
    # Lambda retries from the failed record on: it and everything after it in the shard.
    retry = records_event(records)
    retry["Records"] = retry["Records"][1:]
    assert invoke(retry) == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert fleet.subjects() == []  # the record after it is not published again


def test_an_unreadable_record_is_skipped_not_retried(fleet: Fleet) -> None:
    good = payload(MEMBER_A, "payments", secret_deletions("alice", MEMBER_A, 1))
    control = json.dumps({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs"})
    records = [b"not gzip", good, b"\x1f\x8b\x08\x00broken", gzip_json(control)]
    assert invoke(records_event(records)) == {"batchItemFailures": []}
    assert len(fleet.subjects()) == 1


def test_the_two_stages_of_an_exec_in_two_deliveries_alert_once(fleet: Fleet) -> None:
    started = audit_event("bob", MEMBER_B, "create", "pods", "web-0", subresource="exec")
    started["stage"] = "ResponseStarted"
    complete = {**started, "stage": "ResponseComplete", "responseStatus": {"code": 101}}
    invoke(records_event([payload(MEMBER_B, "search", [started])]))
    invoke(records_event([payload(MEMBER_B, "search", [complete])]))
    (subject,) = fleet.subjects()
    assert "exec" in subject


def test_a_reused_audit_id_is_a_new_action_not_a_duplicate(fleet: Fleet) -> None:
    """The API server takes a client's Audit-ID header: equal IDs alone never silence."""
    first = audit_event("mallory", MEMBER_A, "get", "secrets", "db", audit_id="fixed-id-0001")
    second = audit_event(
        "mallory",
        MEMBER_A,
        "delete",
        "secrets",
        "db",
        audit_id="fixed-id-0001",
        received="2026-11-20T14:05:00.512345Z",
    )
    invoke(records_event([payload(MEMBER_A, "payments", [first])]))
    invoke(records_event([payload(MEMBER_A, "payments", [second])]))
    assert len(fleet.subjects()) == 2


def test_a_digest_never_repeats_members_already_sent(fleet: Fleet) -> None:
    first = secret_deletions("alice", MEMBER_A, 7)
    invoke(records_event([payload(MEMBER_A, "payments", first)]))
    (digest,) = fleet.inbox.received()
    assert digest["MessageAttributes"]["digest"]["Value"] == "repeated"
    # The same seven again (re-delivered) with three new ones: only the new ones go out.
    later = first + secret_deletions("alice", MEMBER_A, 3, first=7)
    invoke(records_event([payload(MEMBER_A, "payments", later)]))
    subjects = fleet.subjects()
    assert len(subjects) == 3
    for index in range(7):
        assert not any(f"api-key-{index} " in subject for subject in subjects)


# ---- helpers ----


def subscription(events: list[dict[str, Any]]) -> dict[str, Any]:
    """An asynchronous invocation by a subscription filter in the central account itself."""
    return encode_payload(payload_document(CENTRAL, "platform", events))


def gzip_json(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def test_a_page_sns_refused_goes_again_with_its_alert_and_is_never_lost(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PagerDuty folds a repeated page into the same incident; a lost page would be worse
    than the second copy of the alert that goes with it."""
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    pages_arn = sns.create_topic(Name="eks-pages")["TopicArn"]
    tap = sqs.create_queue(QueueName="eks-pages-tap")["QueueUrl"]
    tap_arn = sqs.get_queue_attributes(QueueUrl=tap, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(TopicArn=pages_arn, Protocol="sqs", Endpoint=tap_arn["QueueArn"])
    monkeypatch.setenv("PAGERDUTY_TOPIC_ARN", pages_arn)
    handler.runtime.cache_clear()
    refusals = iter([True])  # SNS refuses the first page, then takes everything

    def refuse_once(subject: str) -> bool:
        return subject.startswith("ALARM") and next(refusals, False)

    real = handler.runtime()
    pager = Publisher(FailingSNS(sns, refuse_once), pages_arn, max_attempts=1)
    alerts = Publisher(sns, fleet.inbox.topic_arn)
    router = Router(alerts, {pages_arn: pager})
    monkeypatch.setattr(handler, "runtime", cache(lambda: real._replace(publisher=router)))

    shell = audit_event(
        "bob", MEMBER_B, "create", "pods", "coredns-0", namespace="kube-system", subresource="exec"
    )  # high: pages
    event = records_event(
        [
            payload(MEMBER_B, "search", [shell]),
            payload(MEMBER_A, "payments", secret_deletions("alice", MEMBER_A, 1)),  # no page
        ]
    )
    assert invoke(event) == {"batchItemFailures": [{"itemIdentifier": "1"}]}
    assert invoke(event) == {"batchItemFailures": []}  # Lambda retries from the failed record
    assert invoke(event) == {"batchItemFailures": []}  # a later re-delivery publishes nothing
    pages = sqs.receive_message(QueueUrl=tap, MaxNumberOfMessages=10).get("Messages", [])
    assert len(pages) == 1
    subjects = fleet.subjects()
    assert sum("exec" in subject for subject in subjects) == 2  # the price of the page
    assert sum("api-key-0" in subject for subject in subjects) == 1


def test_a_forwarded_cloudtrail_event_delivered_twice_alerts_once_naming_its_account(
    fleet: Fleet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member's EKS API call on the central bus: EventBridge delivers at least once and
    Lambda retries, but the call (its CloudTrail eventID) alerts once."""
    case = load_eventbridge_case("sso-user-grants-cluster-admin")
    for name, value in case.get("env", {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ACCOUNT_NAMES", json.dumps({case["event"]["account"]: "platform-prod"}))
    handler.runtime.cache_clear()
    first = invoke(case["event"])
    again = invoke(case["event"])
    (note,) = fleet.inbox.received()
    assert (first["alerts"], again["alerts"]) == (1, 0)
    assert note["MessageAttributes"]["source"]["Value"] == "cloudtrail"
    assert note["MessageAttributes"]["account"]["Value"] == case["event"]["account"]
    assert json.loads(note["Message"])["where"]["account_name"] == "platform-prod"
