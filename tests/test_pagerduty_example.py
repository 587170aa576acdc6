"""examples/pagerduty applied to a local moto server: the page topic, PagerDuty's HTTPS
subscription and what the function is told, then destroyed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from moto_examples import ACCOUNT, REGION, Workdir, eks_log_groups, powertools_layers

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]
INTEGRATION_URL = (
    "https://events.pagerduty.com/integration/0123456789abcdef0123456789abcdef/enqueue"
)


def test_pagerduty_example_applies_and_destroys(aws: dict[str, Any], tmp_path: Path) -> None:
    eks_log_groups(aws["logs"], "/aws/eks/prod/cluster")
    powertools_layers(aws["lambda"])
    work = Workdir("pagerduty", tmp_path, aws["sts"].meta.endpoint_url, "override.tf")
    work.run("init", "-backend=false", "-input=false")
    url = f"pagerduty_integration_url={INTEGRATION_URL}"
    work.run("apply", "-auto-approve", "-input=false", "-var", url)
    out = work.outputs()

    pages = out["pagerduty_topic_arn"]
    assert pages == f"arn:aws:sns:{REGION}:{ACCOUNT}:eks-audit-bot-prod-pagerduty"
    sns = aws["sns"]
    assert sns.get_topic_attributes(TopicArn=pages)["Attributes"]["KmsMasterKeyId"] == (
        "alias/aws/sns"
    )
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=pages)["Subscriptions"]
    assert subscription["Protocol"] == "https"
    assert subscription["Endpoint"] == INTEGRATION_URL
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])
    policy = json.loads(attributes["Attributes"]["DeliveryPolicy"])
    assert policy["healthyRetryPolicy"]["numRetries"] == 30

    function = aws["lambda"].get_function(FunctionName="eks-audit-bot-prod")["Configuration"]
    env = function["Environment"]["Variables"]
    assert env["PAGERDUTY_TOPIC_ARN"] == pages
    assert env["PAGERDUTY_MIN_SEVERITY"] == "high"
    assert env["SNS_TOPIC_ARN"] == out["sns_topic_arn"]
    role = function["Role"].rsplit("/", 1)[-1]
    document = aws["iam"].get_role_policy(RoleName=role, PolicyName="pagerduty")["PolicyDocument"]
    statement = (document if isinstance(document, dict) else json.loads(document))["Statement"]
    assert statement == [
        {"Sid": "PublishPages", "Effect": "Allow", "Action": "sns:Publish", "Resource": pages}
    ]

    work.run("destroy", "-auto-approve", "-input=false", "-var", url)
    assert not aws["sns"].list_topics()["Topics"]
    assert not aws["lambda"].list_functions()["Functions"]
