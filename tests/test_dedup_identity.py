"""The dedup identity is the action's identity: a client-chosen Audit-ID never merges two actions.

Through the handler as it runs in the central account (a Kinesis batch of CloudWatch Logs
payloads), with the dedup table in moto DynamoDB and the alerts read from an SQS queue
subscribed to the topic. Two different actions that share an Audit-ID both alert, in one
batch and hours apart, and on a FIFO topic SNS does not drop the second as a duplicate; the
two stages of one `exec` and a re-delivered batch still alert once.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from eks_audit_bot import handler
from fleet import AUDIT_STREAM, MEMBER_A, audit_event, dedup_table, person, records_event
from lambda_context import FakeContext
from support import REGION, Inbox

REUSED = "00000000-0000-0000-0000-0000000000aa"  # the Audit-ID header the client sends twice
LINE_LIMIT = 256 * 1024  # CloudWatch Logs cuts longer events
MARK = "[Truncated...]"
RBAC = "rbac.authorization.k8s.io"
TAP = "eks-alerts-tap"  # the queue subscribed to the `inbox` topic
FIFO_TAP = "eks-alerts-tap.fifo"


@pytest.fixture
def table(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> str:
    name = dedup_table()
    monkeypatch.setenv("DEDUP_TABLE_NAME", name)
    return name


def binding(name: str, received: str) -> dict[str, Any]:
    """A cluster-admin binding whose body (a padded annotation) makes CloudWatch cut the line:
    what follows the body (timestamps, annotations) and the body itself are lost."""
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "RequestResponse",
        "auditID": REUSED,
        "stage": "ResponseComplete",
        "requestURI": f"/apis/{RBAC}/v1/clusterrolebindings?fieldManager=kubectl-create",
        "verb": "create",
        "user": person("mallory", MEMBER_A),
        "sourceIPs": ["203.0.113.10"],
        "userAgent": "kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46",
        "objectRef": {
            "resource": "clusterrolebindings",
            "name": name,
            "apiGroup": RBAC,
            "apiVersion": "v1",
        },
        "responseStatus": {"metadata": {}, "code": 201},
        "requestObject": {
            "kind": "ClusterRoleBinding",
            "metadata": {"name": name, "annotations": {"padding": "x" * LINE_LIMIT}},
            "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": [{"kind": "User", "name": "mallory", "apiGroup": RBAC}],
        },
        "requestReceivedTimestamp": received,
        "stageTimestamp": received,
        "annotations": {"authorization.k8s.io/decision": "allow"},
    }


def cut(event: dict[str, Any]) -> str:
    """The event as CloudWatch Logs delivers one over 256 KB: cut, and marked."""
    return json.dumps(event)[: LINE_LIMIT - len(MARK)] + MARK


def batch(*messages: str, first: int = 0) -> bytes:
    """One subscription payload of raw log lines, as a Logs destination writes it to Kinesis."""
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": MEMBER_A,
        "logGroup": "/aws/eks/payments/cluster",
        "logStream": AUDIT_STREAM,
        "subscriptionFilters": [f"eks-audit-bot-{REGION}"],
        "logEvents": [
            {
                "id": f"{first + index:056d}",
                "timestamp": 1795183391512 + first + index,
                "message": m,
            }
            for index, m in enumerate(messages)
        ],
    }
    return gzip.compress(json.dumps(document).encode(), mtime=0)


def deliver(payload: bytes, queue: str = TAP) -> list[str]:
    """Lambda's delivery of one Kinesis batch, retried while the handler reports failures (as
    the event source mapping does); the names of the objects that alerted."""
    event = records_event([payload])
    for _ in range(3):
        try:
            if handler.lambda_handler(event, FakeContext()) == {"batchItemFailures": []}:
                break
        except BatchProcessingError:
            continue  # the whole batch failed: the mapping delivers it again
    return [name for name, _ in alerts(queue)]


def alerts(queue: str) -> list[tuple[str, str]]:
    """What the subscriber got: (object name, subject) per alert."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    got = []
    while got_now := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for item in got_now:
            note = json.loads(item["Body"])
            document = json.loads(note["Message"])
            got.append((document["request"]["name"], note["Subject"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=item["ReceiptHandle"])
    return sorted(got)


def test_two_cut_bindings_sharing_an_audit_id_both_alert_in_one_batch(table: str) -> None:
    lines = (
        cut(binding("ops-admin", "2026-11-20T14:03:11Z")),
        cut(binding("backdoor", "2026-11-20T14:03:12Z")),
    )
    assert deliver(batch(*lines)) == ["backdoor", "ops-admin"]


def test_a_cut_binding_hours_later_with_the_same_audit_id_alerts(table: str) -> None:
    assert deliver(batch(cut(binding("ops-admin", "2026-11-20T14:03:11Z")))) == ["ops-admin"]
    later = cut(binding("backdoor", "2026-11-20T19:40:02Z"))
    assert deliver(batch(later, first=1)) == ["backdoor"]


def test_a_redelivered_cut_binding_alerts_once(table: str) -> None:
    line = cut(binding("backdoor", "2026-11-20T14:03:11Z"))
    assert deliver(batch(line)) == ["backdoor"]
    assert deliver(batch(line)) == []


def test_an_execs_two_stages_in_two_deliveries_alert_once(table: str) -> None:
    def stage(name: str, code: int) -> str:
        event = audit_event(
            "al", MEMBER_A, "create", "pods", "coredns-0", namespace="kube-system",
            subresource="exec", stage=name, audit_id=REUSED, code=code,
        )  # fmt: skip
        return json.dumps(event)

    assert deliver(batch(stage("ResponseStarted", 101))) == ["coredns-0"]
    assert deliver(batch(stage("ResponseComplete", 200), first=1)) == []


def aws_auth_patch(mapped_role: str, received: str) -> str:
    event = audit_event(
        "al", MEMBER_A, "patch", "configmaps", "aws-auth", namespace="kube-system",
        audit_id=REUSED, received=received,
    )  # fmt: skip
    event["level"] = "Request"
    event["requestObject"] = {
        "data": {"mapRoles": f"- rolearn: {mapped_role}\n  groups: [system:masters]\n"}
    }
    return json.dumps(event)


def test_a_fifo_topic_delivers_two_different_actions_sharing_an_audit_id(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The FIFO deduplication id is the action's identity: SNS drops a retried message, never
    a second, different `aws-auth` change whose Audit-ID and Subject are the same."""
    sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(
        Name="eks-alerts.fifo",
        Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "false"},
    )["TopicArn"]
    url = sqs.create_queue(QueueName=FIFO_TAP, Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn["QueueArn"],
        Attributes={"RawMessageDelivery": "false"},
    )
    monkeypatch.setenv("SNS_TOPIC_ARN", topic)
    first = aws_auth_patch("arn:aws:iam::111111111111:role/ci", "2026-11-20T14:03:11.512345Z")
    second = aws_auth_patch("arn:aws:iam::999999999999:role/x", "2026-11-20T14:04:40.100000Z")
    for payload in (batch(first), batch(second, first=1), batch(second, first=1)):
        handler.lambda_handler(records_event([payload]), FakeContext())  # the last, re-delivered
    got = alerts(FIFO_TAP)
    assert [name for name, _ in got] == ["aws-auth", "aws-auth"]
    assert got[0][1] == got[1][1]  # one Subject: only the action tells them apart
