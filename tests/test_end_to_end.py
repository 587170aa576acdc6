"""End to end under moto: audit lines written to the EKS log group reach an SQS subscriber.

The function is created from the committed zip with the module's handler name, the log group
gets a subscription filter with the default pattern Terraform generates, and CloudWatch's
filtering is emulated with our evaluator (tests/cloudwatch.py).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import boto3
import pytest

from cloudwatch import deliver_to_handler
from eks_audit_bot.filter_pattern import compile_pattern
from support import REGION, Inbox, case_messages, load_case, log_time_ms

ZIP = Path(__file__).parents[1] / "lambda" / "eks-audit-bot.zip"
LOG_GROUP = "/aws/eks/prod-eu/cluster"
STREAM = "kube-apiserver-audit-8f1e2d3c4b5a69788796a5b4c3d2e1f0"


def default_pattern() -> str:
    return resources.files("eks_audit_bot.cli").joinpath("default_filter_pattern.txt").read_text()


# The module's second filter (watch_truncated_lines): cut lines are not JSON.
TRUNCATED_PATTERN = '"[Truncated...]"'


def deploy(inbox: Inbox) -> None:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(
        RoleName="eks-audit-bot",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    function = boto3.client("lambda", region_name=REGION).create_function(
        FunctionName="eks-audit-bot",
        Runtime="python3.13",
        Architectures=["arm64"],
        Role=role,
        Handler="eks_audit_bot.handler.lambda_handler",
        Code={"ZipFile": ZIP.read_bytes()},
        Environment={"Variables": {"SNS_TOPIC_ARN": inbox.topic_arn}},
    )
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName=LOG_GROUP)
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=STREAM)
    logs.put_subscription_filter(
        logGroupName=LOG_GROUP,
        filterName="eks-audit-bot",
        filterPattern=default_pattern(),
        destinationArn=function["FunctionArn"],
    )
    logs.put_subscription_filter(
        logGroupName=LOG_GROUP,
        filterName="eks-audit-bot-truncated",
        filterPattern=TRUNCATED_PATTERN,
        destinationArn=function["FunctionArn"],
    )


def put_lines(lines: list[str]) -> None:
    now = log_time_ms()
    boto3.client("logs", region_name=REGION).put_log_events(
        logGroupName=LOG_GROUP,
        logStreamName=STREAM,
        logEvents=[{"timestamp": now + i, "message": line} for i, line in enumerate(lines)],
    )


def test_a_manual_change_written_to_the_log_group_alerts(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    with deliver_to_handler(monkeypatch) as invocations:
        deploy(inbox)
        put_lines(case_messages(load_case("sso-access-entry-delete-secret")))
    notes = inbox.received()
    assert len(invocations) == 1
    assert len(notes) == 1
    document = json.loads(notes[0]["Message"])
    assert document["actor"]["display_name"] == "alice@example.com"
    assert document["request"]["verb"] == "delete"
    assert document["where"]["cluster"] == "prod-eu"
    assert notes[0]["MessageAttributes"]["resource"]["Value"] == "secrets"


def test_the_pattern_keeps_automation_from_ever_invoking_the_function(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = ["node-updates-lease"]
    with deliver_to_handler(monkeypatch) as invocations:
        deploy(inbox)
        put_lines([line for name in quiet for line in case_messages(load_case(name))])
    assert invocations == []
    assert inbox.received() == []


def test_argo_cd_and_eks_updating_workloads_reach_the_function_which_spares_them(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workload template may be privileged: dangerous actions alert whoever does them, so the
    # pattern lets automation's writes through and the function spares Argo CD and EKS, whose
    # job it is (issue 17).
    syncs = ["service-account-argocd-sync", "eks-addon-manager-update"]
    with deliver_to_handler(monkeypatch) as invocations:
        deploy(inbox)
        put_lines([line for name in syncs for line in case_messages(load_case(name))])
    assert len(invocations) == 1
    assert inbox.received() == []


def test_a_mixed_batch_alerts_once_per_manual_action(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["multi-event-batch", "exec-two-stages", "service-account-argocd-sync"]
    with deliver_to_handler(monkeypatch) as invocations:
        deploy(inbox)
        put_lines([line for name in names for line in case_messages(load_case(name))])
    subjects = sorted(note["Subject"] for note in inbox.received())
    assert len(invocations) == 1
    assert any("stripe-key" in subject for subject in subjects)
    assert sum("exec'd into" in subject for subject in subjects) == 1
    assert not any("argocd" in subject for subject in subjects)


def test_a_line_cut_by_cloudwatch_reaches_the_function_through_the_second_filter(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Padding a change past 256 KB breaks the JSON, so the default pattern cannot match it:
    the module's second filter delivers it, and it still alerts, saying it was cut."""
    (line,) = case_messages(load_case("iam-user-kubernetes-admin-create-clusterrolebinding"))[-1:]
    event = json.loads(line)
    event["requestObject"]["metadata"]["annotations"] = {"pad": "x" * 300_000}
    cut = json.dumps(event).encode()[: 256 * 1024 - 16].decode(errors="ignore") + "[Truncated...]"
    assert not compile_pattern(default_pattern()).matches(cut)
    with deliver_to_handler(monkeypatch) as invocations:
        deploy(inbox)
        put_lines([cut])
    assert len(invocations) == 1
    (note,) = inbox.received()
    document = json.loads(note["Message"])
    assert document["truncated"] is True
    assert document["actor"]["iam_arn"] == "arn:aws:iam::111122223333:user/bob"
