"""`make demo`: bundled EKS audit events through the real handler into a local SNS topic.

Everything runs in-process against moto: no AWS account, no credentials, no network. It prints
what came out (one row per alert), then what an email subscriber and an SQS subscriber of the
alert topic receive for the most severe alert; `--all` prints every message.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
from collections.abc import Sequence
from importlib import resources
from typing import Any, cast

from eks_audit_bot.cli.demo_output import Delivered, show
from eks_audit_bot.kube.cloudwatch import encode_payload

REGION = "eu-west-1"
ACCOUNT = "111122223333"  # the account of every ARN in the sample events
CLUSTER = "demo"
LOG_GROUP = f"/aws/eks/{CLUSTER}/cluster"
LOG_STREAM = "kube-apiserver-audit-5d0c3b4f1e2a49c8b7a6f5e4d3c2b1a0"
EMAIL = "platform-team@example.com"


def sample_lines() -> list[str]:
    text = resources.files("eks_audit_bot.cli").joinpath("demo_events.jsonl").read_text()
    return [line for line in text.splitlines() if line.strip()]


def sample_payload() -> dict[str, Any]:
    """The bundled events as one CloudWatch Logs subscription payload."""
    events = [
        {"id": f"{index:056d}", "timestamp": 1795166042120 + index * 1000, "message": line}
        for index, line in enumerate(sample_lines())
    ]
    return encode_payload(
        {
            "messageType": "DATA_MESSAGE",
            "owner": ACCOUNT,
            "logGroup": LOG_GROUP,
            "logStream": LOG_STREAM,
            "subscriptionFilters": ["eks-audit-bot"],
            "logEvents": events,
        }
    )


class _Context:
    function_name = "eks-audit-bot-demo"
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:eks-audit-bot-demo"
    memory_limit_in_mb = 256
    aws_request_id = "00000000-0000-4000-8000-000000000000"


def run_handler() -> Delivered:
    """The payload through `lambda_handler`, into a moto topic with email and SQS subscribers."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "demo",
            "AWS_SECRET_ACCESS_KEY": "demo",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "MOTO_ACCOUNT_ID": ACCOUNT,
            "ACCOUNT_NAME": "demo",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    # Imported once the environment is set: Powertools reads it when the handler module loads.
    import boto3  # noqa: PLC0415
    from aws_lambda_powertools.utilities.typing import LambdaContext  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415
    from moto.sns.models import sns_backends  # noqa: PLC0415

    from eks_audit_bot import handler  # noqa: PLC0415

    with mock_aws():
        sns, sqs = boto3.client("sns"), boto3.client("sqs")
        topic = sns.create_topic(Name="eks-audit-alerts")["TopicArn"]
        queue = sqs.create_queue(QueueName="alerts-for-tools")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=EMAIL)
        os.environ["SNS_TOPIC_ARN"] = topic
        with contextlib.redirect_stdout(io.StringIO()):  # the function's EMF metric lines
            summary = handler.lambda_handler(sample_payload(), cast(LambdaContext, _Context()))
        sent = sns_backends[ACCOUNT][REGION].topics[topic].sent_notifications
        emails = [(subject or "", json.loads(body)["email"]) for _, body, subject, _, _ in sent]
        documents = [json.loads(json.loads(body)["Message"]) for body in _drain(sqs, queue)]
    return Delivered(summary, emails, documents)


def _drain(sqs: Any, queue: str) -> list[str]:
    bodies: list[str] = []
    while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages"):
        bodies += [message["Body"] for message in batch]
    return bodies


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__)
    parser.add_argument(
        "--all", action="store_true", help="print every email and JSON document, not only one"
    )
    args = parser.parse_args(argv)
    show(run_handler(), show_all=args.all)


if __name__ == "__main__":
    main()
