"""SNS faults: throttling, per-entry failures, sender faults and an endpoint that is down.

moto plays SNS; a thin proxy injects the faults real SNS produces, so whatever does get
through is really delivered to the SQS subscriber and counted there.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from eks_audit_bot import flow, handler
from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.output.sns import BATCH_SIZE, Publisher, PublishError, chunks
from eks_audit_bot.settings import Settings
from support import REGION, Inbox, load_case, subscription_event


def outgoing(count: int, body_bytes: int = 100) -> list[Outgoing]:
    return [
        Outgoing(
            subject=f"alert {index}",
            message=json.dumps({"default": f"alert {index} " + "x" * body_bytes}),
            attributes={"severity": "low", "cluster": "prod"},
            audit_id=f"id-{index}",
        )
        for index in range(count)
    ]


class FlakySNS:
    """Delegates to a real (moto) client after injecting scripted faults."""

    def __init__(
        self,
        client: Any,
        *,
        throttle_calls: int = 0,
        fail_ids: dict[str, int] | None = None,
        sender_fault_subjects: frozenset[str] = frozenset(),
    ) -> None:
        self.client = client
        self.throttle_calls = throttle_calls
        self.fail_ids = dict(fail_ids or {})  # subject -> how many times it fails
        self.sender_fault_when: Callable[[str], bool] = sender_fault_subjects.__contains__
        self.calls: list[int] = []

    def publish_batch(self, **request: Any) -> dict[str, Any]:
        entries = request["PublishBatchRequestEntries"]
        self.calls.append(len(entries))
        if self.throttle_calls:
            self.throttle_calls -= 1
            raise ClientError(
                {
                    "Error": {"Code": "Throttling", "Message": "Rate exceeded"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                "PublishBatch",
            )
        failed, passing = [], []
        for entry in entries:
            subject = entry["Subject"]
            if self.sender_fault_when(subject):
                failed.append(
                    {
                        "Id": entry["Id"],
                        "Code": "InvalidParameter",
                        "Message": "bad entry",
                        "SenderFault": True,
                    }
                )
            elif self.fail_ids.get(subject, 0) > 0:
                self.fail_ids[subject] -= 1
                failed.append(
                    {
                        "Id": entry["Id"],
                        "Code": "InternalError",
                        "Message": "try again",
                        "SenderFault": False,
                    }
                )
            else:
                passing.append(entry)
        response: dict[str, Any] = {"Successful": [], "Failed": failed}
        if passing:
            real = self.client.publish_batch(
                TopicArn=request["TopicArn"], PublishBatchRequestEntries=passing
            )
            response["Successful"] = real["Successful"]
        return response


def subjects(inbox: Inbox) -> list[str]:
    return sorted(note["Subject"] for note in inbox.received())


def publisher(client: Any, inbox: Inbox, delays: list[float]) -> Publisher:
    return Publisher(client, inbox.topic_arn, max_attempts=4, sleep=delays.append)


def test_batches_hold_ten_entries_and_stay_under_the_size_limit() -> None:
    assert [len(chunk) for chunk in chunks(outgoing(23))] == [10, 10, 3]
    big = outgoing(5, body_bytes=100 * 1024)
    sizes = [sum(m.size for m in chunk) for chunk in chunks(big)]
    assert all(size <= 256 * 1024 for size in sizes)
    assert sum(len(chunk) for chunk in chunks(big)) == 5


def test_throttled_calls_are_retried_until_everything_is_delivered(inbox: Inbox) -> None:
    # 12 messages are two calls a round: both throttled, then the first again, then through.
    flaky = FlakySNS(boto3.client("sns", region_name=REGION), throttle_calls=3)
    delays: list[float] = []
    report = publisher(flaky, inbox, delays).publish(outgoing(12))
    assert report.published == 12
    assert report.failures == []
    assert len(subjects(inbox)) == 12
    assert flaky.calls == [10, 2, 10, 2, 10]
    assert len(delays) == 2
    assert delays[1] >= delays[0]  # backoff grows


def test_failed_entries_are_retried_alone_and_delivered_once(inbox: Inbox) -> None:
    flaky = FlakySNS(
        boto3.client("sns", region_name=REGION), fail_ids={"alert 3": 2, "alert 11": 1}
    )
    report = publisher(flaky, inbox, []).publish(outgoing(12))
    assert report.published == 12
    assert subjects(inbox) == sorted(f"alert {i}" for i in range(12))
    assert flaky.calls == [BATCH_SIZE, 2, 2, 1]


def test_sender_faults_are_final_but_do_not_block_the_rest(inbox: Inbox) -> None:
    flaky = FlakySNS(
        boto3.client("sns", region_name=REGION), sender_fault_subjects=frozenset({"alert 1"})
    )
    report = publisher(flaky, inbox, []).publish(outgoing(3))
    assert report.published == 2
    assert [(f.message.subject, f.code) for f in report.failures] == [
        ("alert 1", "InvalidParameter")
    ]
    assert subjects(inbox) == ["alert 0", "alert 2"]
    assert flaky.calls == [3]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unreachable_sns() -> Any:
    return boto3.client(
        "sns",
        region_name=REGION,
        endpoint_url=f"http://127.0.0.1:{unused_port()}",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )


def test_an_endpoint_that_keeps_failing_reports_every_message() -> None:
    delays: list[float] = []
    topic = f"arn:aws:sns:{REGION}:123456789012:eks-alerts"
    report = Publisher(unreachable_sns(), topic, max_attempts=3, sleep=delays.append).publish(
        outgoing(4)
    )
    assert report.published == 0
    assert [f.code for f in report.failures] == ["EndpointConnectionError"] * 4
    assert len(delays) == 2
    assert delays[0] <= delays[1] * 2  # exponential, jittered


def test_handler_raises_after_publishing_what_it_could(inbox: Inbox) -> None:
    settings = Settings.from_env()
    sns = boto3.client("sns", region_name=REGION)
    flaky = FlakySNS(sns, sender_fault_subjects=frozenset(), fail_ids={})
    flaky.sender_fault_when = lambda subject: "stripe-key" in subject
    env = handler.Runtime(
        settings,
        flow.Catalogs(settings),
        Publisher(flaky, inbox.topic_arn, sleep=lambda _: None),
    )
    with pytest.raises(PublishError, match="1 alert"):
        handler.handle(subscription_event(load_case("multi-event-batch")), env)
    delivered = subjects(inbox)
    assert delivered
    assert not [subject for subject in delivered if "stripe-key" in subject]


def test_handler_raises_when_sns_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SNS_TOPIC_ARN", f"arn:aws:sns:{REGION}:123456789012:eks-alerts")
    settings = Settings.from_env()
    env = handler.Runtime(
        settings,
        flow.Catalogs(settings),
        Publisher(unreachable_sns(), settings.sns_topic_arn, max_attempts=2, sleep=lambda _: None),
    )
    with pytest.raises(PublishError, match="EndpointConnectionError"):
        handler.handle(subscription_event(load_case("sso-access-entry-delete-secret")), env)


def test_fifo_topics_get_a_group_per_cluster_and_deduplicate_retries(inbox: Inbox) -> None:
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="eks-alerts.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    messages = outgoing(3)
    report = Publisher(sns, topic).publish([*messages, messages[0]])
    assert report.failures == []
    assert report.published == 4  # SNS accepts the duplicate and drops it downstream
