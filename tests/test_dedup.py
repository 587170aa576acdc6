"""The dedup ledger on a (moto) DynamoDB table: what it writes, concurrent claims, outages.

Records follow Powertools' idempotency layout: partition key `id`, TTL attribute `expiration`,
`status` INPROGRESS while an invocation publishes and COMPLETED once SNS took the alert.
"""

from __future__ import annotations

import io
import json
import socket
import time
from functools import cache
from typing import Any

import boto3
import pytest
from botocore.config import Config

from eks_audit_bot import flow, handler
from eks_audit_bot.kube import pipeline
from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output import dedup
from eks_audit_bot.settings import Settings
from fleet import MEMBER_A, dedup_table, payload, records_event, secret_deletions
from lambda_context import FakeContext
from support import REGION, Inbox, json_lines

TTL = 3600


@pytest.fixture
def table(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> str:
    name = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", name)
    monkeypatch.setenv("DEDUP_TTL_SECONDS", str(TTL))
    return name


def ledger(table: str, remaining_ms: int = 60_000) -> dedup.Ledger:
    return dedup.Ledger(dedup.dynamodb_store(table, TTL, REGION), lambda: remaining_ms)


def alerts(count: int = 2) -> list[Alert]:
    settings = Settings(sns_topic_arn=f"arn:aws:sns:{REGION}:123456789012:t", region=REGION)
    location = settings.location("/aws/eks/payments/cluster", owner=MEMBER_A, remote=True)
    records = [
        (str(i), json.dumps(e)) for i, e in enumerate(secret_deletions("al", MEMBER_A, count))
    ]
    return pipeline.process(records, location, settings, RuleCatalog.load(settings)).alerts


def items(table: str) -> list[dict[str, Any]]:
    return boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]


def invoke_kinesis(count: int = 2) -> Any:
    event = records_event([payload(MEMBER_A, "payments", secret_deletions("al", MEMBER_A, count))])
    return handler.lambda_handler(event, FakeContext())


def test_a_published_alert_is_remembered_for_the_ttl(table: str) -> None:
    book = ledger(table)
    first, second = alerts()
    before = int(time.time())
    claim = book.claim([first, second])
    assert claim.claimed == [first, second]
    assert book.settle([first], [second]) == []
    after = int(time.time())
    (record,) = items(table)  # the released one is gone: a retry may publish it
    assert record["id"]["S"].startswith("eks-audit-bot#alert#")
    assert record["status"]["S"] == "COMPLETED"
    assert before + TTL <= int(record["expiration"]["N"]) <= after + TTL
    again = book.claim([first, second])
    assert again.published == [first]
    assert again.fresh == [second]


def test_of_two_concurrent_claims_only_one_publishes(table: str) -> None:
    alert = alerts(1)
    mine, theirs = ledger(table).claim(alert), ledger(table).claim(alert)
    assert mine.fresh == alert
    assert theirs.fresh == []
    assert theirs.in_progress == alert


def test_a_claim_expires_with_the_invocation_that_made_it(table: str) -> None:
    """A function that crashed mid-publish must not block the retry for the whole TTL."""
    alert = alerts(1)
    ledger(table, remaining_ms=-1000).claim(alert)  # its invocation is already over
    assert ledger(table).claim(alert).claimed == alert


def test_alerts_another_invocation_is_publishing_are_retried_not_dropped(
    table: str, inbox: Inbox
) -> None:
    other = ledger(table)
    held = other.claim(alerts(1)).claimed  # api-key-0, being published elsewhere
    event = records_event(
        [
            payload(MEMBER_A, "payments", secret_deletions("al", MEMBER_A, 1)),
            payload(MEMBER_A, "payments", secret_deletions("al", MEMBER_A, 1, first=1)),
        ]
    )
    assert handler.lambda_handler(event, FakeContext()) == {
        "batchItemFailures": [{"itemIdentifier": "1"}]
    }
    assert [note["Subject"] for note in inbox.received()] == [
        "[MEDIUM] al@example.com deleted secrets payments/api-key-1 in payments"
    ]
    other.release(held)  # the other invocation could not publish it: the retry does
    handler.lambda_handler(event, FakeContext())
    assert [note["Subject"] for note in inbox.received()] == [
        "[MEDIUM] al@example.com deleted secrets payments/api-key-0 in payments"
    ]


def test_a_missing_table_loses_no_alert(
    inbox: Inbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    logs: io.StringIO,
) -> None:
    monkeypatch.setenv("DEDUP_TABLE_NAME", "no-such-table")
    assert invoke_kinesis() == {"batchItemFailures": []}
    assert len(inbox.received()) == 2
    errors = [line for line in json_lines(logs.getvalue()) if line["message"].startswith("dedup")]
    assert [(e["operation"], e["code"], e["level"]) for e in errors] == [
        ("claim", "ResourceNotFoundException", "ERROR")
    ] * 2
    emitted = json_lines(capsys.readouterr().out)
    counted = [line["DedupErrors"] for line in emitted if line.get("reason") == "claim"]
    assert sum(value[0] if isinstance(value, list) else value for value in counted) == 2


def test_an_unreachable_dynamodb_loses_no_alert(inbox: Inbox, table: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    client = boto3.client(
        "dynamodb",
        region_name=REGION,
        endpoint_url=f"http://127.0.0.1:{port}",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    store = dedup.configure(
        dedup.DynamoDBPersistenceLayer(table_name=table, boto3_client=client), TTL
    )
    real = handler.runtime()
    down = real._replace(new_ledger=lambda remaining: dedup.Ledger(store, remaining))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(handler, "runtime", cache(lambda: down))
        assert invoke_kinesis() == {"batchItemFailures": []}
    assert len(inbox.received()) == 2


def test_claims_are_released_when_publishing_breaks(table: str) -> None:
    book = ledger(table)

    class Broken:
        def publish(self, messages: Any) -> Any:
            raise RuntimeError("boom")

    settings = Settings(sns_topic_arn=f"arn:aws:sns:{REGION}:123456789012:t", region=REGION)
    records = [("1", json.dumps(secret_deletions("al", MEMBER_A, 1)[0]))]
    location = settings.location("/aws/eks/payments/cluster", owner=MEMBER_A, remote=True)
    with pytest.raises(RuntimeError, match="boom"):
        flow.run(records, location, settings, RuleCatalog.load(settings), Broken(), ledger=book)
    assert items(table) == []
