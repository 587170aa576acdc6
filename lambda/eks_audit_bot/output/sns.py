"""Deliver messages with SNS PublishBatch: 10 at a time, retrying what SNS could not take.

PublishBatch answers HTTP 200 even when entries fail, listing them under `Failed`; a sender
fault (our mistake) is final, anything else (throttling, KMS or SNS trouble) is retried with
jittered exponential backoff, as are throttled or unreachable calls as a whole. What still
fails is reported, and the handler raises only after everything publishable went out.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    SSOError,
    TokenRetrievalError,
)

from eks_audit_bot.core.outgoing import Outgoing

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient
    from mypy_boto3_sns.type_defs import PublishBatchRequestEntryTypeDef

BATCH_SIZE = 10
# SNS's limit on a whole PublishBatch request: every entry's Subject, Message and attributes.
BATCH_BYTE_LIMIT = 256 * 1024
UNACCOUNTED = "Unaccounted"
UNACCOUNTED_DETAIL = "the PublishBatch reply listed this entry neither as Successful nor Failed"
_RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "KMSThrottling",
        "KMSUnavailable",
        "RequestTimeout",
    }
)
# Configuration, not trouble: no credentials, no region, an expired SSO session. Retrying
# cannot help, so these fail at once instead of after every backoff.
CONFIGURATION_ERRORS = (
    NoCredentialsError,
    PartialCredentialsError,
    CredentialRetrievalError,
    TokenRetrievalError,
    SSOError,
    NoRegionError,
)


class PublishError(RuntimeError):
    """Some alerts could not be delivered; raising makes Lambda retry the whole batch."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        codes = sorted({failure.code for failure in failures})
        super().__init__(f"{len(failures)} alert(s) not published ({', '.join(codes)})")
        self.failures = tuple(failures)


@dataclass(frozen=True, slots=True)
class Failure:
    message: Outgoing
    code: str
    detail: str


@dataclass(slots=True)
class Report:
    published: int = 0
    failures: list[Failure] = field(default_factory=list)


@dataclass(slots=True)
class Publisher:
    client: SNSClient
    topic_arn: str
    max_attempts: int = 5
    base_delay: float = 0.2
    max_delay: float = 5.0
    sleep: Callable[[float], None] = time.sleep

    def publish(self, messages: Sequence[Outgoing]) -> Report:
        report = Report()
        pending = list(messages)
        last_errors: dict[int, Failure] = {}
        for attempt in range(1, self.max_attempts + 1):
            retry: list[Outgoing] = []
            for chunk in chunks(pending):
                retry += self._send(chunk, report, last_errors)
            if not retry:
                return report
            pending = retry
            if attempt < self.max_attempts:
                self.sleep(self._delay(attempt))
        report.failures += [last_errors[id(message)] for message in pending]
        return report

    def _send(
        self, chunk: list[Outgoing], report: Report, last_errors: dict[int, Failure]
    ) -> list[Outgoing]:
        """Send one PublishBatch call; return the entries worth another try."""
        try:
            response = self.client.publish_batch(
                TopicArn=self.topic_arn,
                PublishBatchRequestEntries=_entries(chunk, self.topic_arn.endswith(".fifo")),
            )
        except ClientError as err:
            code = err.response.get("Error", {}).get("Code", "ClientError")
            failures = [Failure(message, code, str(err)) for message in chunk]
            if _retryable(err):
                last_errors.update((id(f.message), f) for f in failures)
                return chunk
            report.failures += failures
            return []
        except BotoCoreError as err:
            failures = [Failure(m, type(err).__name__, str(err)) for m in chunk]
            if isinstance(err, CONFIGURATION_ERRORS):
                report.failures += failures
                return []
            last_errors.update((id(f.message), f) for f in failures)
            return chunk
        return self._sort(chunk, response, report, last_errors)

    def _sort(
        self,
        chunk: list[Outgoing],
        response: Mapping[str, Any],
        report: Report,
        last_errors: dict[int, Failure],
    ) -> list[Outgoing]:
        """Count what SNS took; return what is worth another try. An entry the reply names
        neither as successful nor as failed (a malformed reply) counts as failed, and is
        tried again: a duplicate is better than a lost alert."""
        entries = dict(enumerate(chunk))
        for done in response.get("Successful", []):
            if entries.pop(_index(done), None) is not None:
                report.published += 1
        retry = []
        for failed in response.get("Failed", []):
            message = entries.pop(_index(failed), None)
            if message is None:
                continue
            failure = Failure(message, failed.get("Code", "Failed"), failed.get("Message", ""))
            if failed.get("SenderFault"):
                report.failures.append(failure)
            else:
                last_errors[id(message)] = failure
                retry.append(message)
        for message in entries.values():
            last_errors[id(message)] = Failure(message, UNACCOUNTED, UNACCOUNTED_DETAIL)
            retry.append(message)
        return retry

    def _delay(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


def chunks(messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
    """Groups PublishBatch accepts: at most 10 entries and 256 KiB in all."""
    chunk: list[Outgoing] = []
    size = 0
    for message in messages:
        if chunk and (len(chunk) == BATCH_SIZE or size + message.size > BATCH_BYTE_LIMIT):
            yield chunk
            chunk, size = [], 0
        chunk.append(message)
        size += message.size
    if chunk:
        yield chunk


def _entries(chunk: list[Outgoing], fifo: bool) -> list[PublishBatchRequestEntryTypeDef]:
    entries: list[PublishBatchRequestEntryTypeDef] = []
    for index, message in enumerate(chunk):
        entry: PublishBatchRequestEntryTypeDef = {
            "Id": str(index),
            "Subject": message.subject,
            "Message": message.message,
            "MessageStructure": "json",
            "MessageAttributes": {
                name: {"DataType": "String", "StringValue": value}
                for name, value in message.attributes.items()
            },
        }
        if fifo:
            # FIFO topics need a group (ordered per cluster) and drop retried duplicates.
            entry["MessageGroupId"] = message.attributes.get("cluster", "eks")[:128]
            entry["MessageDeduplicationId"] = message.dedup_id or _fallback_id(message)
        entries.append(entry)
    return entries


def _fallback_id(message: Outgoing) -> str:
    """For a message not rendered from an alert (it has no action identity)."""
    return hashlib.sha256(f"{message.audit_id}\n{message.subject}".encode()).hexdigest()


def _index(entry: Mapping[str, Any]) -> int:
    """The position an entry of the reply names by its `Id` (-1 when it names none)."""
    raw = entry.get("Id")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else -1


def _retryable(err: ClientError) -> bool:
    code = err.response.get("Error", {}).get("Code", "")
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return code in _RETRYABLE_CODES or "Throttl" in code or status >= 500
