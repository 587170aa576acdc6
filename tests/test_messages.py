"""What each kind of SNS subscriber receives: only the bodies that differ are published.

With `MessageStructure=json`, SNS gives a subscription the body named after its protocol, else
`default`. The JSON document is `default` (queues, functions, webhooks, email-json, Firehose),
the text goes to `email`, one line to `sms`, and chat to `https` only when chosen.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest
from moto import mock_aws

from eks_audit_bot.core.alert import Location
from eks_audit_bot.kube import noise
from eks_audit_bot.kube.alert import Alert, Digest, DigestKind
from eks_audit_bot.kube.pipeline import process
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.kube.text import alert_subject, render_text
from eks_audit_bot.output import message
from eks_audit_bot.output.sns import Publisher, chunks
from eks_audit_bot.settings import HttpsFormat, Settings
from support import REGION, case_messages, delivered, load_case

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
LOCATION = Location("prod-eu", "/aws/eks/prod-eu/cluster", "111122223333", "prod", "eu-west-1")
SCHEMA = json.loads(
    (Path(__file__).parents[1] / "lambda/eks_audit_bot/output/schema/alert.schema.json").read_text()
)
MACHINE_PROTOCOLS = ("sqs", "lambda", "http", "email-json", "firehose", "application")


def critical(settings: Settings) -> Alert:
    case = load_case("iam-user-kubernetes-admin-create-clusterrolebinding")
    records = [(str(index), line) for index, line in enumerate(case_messages(case))]
    (alert,) = process(records, LOCATION, settings, RuleCatalog.load(settings)).alerts
    return alert


def test_only_the_bodies_that_differ_are_published() -> None:
    settings = Settings(TOPIC)
    alert = critical(settings)
    outgoing = message.build(alert, settings)
    bodies = json.loads(outgoing.message)
    assert sorted(bodies) == ["default", "email", "sms"]
    assert bodies["email"] == render_text(alert)
    assert bodies["sms"] == alert_subject(alert) == outgoing.subject
    for protocol in (*MACHINE_PROTOCOLS, "https"):
        document = json.loads(delivered(outgoing.message, protocol))
        assert document["rule"]["id"] == "binding-privileged-role", protocol
        jsonschema.validate(document, SCHEMA)


def test_chat_goes_to_https_only_when_chosen() -> None:
    settings = Settings(TOPIC, https_format=HttpsFormat.CHATBOT)
    outgoing = message.build(critical(settings), settings)
    assert sorted(json.loads(outgoing.message)) == ["default", "email", "https", "sms"]
    chat = json.loads(delivered(outgoing.message, "https"))
    assert chat["source"] == "custom"
    assert chat["content"]["title"].startswith(":rotating_light: [CRITICAL]")
    assert json.loads(delivered(outgoing.message, "http"))["kind"] == "alert"


def test_an_sms_is_one_short_line() -> None:
    settings = Settings(TOPIC)
    alert = critical(settings)
    ref = alert.event.object_ref._replace(name="line\nbreak-" + "x" * 300)
    odd = Alert(alert.event._replace(object_ref=ref), alert.actor, alert.rule, alert.location)
    sms = delivered(message.build(odd, settings).message, "sms")
    assert "\n" not in sms
    assert len(sms) <= 100


def test_a_message_carries_each_body_once() -> None:
    settings = Settings(TOPIC)
    outgoing = message.build(critical(settings), settings)
    bodies = json.loads(outgoing.message)
    sizes = {name: len(body.encode()) for name, body in bodies.items()}
    # Before: the document five times (sqs, lambda, http, https, email-json), the text twice.
    before = 5 * sizes["default"] + 2 * sizes["email"]
    assert outgoing.size < before / 2.5


@pytest.mark.parametrize("raw", [False, True], ids=["envelope", "raw"])
def test_queue_subscribers_receive_the_json_document(raw: bool) -> None:
    settings = Settings(TOPIC)
    outgoing = message.build(critical(settings), settings)
    with mock_aws():
        sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
        topic = sns.create_topic(Name="alerts")["TopicArn"]
        queue = sqs.create_queue(QueueName="tap")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=arn["Attributes"]["QueueArn"],
            Attributes={"RawMessageDelivery": "true" if raw else "false"},
        )
        report = Publisher(sns, topic).publish([outgoing])
        (received,) = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"])["Messages"]
    body = json.loads(received["Body"])
    document = body if raw else json.loads(body["Message"])
    assert report.published == 1
    assert document["severity"] == "critical"
    assert document["actor"]["iam_arn"] == "arn:aws:iam::111122223333:user/bob"
    if raw:
        assert received["MessageAttributes"]["rule"]["StringValue"] == "binding-privileged-role"
    else:
        assert body["Subject"] == outgoing.subject


def test_a_digest_of_ten_thousand_members_fits_and_keeps_its_count() -> None:
    settings = Settings(TOPIC)
    alert = critical(settings)
    members = tuple(
        Alert(
            alert.event._replace(
                audit_id=f"0b7d9c1e-2f3a-4b5c-8d6e-{index:012d}",
                object_ref=alert.event.object_ref._replace(
                    name=f"binding-{index:05d}-" + "n" * 230
                ),
            ),
            alert.actor,
            alert.rule,
            alert.location,
        )
        for index in range(10_000)
    )
    (digest,) = noise.fold(members, settings)
    assert isinstance(digest, Digest)
    assert digest.kind is DigestKind.REPEATED
    outgoing = message.build(digest, settings)
    assert outgoing.size <= 256 * 1024
    document = json.loads(delivered(outgoing.message, "sqs"))
    jsonschema.validate(document, SCHEMA)
    assert document["count"] == 10_000
    assert document["severity"] == "critical"
    assert 0 < len(document["members"]) <= 500
    assert any(note.startswith("members: 10,000") for note in document["shortened"])


def test_a_digest_of_members_with_huge_names_fits() -> None:
    settings = Settings(TOPIC)
    alert = critical(settings)
    name = "n" * 100_000
    members = tuple(
        Alert(
            alert.event._replace(
                audit_id=f"0b7d9c1e-2f3a-4b5c-8d6e-{index:012d}",
                object_ref=alert.event.object_ref._replace(name=f"{index}{name}"),
            ),
            alert.actor,
            alert.rule,
            alert.location,
        )
        for index in range(8)
    )
    outgoing = message.build(Digest(DigestKind.REPEATED, members), settings)
    assert outgoing.size <= 256 * 1024
    assert "Shortened to fit one SNS message" in delivered(outgoing.message, "email")


def test_publish_batch_requests_stay_within_the_limit_as_a_whole() -> None:
    settings = Settings(TOPIC)
    alert = critical(settings)
    event = alert.event._replace(source_ips=tuple(f"192.0.2.{n % 256}" for n in range(15_000)))
    big = message.build(Alert(event, alert.actor, alert.rule, alert.location), settings)
    small = message.build(alert, settings)
    sent: list[list[dict[str, Any]]] = []

    class Recording:
        def publish_batch(self, **request: Any) -> dict[str, Any]:
            entries = request["PublishBatchRequestEntries"]
            sent.append(entries)
            return {"Successful": [{"Id": entry["Id"], "MessageId": "m"} for entry in entries]}

    Publisher(Recording(), TOPIC).publish([big, small, big, small, small, big])
    for entries in sent:
        total = sum(_request_bytes(entry) for entry in entries)
        assert total <= 256 * 1024
    assert sum(len(entries) for entries in sent) == 6
    assert [len(chunk) for chunk in chunks([small] * 25)] == [10, 10, 5]


def _request_bytes(entry: dict[str, Any]) -> int:
    attributes = sum(
        len(name.encode()) + len(value["DataType"]) + len(value["StringValue"].encode())
        for name, value in entry["MessageAttributes"].items()
    )
    return len(entry["Subject"].encode()) + len(entry["Message"].encode()) + attributes
