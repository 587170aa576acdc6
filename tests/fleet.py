"""An organization under moto: member accounts whose EKS log groups subscribe to a CloudWatch
Logs destination in the central account, the destination's Kinesis stream, and the event
source mapping that reads it.

moto 5 stores Logs destinations but neither accepts a subscription filter that points at one
(`put_subscription_filter` takes `destination:<name>` for a log group) nor delivers to it.
`deliver_to_destinations` adds both as CloudWatch Logs does them: the filter must name an
existing destination; every `put_log_events` applies the filter's pattern with our evaluator
and writes the gzip payload (`owner` = the member account, `subscriptionFilters` = the filter)
to the destination's Kinesis stream with `put_record`. The destination's access policy is not
evaluated here (`terraform test` checks what the modules write into it). `StreamReader` reads
the stream with `get_records` as the event source mapping does and builds the Lambda event.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto.logs.exceptions import ResourceNotFoundException
from moto.logs.models import LogsBackend, LogStream, logs_backends
from moto.utilities.arns import parse_arn

from eks_audit_bot.filter_pattern import compile_pattern
from support import ACCOUNT, REGION, log_time_ms

MEMBER_A = "111111111111"
MEMBER_B = "222222222222"
STREAM = "eks-audit-bot"
DESTINATION = "eks-audit-bot"
AUDIT_STREAM = "kube-apiserver-audit-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SSO_ROLE = "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b"


# ---- moto: subscription filters to a Logs destination ----


@contextmanager
def deliver_to_destinations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Teach moto cross-account subscriptions; yields the member accounts that delivered."""
    senders: list[str] = []
    original_put = LogsBackend.put_subscription_filter
    original_send = LogStream._send_log_events

    def put_subscription_filter(
        backend: LogsBackend,
        log_group_name: str,
        filter_name: str,
        filter_pattern: str,
        destination_arn: str,
        role_arn: str,
    ) -> None:
        if parse_arn(destination_arn).resource_type != "destination":
            original_put(
                backend, log_group_name, filter_name, filter_pattern, destination_arn, role_arn
            )
            return
        _destination(destination_arn)  # CloudWatch checks that it exists and admits us
        group = backend.groups.get(log_group_name)
        if group is None:
            raise ResourceNotFoundException()
        group.put_subscription_filter(filter_name, filter_pattern, destination_arn, role_arn)

    def send_log_events(
        stream: LogStream,
        service: str,
        destination_arn: str,
        filter_name: str,
        log_events: list[dict[str, Any]],
    ) -> None:
        if parse_arn(destination_arn).resource_type != "destination":
            original_send(stream, service, destination_arn, filter_name, log_events)
            return
        pattern = stream.log_group.subscription_filters[filter_name].filter_pattern
        matches = compile_pattern(pattern).matches
        matching = [event for event in log_events if matches(event["message"])]
        if not matching:
            return  # CloudWatch sends nothing when no line matches.
        document = {
            "messageType": "DATA_MESSAGE",
            "owner": stream.account_id,
            "logGroup": stream.log_group.name,
            "logStream": stream.log_stream_name,
            "subscriptionFilters": [filter_name],
            "logEvents": matching,
        }
        target = _destination(destination_arn).target_arn
        put_record(target, gzip.compress(json.dumps(document).encode()))
        senders.append(stream.account_id)

    monkeypatch.setattr(LogsBackend, "put_subscription_filter", put_subscription_filter)
    monkeypatch.setattr(LogStream, "_send_log_events", send_log_events)
    yield senders


def _destination(arn: str) -> Any:
    parsed = parse_arn(arn)
    destination = logs_backends[parsed.account][parsed.region].destinations.get(arn)
    if destination is None:
        raise ResourceNotFoundException()
    return destination


def put_record(stream_arn: str, data: bytes) -> None:
    """What a destination does with a payload: PutRecord on its stream. Through the Kinesis
    API rather than moto's models, whose encoding of `data` changed between moto releases."""
    parsed = parse_arn(stream_arn)
    assert parsed.account == ACCOUNT, "the central account is moto's default one"
    boto3.client("kinesis", region_name=parsed.region).put_record(
        StreamARN=stream_arn, Data=data, PartitionKey=uuid.uuid4().hex
    )


# ---- accounts ----


def member_session(account: str) -> boto3.Session:
    """Credentials in a member account, as the organization's access role gives them."""
    credentials = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="eks-audit-bot-test",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


@dataclass
class Central:
    """The central account's stream and destination (moto's default account)."""

    stream_arn: str
    destination_arn: str


def create_central() -> Central:
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName=STREAM, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    stream_arn = kinesis.describe_stream_summary(StreamName=STREAM)["StreamDescriptionSummary"][
        "StreamARN"
    ]
    logs = boto3.client("logs", region_name=REGION)
    destination = logs.put_destination(
        destinationName=DESTINATION,
        targetArn=stream_arn,
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/eks-audit-bot-logs",
    )["destination"]
    return Central(stream_arn, destination["arn"])


def create_member_cluster(
    session: boto3.Session, cluster: str, destination_arn: str, pattern: str
) -> None:
    """What EKS and the member module create: the log group, its audit stream, the filter."""
    logs = session.client("logs")
    group = f"/aws/eks/{cluster}/cluster"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=AUDIT_STREAM)
    logs.put_subscription_filter(
        logGroupName=group,
        filterName=f"eks-audit-bot-{REGION}",
        filterPattern=pattern,
        destinationArn=destination_arn,
    )


def write_audit_log(session: boto3.Session, cluster: str, events: list[dict[str, Any]]) -> None:
    now = log_time_ms()
    session.client("logs").put_log_events(
        logGroupName=f"/aws/eks/{cluster}/cluster",
        logStreamName=AUDIT_STREAM,
        logEvents=[
            {"timestamp": now + index, "message": json.dumps(event)}
            for index, event in enumerate(events)
        ],
    )


# ---- the event source mapping ----


@dataclass
class StreamReader:
    """Reads every shard from the start, as a new event source mapping (TRIM_HORIZON) does."""

    stream_arn: str
    iterators: dict[str, str] = field(default_factory=dict)

    def client(self) -> Any:
        return boto3.client("kinesis", region_name=parse_arn(self.stream_arn).region)

    def __post_init__(self) -> None:
        kinesis = self.client()
        name = self.stream_arn.rsplit("/", 1)[-1]
        for shard in kinesis.list_shards(StreamName=name)["Shards"]:
            self.iterators[shard["ShardId"]] = kinesis.get_shard_iterator(
                StreamName=name,
                ShardId=shard["ShardId"],
                ShardIteratorType="TRIM_HORIZON",
            )["ShardIterator"]

    def poll(self) -> list[dict[str, Any]]:
        """The next Lambda events, one per shard with records (each a batch for one shard)."""
        kinesis = self.client()
        events = []
        for shard, iterator in self.iterators.items():
            response = kinesis.get_records(ShardIterator=iterator)
            self.iterators[shard] = response["NextShardIterator"]
            if response["Records"]:
                records = response["Records"]
                events.append(kinesis_event(self.stream_arn, shard, records))
        return events


def kinesis_event(stream_arn: str, shard: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The event Lambda's event source mapping builds from `get_records` output."""
    arn = parse_arn(stream_arn)
    return {
        "Records": [
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": record["PartitionKey"],
                    "sequenceNumber": record["SequenceNumber"],
                    "data": base64.b64encode(record["Data"]).decode(),
                    "approximateArrivalTimestamp": record[
                        "ApproximateArrivalTimestamp"
                    ].timestamp(),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{shard}:{record['SequenceNumber']}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": f"arn:aws:iam::{arn.account}:role/eks-audit-bot",
                "awsRegion": arn.region,
                "eventSourceARN": stream_arn,
            }
            for record in records
        ]
    }


def records_event(payloads: list[bytes], stream_arn: str = "") -> dict[str, Any]:
    """A Kinesis batch of raw record payloads (sequence numbers 1, 2, ...)."""
    stream_arn = stream_arn or f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{STREAM}"
    now = 1795183391.5
    records = [
        {
            "PartitionKey": f"p{index}",
            "SequenceNumber": str(index),
            "Data": payload,
            "ApproximateArrivalTimestamp": _Stamp(now),
        }
        for index, payload in enumerate(payloads, start=1)
    ]
    return kinesis_event(stream_arn, "shardId-000000000000", records)


@dataclass(frozen=True)
class _Stamp:
    value: float

    def timestamp(self) -> float:
        return self.value


def payload(owner: str, cluster: str, events: list[dict[str, Any]], region: str = REGION) -> bytes:
    """One CloudWatch Logs payload as a destination writes it to Kinesis (gzip JSON)."""
    document = payload_document(owner, cluster, events, region)
    return gzip.compress(json.dumps(document).encode(), mtime=0)


def payload_document(
    owner: str, cluster: str, events: list[dict[str, Any]], region: str = REGION
) -> dict[str, Any]:
    return {
        "messageType": "DATA_MESSAGE",
        "owner": owner,
        "logGroup": f"/aws/eks/{cluster}/cluster",
        "logStream": AUDIT_STREAM,
        "subscriptionFilters": [f"eks-audit-bot-{region}"],
        "logEvents": [
            {"id": f"{index:056d}", "timestamp": 1795183391512 + index, "message": json.dumps(e)}
            for index, e in enumerate(events)
        ],
    }


# ---- audit events ----


def person(name: str, account: str) -> dict[str, Any]:
    arn = f"arn:aws:sts::{account}:assumed-role/{SSO_ROLE}/{name}@example.com"
    return {
        "username": arn,
        "groups": ["system:authenticated"],
        "extra": {
            "arn": [arn],
            "canonicalArn": [f"arn:aws:iam::{account}:role/{SSO_ROLE}"],
            "sessionName": [f"{name}@example.com"],
        },
    }


def audit_event(
    who: str,
    account: str,
    verb: str,
    resource: str,
    name: str,
    *,
    namespace: str = "payments",
    subresource: str = "",
    stage: str = "ResponseComplete",
    audit_id: str | None = None,
    received: str = "2026-11-20T14:03:11.512345Z",
    code: int = 200,
) -> dict[str, Any]:
    ref = {"resource": resource, "namespace": namespace, "name": name, "apiVersion": "v1"}
    uri = f"/api/v1/namespaces/{namespace}/{resource}/{name}"
    if subresource:
        ref["subresource"] = subresource
        uri += f"/{subresource}?command=sh&container=api&stdin=true&tty=true"
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": audit_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{account}{uri}{received}")),
        "stage": stage,
        "requestURI": uri,
        "verb": verb,
        "user": person(who, account),
        "sourceIPs": ["203.0.113.10"],
        "userAgent": "kubectl/v1.31.2 (darwin/arm64) kubernetes/5864a46",
        "objectRef": ref,
        "responseStatus": {"metadata": {}, "code": code},
        "requestReceivedTimestamp": received,
        "stageTimestamp": received.replace("512345Z", "530123Z"),
        "annotations": {"authorization.k8s.io/decision": "allow"},
    }


def secret_deletions(who: str, account: str, count: int, first: int = 0) -> list[dict[str, Any]]:
    return [
        audit_event(
            who,
            account,
            "delete",
            "secrets",
            f"api-key-{index}",
            received=f"2026-11-20T14:{index // 60:02d}:{index % 60:02d}.512345Z",
        )
        for index in range(first, first + count)
    ]


# ---- SNS faults ----


class FailingSNS:
    """Forwards PublishBatch to moto, except entries whose Subject `fails` picks: those come
    back as retryable per-entry failures (HTTP 200, `Failed`), as SNS reports them."""

    def __init__(self, client: Any, fails: Callable[[str], bool]) -> None:
        self.client = client
        self.fails = fails

    def publish_batch(self, **request: Any) -> dict[str, Any]:
        entries = request["PublishBatchRequestEntries"]
        refused = [self.fails(entry["Subject"]) for entry in entries]
        passing = [entry for entry, no in zip(entries, refused, strict=True) if not no]
        failed = [
            {"Id": entry["Id"], "Code": "InternalError", "SenderFault": False}
            for entry, no in zip(entries, refused, strict=True)
            if no
        ]
        response: dict[str, Any] = {"Successful": [], "Failed": failed}
        if passing:
            sent = self.client.publish_batch(**{**request, "PublishBatchRequestEntries": passing})
            response["Successful"] = sent.get("Successful", [])
            response["Failed"] += sent.get("Failed", [])
        return response


def dedup_table(name: str = "eks-audit-bot-dedup") -> str:
    """The table the modules create: partition key `id` (string), TTL on `expiration`."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"},
    )
    return name
