"""Helpers the tests share: fixture cases, the subscription payload, and the SQS tap."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3

from eks_audit_bot.kube.cloudwatch import encode_payload

FIXTURES = Path(__file__).parent / "fixtures"
CASES = FIXTURES / "cases"
EVENTBRIDGE = FIXTURES / "eventbridge"
REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module, loaded once (scripts/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parent.parent / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def log_time_ms() -> int:
    """A log event time `put_log_events` accepts: CloudWatch Logs (and moto) reject events
    older than 14 days, so a fixed time in a test stops being delivered two weeks later."""
    return int(time.time() * 1000)


def delivered(message: str, protocol: str) -> str:
    """What SNS hands a `protocol` subscriber of a `MessageStructure=json` message: the body
    named after the protocol, else `default`."""
    bodies = json.loads(message)
    return str(bodies.get(protocol, bodies["default"]))


def case_names() -> list[str]:
    return sorted(path.stem for path in CASES.glob("*.json"))


def load_case(name: str) -> dict[str, Any]:
    return json.loads((CASES / f"{name}.json").read_text())


def eventbridge_case_names() -> list[str]:
    return sorted(path.stem for path in EVENTBRIDGE.glob("*.json"))


def load_eventbridge_case(name: str) -> dict[str, Any]:
    """`{"description", "env", "event"}`: an EventBridge event and the settings it runs with."""
    return json.loads((EVENTBRIDGE / f"{name}.json").read_text())


def case_messages(case: dict[str, Any]) -> list[str]:
    """The log lines of a case: objects become JSON lines, strings are taken as they are."""
    return [event if isinstance(event, str) else json.dumps(event) for event in case["events"]]


def subscription_event(case: dict[str, Any], owner: str = ACCOUNT) -> dict[str, Any]:
    """The Lambda event CloudWatch Logs would deliver for a case."""
    document = {
        "messageType": case.get("messageType", "DATA_MESSAGE"),
        "owner": owner,
        "logGroup": case["logGroup"],
        "logStream": case["logStream"],
        "subscriptionFilters": ["eks-audit-bot"],
        "logEvents": [
            {"id": f"3{index:055d}", "timestamp": 1795183391512 + index, "message": message}
            for index, message in enumerate(case_messages(case))
        ],
    }
    return encode_payload(document)


@dataclass
class Inbox:
    """A moto SNS topic with an SQS queue subscribed, as a subscriber would see it."""

    topic_arn: str
    queue_url: str
    region: str = REGION

    def received(self) -> list[dict[str, Any]]:
        """SNS notifications that reached the queue (envelope with Message, Subject, attrs)."""
        sqs = boto3.client("sqs", region_name=self.region)
        notifications = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            messages = batch.get("Messages", [])
            if not messages:
                return notifications
            for item in messages:
                notifications.append(json.loads(item["Body"]))
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=item["ReceiptHandle"])


def subscribed_queue(topic: str, queue: str, region: str = REGION) -> Inbox:
    """A topic with an SQS queue subscribed, in the moto state that is active (as a subscriber
    would see what the function publishes)."""
    sns = boto3.client("sns", region_name=region)
    sqs = boto3.client("sqs", region_name=region)
    topic_arn = sns.create_topic(Name=topic)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return Inbox(topic_arn, queue_url, region)


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON log lines (Powertools' structured logs) of captured output."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]
