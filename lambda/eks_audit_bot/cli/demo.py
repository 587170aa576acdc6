"""`make demo`: bundled EKS audit events through the real handler into a local SNS topic.

Everything runs in-process against moto: no AWS account, no credentials, no network. It prints
what an email subscriber and an SQS subscriber of the alert topic would receive.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from importlib import resources
from typing import Any, cast

from aws_lambda_powertools.utilities.typing import LambdaContext

from eks_audit_bot.sources.cloudwatch import encode_payload

REGION = "eu-west-1"
ACCOUNT = "123456789012"
LOG_GROUP = "/aws/eks/demo/cluster"
LOG_STREAM = "kube-apiserver-audit-5d0c3b4f1e2a49c8b7a6f5e4d3c2b1a0"


def sample_payload() -> dict[str, Any]:
    """The bundled events as one CloudWatch Logs subscription payload."""
    lines = resources.files("eks_audit_bot.cli").joinpath("demo_events.jsonl").read_text()
    events = [
        {"id": f"{index:056d}", "timestamp": 1795166042120 + index * 1000, "message": line}
        for index, line in enumerate(lines.splitlines())
        if line.strip()
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


def main() -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "ACCOUNT_NAME": "demo",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }.items():
        os.environ[name] = value
    # Imported once the environment is set: Powertools reads it when the handler module loads.
    import boto3  # noqa: PLC0415
    from moto import mock_aws  # noqa: PLC0415
    from moto.sns.models import sns_backends  # noqa: PLC0415

    from eks_audit_bot import handler  # noqa: PLC0415

    with mock_aws():
        sns, sqs = boto3.client("sns"), boto3.client("sqs")
        topic = sns.create_topic(Name="eks-audit-alerts")["TopicArn"]
        queue = sqs.create_queue(QueueName="alerts-for-tools")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="platform-team@example.com")
        os.environ["SNS_TOPIC_ARN"] = topic
        emf = io.StringIO()  # the function's EMF metric lines, which CloudWatch would ingest
        with contextlib.redirect_stdout(emf):
            summary = handler.lambda_handler(sample_payload(), cast(LambdaContext, _Context()))
        print(f"Handler: {json.dumps(summary)} (automation and plain reads stay quiet)")
        print(f"Metrics: {len(emf.getvalue().splitlines())} EMF records written to stdout\n")
        for _, body, subject, _, _ in (
            sns_backends[ACCOUNT][REGION].topics[topic].sent_notifications
        ):
            print(f"=== Email to platform-team@example.com ===\nSubject: {subject}\n")
            print(json.loads(body)["email"])
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        print(f"=== SQS subscriber: {len(received)} messages; the first one ===")
        envelope = json.loads(received[0]["Body"])
        envelope["Message"] = json.loads(envelope["Message"])
        print(json.dumps(envelope, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
