"""A topic in another region than the function: the alert is published through the topic's region.

SNS accepts Publish only for a topic in the client's region, so a function in eu-west-1 with a
central topic in us-east-1 must build its SNS client for us-east-1, while its Logs Insights
links keep pointing at the function's (and the log group's) region.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from eks_audit_bot import handler
from eks_audit_bot.settings import Settings
from lambda_context import FakeContext
from support import REGION, load_case, subscribed_queue, subscription_event

TOPIC_REGION = "us-east-1"


@pytest.fixture
def central_topic(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A topic in us-east-1 with an SQS tap there; the function runs in eu-west-1 (REGION)."""
    assert TOPIC_REGION != REGION
    with mock_aws():
        central = subscribed_queue("central-eks-alerts", "central-tap", TOPIC_REGION)
        monkeypatch.setenv("SNS_TOPIC_ARN", central.topic_arn)
        yield central.queue_url


def test_settings_take_the_topic_region_for_sns_and_the_function_region_for_links() -> None:
    settings = Settings.from_env(
        {"SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:111122223333:alerts", "AWS_REGION": "eu-west-1"}
    )
    assert settings.topic_region == "us-east-1"
    assert settings.region == "eu-west-1"
    assert settings.location("/aws/eks/prod/cluster").region == "eu-west-1"


def test_alert_reaches_a_topic_in_another_region(central_topic: str) -> None:
    result = handler.lambda_handler(
        subscription_event(load_case("sso-access-entry-delete-secret")), FakeContext()
    )
    assert result["alerts"] == 1
    sqs = boto3.client("sqs", region_name=TOPIC_REGION)
    (message,) = sqs.receive_message(QueueUrl=central_topic, MaxNumberOfMessages=10)["Messages"]
    notification = json.loads(message["Body"])
    document = json.loads(notification["Message"])
    assert document["where"]["region"] == REGION
    assert document["links"]["logs_insights"].startswith(f"https://{REGION}.console.")
