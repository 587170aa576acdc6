"""The subscription payload: inflated as a stream with a ceiling, read event by event."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import pytest

from eks_audit_bot.core.invalid import PayloadError
from eks_audit_bot.kube.cloudwatch import (
    MAX_INFLATED_BYTES,
    decode_payload,
    encode_payload,
    inflate,
)

DOCUMENT = {
    "messageType": "DATA_MESSAGE",
    "owner": "111122223333",
    "logGroup": "/aws/eks/prod/cluster",
    "logStream": "kube-apiserver-audit-0123",
    "subscriptionFilters": ["eks-audit-bot"],
    "logEvents": [{"id": "1", "timestamp": 1, "message": "{}"}],
}


def wrapped(raw: bytes) -> dict[str, dict[str, str]]:
    return {"awslogs": {"data": base64.b64encode(raw).decode()}}


def test_a_payload_that_inflates_past_the_ceiling_is_rejected_clearly() -> None:
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    raw = b"".join(bomb.compress(chunk) for _ in range(MAX_INFLATED_BYTES // len(chunk) + 8))
    raw += bomb.flush()
    assert len(raw) < 1_000_000  # it would fit in one CloudWatch delivery
    with pytest.raises(PayloadError, match="inflates past 50,331,648 bytes"):
        decode_payload(wrapped(raw))


def test_the_ceiling_applies_across_gzip_members() -> None:
    member = gzip.compress(b"x" * 600, mtime=0)
    assert inflate(member * 3, limit=1800) == b"x" * 1800
    with pytest.raises(PayloadError, match="inflates past 1,799 bytes"):
        inflate(member * 3, limit=1799)


def test_a_large_real_payload_inflates_whole() -> None:
    events = [{"id": str(n), "timestamp": n, "message": "m" * 900 + str(n)} for n in range(4000)]
    batch = decode_payload(encode_payload({**DOCUMENT, "logEvents": events}))
    assert len(batch.records) == 4000
    assert batch.records[-1] == ("3999", "m" * 900 + "3999")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"not gzip", "undecodable"),
        (gzip.compress(b'{"logGroup": 1}')[:-12], "ends early"),
        (gzip.compress(b"[1, 2]"), "not a JSON object"),
        (gzip.compress(json.dumps({**DOCUMENT, "logGroup": 5}).encode()), "lacks logGroup"),
        (gzip.compress(json.dumps({**DOCUMENT, "logEvents": {}}).encode()), "logEvents list"),
    ],
    ids=["not-gzip", "cut-short", "not-object", "bad-group", "bad-events"],
)
def test_a_malformed_payload_is_a_clear_error(raw: bytes, error: str) -> None:
    with pytest.raises(PayloadError, match=error):
        decode_payload(wrapped(raw))


def test_malformed_log_events_are_passed_on_for_the_pipeline_to_skip() -> None:
    events = [{"id": "a", "message": "{}"}, {"id": 7, "message": 5}, "junk", {"message": "{}"}]
    batch = decode_payload(encode_payload({**DOCUMENT, "logEvents": events}))
    assert [tuple(record) for record in batch.records] == [
        ("a", "{}"),
        ("#1", None),
        ("#2", None),
        ("#3", "{}"),
    ]
