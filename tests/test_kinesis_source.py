"""The Kinesis source and the fleet settings: shapes, regions, account names, routing."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest

from eks_audit_bot import handler
from eks_audit_bot.core.invalid import PayloadError
from eks_audit_bot.kube.kinesis import decode_record, is_kinesis_batch, source_region
from eks_audit_bot.settings import ConfigError, Settings
from fleet import MEMBER_A, MEMBER_B, payload, records_event, secret_deletions
from lambda_context import FakeContext

TOPIC = "arn:aws:sns:eu-west-1:999999999999:eks-alerts"


def record(data: object) -> Any:
    return {"eventSource": "aws:kinesis", "kinesis": {"data": data, "sequenceNumber": "1"}}


def test_a_kinesis_batch_is_recognised_by_its_event_source() -> None:
    assert is_kinesis_batch(records_event([b"x"]))
    assert not is_kinesis_batch({"Records": []})
    assert not is_kinesis_batch({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]})
    assert not is_kinesis_batch({"Records": [record("x"), {"eventSource": "aws:sqs"}]})
    assert not is_kinesis_batch({"Records": "aws:kinesis"})


def test_a_record_decodes_to_the_member_accounts_payload() -> None:
    events = secret_deletions("alice", MEMBER_A, 2)
    data = base64.b64encode(payload(MEMBER_A, "payments", events, region="eu-central-1"))
    batch = decode_record(record(data.decode()))
    assert batch.owner == MEMBER_A
    assert batch.log_group == "/aws/eks/payments/cluster"
    assert [json.loads(message or "")["auditID"] for _, message in batch.records] == [
        e["auditID"] for e in events
    ]
    assert source_region(batch) == "eu-central-1"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("bm90IGd6aXA=", id="not-gzip"),
        pytest.param(base64.b64encode(gzip.compress(b"[1, 2]")).decode(), id="not-an-object"),
        pytest.param(base64.b64encode(gzip.compress(b'{"owner": "1"}')).decode(), id="no-fields"),
        pytest.param("%%%", id="not-base64"),
        pytest.param(None, id="no-data"),
        pytest.param({"nested": 1}, id="not-text"),
    ],
)
def test_an_unreadable_record_says_why(data: object) -> None:
    with pytest.raises(PayloadError, match=r"awslogs\.data"):
        decode_record(record(data))


@pytest.mark.parametrize(
    ("filters", "region"),
    [
        (["eks-audit-bot-eu-west-1"], "eu-west-1"),
        (["eks-audit-bot-us-gov-west-1"], "us-gov-west-1"),
        (["audit-cn-northwest-1"], "cn-northwest-1"),
        (["eks-audit-bot-ap-southeast-12"], "ap-southeast-12"),
        (["eks-audit-bot"], ""),
        (["eks-audit-bot-eu-west-1-old"], ""),
        (["eks-audit-bot-eu-west-1\nforged"], ""),
        ([], ""),
    ],
)
def test_the_region_comes_from_the_subscription_filter_name(
    filters: list[str], region: str
) -> None:
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": MEMBER_A,
        "logGroup": "/aws/eks/a/cluster",
        "logStream": "kube-apiserver-audit-1",
        "subscriptionFilters": filters,
        "logEvents": [],
    }
    data = base64.b64encode(gzip.compress(json.dumps(document).encode())).decode()
    assert source_region(decode_record(record(data))) == region


def test_account_names_name_member_accounts_and_nobody_else() -> None:
    settings = Settings.from_env(
        {
            "SNS_TOPIC_ARN": TOPIC,
            "ACCOUNT_NAME": "security",
            "ACCOUNT_NAMES": json.dumps({MEMBER_A: "payments-prod"}),
        }
    )
    group = "/aws/eks/payments/cluster"
    named = settings.location(group, owner=MEMBER_A, remote=True, region="eu-central-1")
    assert (named.account_id, named.account_name, named.region) == (
        MEMBER_A,
        "payments-prod",
        "eu-central-1",
    )
    unnamed = settings.location(group, owner=MEMBER_B, remote=True)
    assert (unnamed.account_id, unnamed.account_name, unnamed.region) == (MEMBER_B, "", "eu-west-1")
    own = settings.location(group, owner="999999999999", remote=True)
    assert own.account_name == "security"
    # A subscription in the function's own account keeps ACCOUNT_ID as before.
    local = settings.location(group, owner=MEMBER_A)
    assert (local.account_id, local.account_name) == ("999999999999", "security")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "invalid JSON"),
        ('["111122223333"]', "expected a JSON dict"),
        ('{"1111": "short"}', "12-digit"),
        ('{"111122223333": 7}', "12-digit account id with a name"),
    ],
)
def test_bad_account_names_fail_at_cold_start(raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"ACCOUNT_NAMES.*{message}"):
        Settings.from_env({"SNS_TOPIC_ARN": TOPIC, "ACCOUNT_NAMES": raw})


def test_dedup_settings_default_to_a_day_without_a_table() -> None:
    settings = Settings.from_env({"SNS_TOPIC_ARN": TOPIC})
    assert (settings.dedup_table_name, settings.dedup_ttl_seconds) == ("", 86400)
    with pytest.raises(ConfigError, match="DEDUP_TTL_SECONDS"):
        Settings.from_env({"SNS_TOPIC_ARN": TOPIC, "DEDUP_TTL_SECONDS": "a day"})


def test_anything_else_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SNS_TOPIC_ARN", TOPIC)
    with pytest.raises(PayloadError, match=r"awslogs.*or a Kinesis batch"):
        handler.lambda_handler({"Records": [{"eventSource": "aws:sqs"}]}, FakeContext())
