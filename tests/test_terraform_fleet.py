"""examples/organization against a local moto server: one central and two member accounts.

The example is copied, its module sources pointed at this repository and a provider override
added for the three providers (the members keep their `assume_role`, which moto honours: what
Terraform creates through them lands in the member accounts). moto runs in this process
(`ThreadedMotoServer` on 127.0.0.1) so that `tests/fleet.py` can add what moto lacks —
subscription filters that point at a CloudWatch Logs destination, and delivery through it.

After the apply, boto3 checks what each account holds; then an audit line written in a member
account travels the deployed wiring (filter → destination → stream) and the handler, with the
deployed function's environment, alerts on the deployed topic. Then everything is destroyed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from eks_audit_bot import handler
from fleet import StreamReader, audit_event, deliver_to_destinations
from lambda_context import FakeContext
from moto_examples import Terraform
from support import load_script, log_time_ms
from terraform_pattern import ROOT

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]

REGION = "us-east-1"
CENTRAL = "123456789012"  # moto's default account: the credentials Terraform starts with
PAYMENTS, SEARCH = "111111111111", "222222222222"
CLUSTERS = {
    PAYMENTS: ["/aws/eks/payments-prod/cluster", "/aws/eks/payments-staging/cluster"],
    SEARCH: ["/aws/eks/search/cluster"],
}
SERVICES = [
    "sts",
    "iam",
    "lambda",
    "logs",
    "sns",
    "sqs",
    "kms",
    "cloudwatch",
    "kinesis",
    "dynamodb",
    "events",
    "cloudwatchevents",
]


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def central(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    boto3.client("sts").meta.events  # noqa: B018 - clients below read the patched environment
    import urllib.request

    urllib.request.urlopen(
        urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=10
    ).close()
    return {"url": moto_url}


def session(account: str) -> boto3.Session:
    if account == CENTRAL:
        return boto3.Session(region_name=REGION)
    credentials = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="eks-audit-bot-test",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )


def override(moto_url: str) -> str:
    endpoints = "\n".join(f'    {name} = "{moto_url}"' for name in SERVICES)
    blocks = []
    for alias in ("", "payments", "search"):
        alias_line = f'  alias                       = "{alias}"\n' if alias else ""
        blocks.append(
            f"""provider "aws" {{
{alias_line}  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints {{
{endpoints}
  }}
}}
"""
        )
    return "\n".join(blocks)


class Workdir(Terraform):
    def __init__(self, tmp_path: Path, moto_url: str) -> None:
        path = tmp_path / "organization"
        shutil.copytree(
            ROOT / "examples" / "organization",
            path,
            ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*"),
        )
        main_tf = path / "main.tf"
        modules = os.path.relpath(ROOT / "modules", path)
        main_tf.write_text(
            main_tf.read_text(encoding="utf-8").replace('"../../modules/', f'"{modules}/'),
            encoding="utf-8",
        )
        (path / "moto_override.tf").write_text(override(moto_url), encoding="utf-8")
        super().__init__(path, REGION)
        self.env.pop("AWS_ENDPOINT_URL", None)


def prepare_accounts() -> None:
    """What exists before the apply: the Powertools layer (moto resolves layers in its own
    account) and the member clusters' log groups, which EKS creates."""
    load_script("moto_apply").publish_powertools_layers(boto3.client("lambda"))
    for account, groups in CLUSTERS.items():
        logs = session(account).client("logs")
        for group in groups:
            logs.create_log_group(logGroupName=group)
            logs.create_log_stream(logGroupName=group, logStreamName=AUDIT_STREAM)


AUDIT_STREAM = "kube-apiserver-audit-0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_organization_example_applies_wires_three_accounts_and_destroys(
    central: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with deliver_to_destinations(monkeypatch) as senders:
        prepare_accounts()
        work = Workdir(tmp_path, central["url"])
        work.run("init", "-backend=false", "-input=false")
        work.run("apply", "-auto-approve", "-input=false")
        out = work.outputs()

        function = check_central(out)
        check_members(out)
        alert = alert_through_the_deployment(out, function, monkeypatch)
        assert senders == [PAYMENTS]
        assert alert["where"]["account_id"] == PAYMENTS
        assert alert["where"]["account_name"] == "payments"
        assert alert["where"]["cluster"] == "payments-prod"

        work.run("destroy", "-auto-approve", "-input=false", "-refresh=false")
    check_destroyed(out)


def check_central(out: dict[str, Any]) -> dict[str, Any]:
    aws = session(CENTRAL)
    function = aws.client("lambda").get_function(FunctionName=out["function_name"])
    env = function["Configuration"]["Environment"]["Variables"]
    assert env["DEDUP_TABLE_NAME"] == out["dedup_table_name"] == "eks-audit-bot-dedup"
    assert env["DEDUP_TTL_SECONDS"] == "86400"
    assert json.loads(env["ACCOUNT_NAMES"]) == {PAYMENTS: "payments", SEARCH: "search"}

    stream = aws.client("kinesis").describe_stream_summary(StreamName="eks-audit-bot")
    summary = stream["StreamDescriptionSummary"]
    assert summary["StreamARN"] == out["stream_arn"]
    assert summary["StreamModeDetails"]["StreamMode"] == "ON_DEMAND"
    assert summary["EncryptionType"] == "KMS"

    (destination,) = aws.client("logs").describe_destinations()["destinations"]
    assert destination["arn"] == out["destination_arn"]
    assert destination["targetArn"] == out["stream_arn"]
    policy = json.loads(destination["accessPolicy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": [PAYMENTS, SEARCH]}

    (mapping,) = aws.client("lambda").list_event_source_mappings(EventSourceArn=out["stream_arn"])[
        "EventSourceMappings"
    ]
    assert mapping["FunctionArn"] == function["Configuration"]["FunctionArn"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BatchSize"] == 100

    table = aws.client("dynamodb").describe_table(TableName="eks-audit-bot-dedup")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSEDescription"]["Status"] == "ENABLED"
    ttl = aws.client("dynamodb").describe_time_to_live(TableName="eks-audit-bot-dedup")
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expiration",
    }

    events = aws.client("events")
    (rule,) = events.list_rules(EventBusName="eks-audit-bot")["Rules"]
    (target,) = events.list_targets_by_rule(Rule=rule["Name"], EventBusName="eks-audit-bot")[
        "Targets"
    ]
    assert target["Arn"] == function["Configuration"]["FunctionArn"]
    return function["Configuration"]


def check_members(out: dict[str, Any]) -> None:
    for account, groups in CLUSTERS.items():
        member = session(account)
        logs = member.client("logs")
        for group in groups:
            subs = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
            by_name = {sub["filterName"]: sub for sub in subs}
            assert sorted(by_name) == [
                f"eks-audit-bot-{REGION}",
                f"eks-audit-bot-{REGION}-truncated",
            ]
            assert {sub["destinationArn"] for sub in subs} == {out["destination_arn"]}
            assert (
                by_name[f"eks-audit-bot-{REGION}-truncated"]["filterPattern"] == '"[Truncated...]"'
            )
        events = member.client("events")
        rules = events.list_rules(NamePrefix="eks-audit-bot")["Rules"]
        assert sorted(rule["Name"] for rule in rules) == [
            "eks-audit-bot-forward",
            "eks-audit-bot-forward-watch",
        ]
        for rule in rules:
            (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
            assert target["Arn"] == out["event_bus_arn"]
            pattern = json.loads(rule["EventPattern"])
            assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
            assert all(
                source == {"prefix": "aws."} or str(source).startswith("aws.")
                for source in pattern["source"]
            )


def alert_through_the_deployment(
    out: dict[str, Any], function: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    aws = session(CENTRAL)
    sqs = aws.client("sqs")
    queue_url = sqs.create_queue(QueueName="tap")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    aws.client("sns").subscribe(TopicArn=out["sns_topic_arn"], Protocol="sqs", Endpoint=queue_arn)

    secret = audit_event("alice", PAYMENTS, "delete", "secrets", "db-password")
    session(PAYMENTS).client("logs").put_log_events(
        logGroupName=CLUSTERS[PAYMENTS][0],
        logStreamName=AUDIT_STREAM,
        logEvents=[{"timestamp": log_time_ms(), "message": json.dumps(secret)}],
    )
    for name, value in function["Environment"]["Variables"].items():
        monkeypatch.setenv(name, value)
    handler.runtime.cache_clear()
    for batch in StreamReader(out["stream_arn"]).poll():
        assert handler.lambda_handler(batch, FakeContext()) == {"batchItemFailures": []}
    (message,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    return dict(json.loads(json.loads(message["Body"])["Message"]))


def check_destroyed(out: dict[str, Any]) -> None:
    aws = session(CENTRAL)
    assert not aws.client("lambda").list_functions()["Functions"]
    assert not aws.client("kinesis").list_streams()["StreamNames"]
    assert not aws.client("logs").describe_destinations()["destinations"]
    assert aws.client("dynamodb").list_tables()["TableNames"] == []
    for account, groups in CLUSTERS.items():
        logs = session(account).client("logs")
        for group in groups:
            assert (
                logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []
            )
    assert out["destination_arn"].startswith(f"arn:aws:logs:{REGION}:{CENTRAL}:destination:")
