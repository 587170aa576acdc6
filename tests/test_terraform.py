"""Terraform against a local moto server: the examples apply, wire what they promise, destroy.

Each test copies an example to a temporary directory, adds a provider override pointing every
AWS endpoint at a moto_server started on 127.0.0.1 (so the committed example stays clean),
then runs `terraform init/apply/destroy` and checks the result with boto3.

Also here: the default filter pattern file equals what terraform generates, and the pattern
terraform generates is evaluated against realistic audit events with our CloudWatch evaluator.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern

from eks_audit_bot import handler
from eventbridge import alarm_state_change
from lambda_context import FakeContext
from moto_examples import (
    ACCOUNT,
    REGION,
    Workdir,
    eks_log_groups,
    pattern_filter,
    powertools_layers,
    subscription_filters,
    terragrunt_inputs,
)
from support import load_eventbridge_case
from terraform_pattern import (
    DEFAULT_PATTERN_FILE,
    MOCK_PROVIDER,
    ROOT,
    PatternConsole,
    TerraformError,
    module_test,
)

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]

# ---- examples against moto ----


def test_complete_example_applies_and_destroys(
    aws: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole example on moto, except the Slack channel: moto has no Amazon Q Developer in
    chat applications API, and a real channel needs a Slack workspace authorized in the AWS
    console first, so the Slack ids stay unset here (tests/examples.tftest.hcl plans it)."""
    clusters = ("/aws/eks/prod/cluster", "/aws/eks/staging/cluster")
    eks_log_groups(aws["logs"], *clusters)
    powertools_layers(aws["lambda"])
    work = Workdir(
        "complete", tmp_path, aws["sts"].meta.endpoint_url, "override.tf", aliases=("chat",)
    )
    work.run("init", "-backend=false", "-input=false")
    work.run("apply", "-auto-approve", "-input=false")
    out = work.outputs()

    function = aws["lambda"].get_function(FunctionName="eks-audit-bot")["Configuration"]
    assert function["Handler"] == "eks_audit_bot.handler.lambda_handler"
    assert function["Runtime"] == "python3.13"
    assert function["Architectures"] == ["arm64"]
    env = function["Environment"]["Variables"]
    assert env["SNS_TOPIC_ARN"] == out["sns_topic_arn"]
    assert out["sns_topic_arn"] == f"arn:aws:sns:{REGION}:{ACCOUNT}:eks-audit-bot-alerts"
    assert env["ACCOUNT_ID"] == ACCOUNT
    assert env["ACCOUNT_NAME"] == "example"
    assert env["HTTPS_FORMAT"] == "chatbot"
    assert json.loads(env["AUTOMATION_PRINCIPALS"]) == ["arn:aws:iam::*:role/github-actions-*"]
    assert "slack_channel_configuration_arn" not in out  # null outputs are left out

    pattern = DEFAULT_PATTERN_FILE.read_text(encoding="utf-8")
    assert out["filter_pattern"] == pattern
    for log_group in clusters:
        subscription = pattern_filter(aws["logs"], log_group)
        assert subscription["filterPattern"] == pattern
        assert subscription["destinationArn"] == function["FunctionArn"]
    assert sorted(out["subscription_filters"]) == ["prod", "staging"]

    _assert_encrypted_topic(aws, out)
    sns = aws["sns"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=out["sns_topic_arn"])["Subscriptions"]
    policies = {
        sub["Endpoint"]: sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])[
            "Attributes"
        ].get("FilterPolicy")
        for sub in subscriptions
    }
    assert policies.keys() == {"platform-team@example.com", "eks-paging@example.com"}
    assert policies["platform-team@example.com"] is None
    assert json.loads(policies["eks-paging@example.com"]) == {"severity": ["critical", "high"]}

    queue_url = out["on_failure_queue_url"]
    queue_arn = aws["sqs"].get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    invoke = aws["lambda"].get_function_event_invoke_config(FunctionName="eks-audit-bot")
    assert invoke["DestinationConfig"]["OnFailure"]["Destination"] == queue_arn

    rules = _check_event_rules(aws, function["FunctionArn"])
    _check_alarms(aws)
    _check_alerts_from_the_deployment(aws, function, rules, monkeypatch)

    work.run("destroy", "-auto-approve", "-input=false")
    assert not aws["events"].list_rules(NamePrefix="eks-audit-bot")["Rules"]
    assert not aws["cloudwatch"].describe_alarms(AlarmNamePrefix="eks-audit-bot")["MetricAlarms"]
    assert not aws["lambda"].list_functions()["Functions"]
    assert not aws["sns"].list_topics()["Topics"]
    assert not aws["sqs"].list_queues().get("QueueUrls")
    for log_group in clusters:
        assert subscription_filters(aws["logs"], log_group) == []
    assert not aws["iam"].list_roles()["Roles"]
    key = aws["kms"].describe_key(KeyId=out["sns_topic_kms_key_arn"])["KeyMetadata"]
    assert key["KeyState"] == "PendingDeletion"


def _assert_encrypted_topic(aws: dict[str, Any], out: dict[str, Any]) -> None:
    """The topic is encrypted with the key the module created; the key rotates, has an alias,
    and the function's role may use it only through SNS in the topic's region."""
    attributes = aws["sns"].get_topic_attributes(TopicArn=out["sns_topic_arn"])["Attributes"]
    key_arn = out["sns_topic_kms_key_arn"]
    assert attributes["KmsMasterKeyId"] == key_arn
    kms = aws["kms"]
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"]
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert aliases["alias/eks-audit-bot-alerts"] == key_arn.rsplit("/", 1)[-1]
    # boto3 decodes IAM policy documents into dicts.
    policy = aws["iam"].get_role_policy(RoleName="eks-audit-bot", PolicyName="least-privilege")[
        "PolicyDocument"
    ]
    (kms_statement,) = [s for s in policy["Statement"] if s["Sid"] == "EncryptedTopic"]
    assert kms_statement["Resource"] == key_arn
    assert kms_statement["Condition"] == {
        "StringEquals": {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}
    }


# ---- EventBridge rules and alarms of the complete example ----

# Fixture events (tests/fixtures/eventbridge) and the rule that must select each, or None.
RULE_OF_CASE = {
    "sso-user-grants-cluster-admin": "eks-audit-bot-eks-api",
    "iam-user-disables-audit-logging": "eks-audit-bot-eks-api",
    "denied-cluster-admin-grant": "eks-audit-bot-eks-api",
    "other-cluster": None,
    "read-only-call": None,
    "lambda-code-replaced": "eks-audit-bot-tamper",
    "lambda-environment-changed": "eks-audit-bot-tamper",
    "subscription-filter-deleted": "eks-audit-bot-tamper",
    "rule-disabled": "eks-audit-bot-tamper",
    "unknown-detail-type": None,
}


def _example_event(name: str) -> dict[str, Any]:
    """A fixture event on the example's cluster `prod`, in the example's account and region
    (the function believes events from its own account only)."""
    text = json.dumps(load_eventbridge_case(name)["event"])
    text = text.replace("prod-eu", "prod").replace("eu-west-1", REGION)
    return dict(json.loads(text.replace("111122223333", ACCOUNT)))


def _check_event_rules(aws: dict[str, Any], function_arn: str) -> dict[str, str]:
    """The four rules target the function, and their patterns select what they should."""
    events = aws["events"]
    rules = {rule["Name"]: rule["EventPattern"] for rule in events.list_rules()["Rules"]}
    assert sorted(rules) == [
        "eks-audit-bot-alarms",
        "eks-audit-bot-eks-api",
        "eks-audit-bot-tamper",
        "eks-audit-bot-watch",
    ]
    for name in rules:
        (target,) = events.list_targets_by_rule(Rule=name)["Targets"]
        assert target["Arn"] == function_arn
    for case, expected in RULE_OF_CASE.items():
        selected = _selecting(rules, _example_event(case))
        assert selected == ([expected] if expected else []), case
    return rules


def _selecting(rules: dict[str, str], event: dict[str, Any]) -> list[str]:
    """The deployed rules whose pattern matches the event (moto's EventBridge matcher: the
    server does not implement TestEventPattern)."""
    return [
        name for name, pattern in rules.items() if EventPattern.load(pattern).matches_event(event)
    ]


def _check_alarms(aws: dict[str, Any]) -> None:
    alarms = {
        alarm["AlarmName"]: alarm
        for alarm in aws["cloudwatch"].describe_alarms(AlarmNamePrefix="eks-audit-bot")[
            "MetricAlarms"
        ]
    }
    assert sorted(alarms) == [
        "eks-audit-bot-errors",
        "eks-audit-bot-on-failure-backlog",
        "eks-audit-bot-silence-prod",
        "eks-audit-bot-silence-staging",
    ]
    silence = alarms["eks-audit-bot-silence-prod"]
    assert (silence["Namespace"], silence["MetricName"]) == ("AWS/Logs", "IncomingLogEvents")
    assert silence["Dimensions"] == [{"Name": "LogGroupName", "Value": "/aws/eks/prod/cluster"}]
    assert (silence["Period"], silence["EvaluationPeriods"]) == (900, 1)
    assert silence["TreatMissingData"] == "breaching"


def _check_alerts_from_the_deployment(
    aws: dict[str, Any],
    function: dict[str, Any],
    rules: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A silent log group and a cluster-admin grant, through the deployed rules and the function
    as configured (its environment, its topic) to a queue subscribed to the example's topic."""
    env = function["Environment"]["Variables"]
    # moto_server would POST to the example's chat endpoint and, failing, drop the message.
    for subscription in aws["sns"].list_subscriptions_by_topic(TopicArn=env["SNS_TOPIC_ARN"])[
        "Subscriptions"
    ]:
        if subscription["Protocol"] == "https":
            aws["sns"].unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    queue_url = aws["sqs"].create_queue(QueueName="tap")["QueueUrl"]
    queue_arn = aws["sqs"].get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    aws["sns"].subscribe(
        TopicArn=env["SNS_TOPIC_ARN"],
        Protocol="sqs",
        Endpoint=queue_arn["Attributes"]["QueueArn"],
        Attributes={"RawMessageDelivery": "false"},
    )
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws["sns"].meta.endpoint_url)
    handler.runtime.cache_clear()

    aws["cloudwatch"].set_alarm_state(
        AlarmName="eks-audit-bot-silence-prod", StateValue="ALARM", StateReason="no data"
    )
    silent = aws["cloudwatch"].describe_alarms(AlarmNames=["eks-audit-bot-silence-prod"])
    events = [
        alarm_state_change(silent["MetricAlarms"][0], "OK"),
        _example_event("sso-user-grants-cluster-admin"),
    ]
    for event in events:
        assert len(_selecting(rules, event)) == 1
        assert handler.lambda_handler(event, FakeContext())["alerts"] == 1
    messages = aws["sqs"].receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    aws["sqs"].delete_queue(QueueUrl=queue_url)  # the test's own; destroy checks for leftovers
    subjects = sorted(json.loads(message["Body"])["Subject"] for message in messages)
    assert subjects == [
        "[CRITICAL] alice@example.com granted AmazonEKSClusterAdminPolicy to role/contractor-admin "
        "in prod",
        "[HIGH] Audit log silent in prod: alarm eks-audit-bot-silence-prod went to ALARM",
    ]


def test_terragrunt_wrapper_passes_every_input() -> None:
    """examples/terragrunt/main.tf hands each terragrunt input to the module under its name."""
    main_tf = (ROOT / "examples" / "terragrunt" / "main.tf").read_text(encoding="utf-8")
    passed = dict(re.findall(r"^\s+(\w+)\s+= var\.(\w+)$", main_tf, re.MULTILINE))
    assert passed == {name: name for name in terragrunt_inputs()}


# ---- what a user reads when plan refuses an input ----


# name -> (the run's variables in HCL, what the error must say)
PLAN_ERRORS = {
    "unknown_rule_exception": (
        'rule_exceptions = [{ rule = "privileged-pod", principal = "system:serviceaccount:o:x" }]',
        ["rule_exceptions rules must name audit-log rules", "unknown: privileged-pod."],
    ),
    "rule_exception_for_everyone": (
        'rule_exceptions = [{ rule = "privileged-workload", principal = "*" }]',
        ["rule_exceptions entries need a principal glob that is not"],
    ),
    "unknown_predicate": (
        'custom_rules = [{ id = "mine", title = "Mine", severity = "high",'
        ' match = { resources = ["pods"], predicates = ["privileged", "human-actor"] } }]',
        ["Custom rule predicates must be built-in predicates", "unknown: privileged."],
    ),
    "misspelt_match_key": (
        'custom_rules = [{ id = "mine", title = "Mine", severity = "high",'
        ' match = { resources = ["secrets"], namespace = ["payments"] } }]',
        ["Custom rule match keys must be verbs,", "unknown: mine: namespace."],
    ),
    "empty_match_list": (
        'custom_rules = [{ id = "mine", title = "Mine", severity = "high",'
        ' match = { resources = ["secrets"], namespaces = [] } }]',
        ["must not be empty (leave a key out to match anything); empty in: mine."],
    ),
    "environment_over_4kb": (
        'automation_principals = [for i in range(110) : "arn:aws:iam::*:role/deployer-${i}"]\n'
        '    automation_user_agents = [for i in range(3) : "argocd-application-controller-${i}/*"]',
        ["Lambda allows 4096", "Largest: AUTOMATION_PRINCIPALS (", "AUTOMATION_USER_AGENTS ("],
    ),
    "misspelt_filter_policy_key": (
        "sns_topic_arn = null\n    create_sns_topic = true\n"
        "    email_subscriptions = "
        '[{ address = "a@example.com", filter_policy = { sev = ["high"] } }]',
        ["Filter policies may only name the alerts' message attributes", "unknown: sev."],
    ),
    # Issue 18: the input and the entry are named, verbatim.
    "missing_log_group": (
        "aws_cloudwatch_log_group = null",
        [
            'No cluster to watch: set aws_cloudwatch_log_group = "/aws/eks/<cluster>/cluster"',
            'or log_source = "kinesis" when another module feeds the function',
        ],
    ),
    "malformed_pattern": (
        r'filter_pattern = "{ ($.verb = \"delete\" }"',
        [
            'filter_pattern\'s brackets do not pair up: "{(}" remain after matching',
            "Run `eks-audit-bot test-pattern` on it for the full check",
        ],
    ),
    "double_equals_in_pattern": (
        r'filter_pattern = "{ $.verb == \"delete\" }"',
        ['filter_pattern compares with `==` ({ $.verb == "delete")', "so use `=`."],
    ),
    "unterminated_string_in_pattern": (
        r'filter_pattern = "{ $.verb = \"delete }"',
        ['filter_pattern has a string that never closes: "\\"delete }" needs its closing quote.'],
    ),
    "bad_email": (
        "sns_topic_arn = null\n    create_sns_topic = true\n"
        '    email_subscriptions = [{ address = "sre@example.com" },'
        ' { address = "platform@example..com" }]',
        ['email_subscriptions[1].address = "platform@example..com" is not an email address.'],
    ),
    "misspelt_severity_in_filter_policy": (
        "sns_topic_arn = null\n    create_sns_topic = true\n"
        '    email_subscriptions = [{ address = "sre@example.com",'
        ' filter_policy = { severity = ["hihg"] } }]',
        [
            'email_subscriptions[0].filter_policy.severity = ["hihg"] is not a value the'
            " function sends (critical|high|medium|low)."
        ],
    ),
}


@pytest.fixture(scope="module")
def plan_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Error details by run, from `terraform test -json` on a copy of the module with one
    failing run per file."""
    tests = {
        f"{name}.tftest.hcl": f'{MOCK_PROVIDER}\nrun "{name}" {{\n  command = plan\n'
        f"  variables {{\n    {variables}\n  }}\n}}\n"
        for name, (variables, _) in PLAN_ERRORS.items()
    }
    result = module_test(tmp_path_factory.mktemp("plan-errors"), tests, "-json")
    assert result.returncode != 0, "every run must fail"
    errors: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        message = json.loads(line)
        if message.get("@level") == "error" and "@testrun" in message:
            diagnostic = message["diagnostic"]
            errors.setdefault(message["@testrun"], []).append(
                f"{diagnostic['summary']}: {diagnostic.get('detail', '')}"
            )
    return errors


@pytest.mark.parametrize("name", sorted(PLAN_ERRORS))
def test_plan_refuses_with_a_message_that_says_what_to_fix(
    plan_errors: dict[str, list[str]], name: str
) -> None:
    (error,) = plan_errors[name]
    for expected in PLAN_ERRORS[name][1]:
        assert expected in error


# ---- the generated filter pattern: one source of truth ----


@pytest.fixture(scope="module")
def console() -> Iterator[PatternConsole]:
    try:
        with PatternConsole() as pattern_console:
            yield pattern_console
    except TerraformError as err:
        pytest.fail(str(err))


def test_default_pattern_file_is_what_terraform_generates(console: PatternConsole) -> None:
    generated = console.pattern()
    assert DEFAULT_PATTERN_FILE.read_text(encoding="utf-8") == generated, "run `make pattern`"
    # CloudWatch's limit, with room for the prefixes of two trusted_source_cidrs (they replace
    # the private-address expression; `test_trusted_source_cidrs_pass_automation_from_elsewhere`
    # plans with two). Was <= 900 until issue 17 added automation's dangerous writes and
    # untrusted networks by default.
    assert len(generated) <= 1024 - 60, f"default pattern is {len(generated)} characters"


# ---- the generated pattern against realistic audit events (our CloudWatch evaluator) ----


def _event(
    user: str,
    verb: str,
    resource: str,
    *,
    namespace: str | None = "default",
    subresource: str | None = None,
    name: str = "example",
    api_group: str | None = None,
    stage: str = "ResponseComplete",
    groups: tuple[str, ...] = ("system:authenticated",),
    code: int = 200,
    source_ips: tuple[str, ...] = ("10.0.3.7",),  # in the VPC, where controllers run
) -> str:
    object_ref: dict[str, str] = {"resource": resource, "name": name, "apiVersion": "v1"}
    if namespace:
        object_ref["namespace"] = namespace
    if subresource:
        object_ref["subresource"] = subresource
    if api_group:
        object_ref["apiGroup"] = api_group
        object_ref["apiVersion"] = "v1"
    path = f"/api/v1/namespaces/{namespace}/{resource}/{name}" if namespace else f"/{resource}"
    return json.dumps(
        {
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "level": "Metadata",
            "auditID": "4d1b0b5e-6a7f-4a40-9a43-1f0f5b6b2f10",
            "stage": stage,
            "requestURI": path + (f"/{subresource}" if subresource else ""),
            "verb": verb,
            "user": {"username": user, "groups": list(groups)},
            "sourceIPs": list(source_ips),
            "userAgent": "kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46",
            "objectRef": object_ref,
            "responseStatus": {"metadata": {}, "code": code},
            "requestReceivedTimestamp": "2026-11-20T10:15:01.000000Z",
            "stageTimestamp": "2026-11-20T10:15:01.020000Z",
            "annotations": {"authorization.k8s.io/decision": "allow"},
        },
        separators=(",", ":"),
    )


SSO_USER = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com"

COREDNS = "system:serviceaccount:kube-system:coredns"
NODE_USER = "system:node:ip-10-0-1-23.eu-west-1.compute.internal"

DEFAULT_PATTERN_CASES = [
    ("human deletes a secret", _event(SSO_USER, "delete", "secrets"), True),
    (
        "coredns reads from a public address (untrusted by default)",
        _event(COREDNS, "list", "endpointslices", source_ips=("203.0.113.7",)),
        True,
    ),
    (
        "a node reads behind a forwarded-for entry",
        _event(NODE_USER, "get", "pods", source_ips=("10.0.3.7", "203.0.113.7")),
        True,
    ),
    (
        "coredns reads through a NAT gateway (the function knows AWS's ranges)",
        _event(COREDNS, "list", "endpointslices", source_ips=("52.16.4.9",)),
        True,
    ),
    *[
        (
            f"coredns reads from the private address {address}",
            _event(COREDNS, "list", "endpointslices", source_ips=(address,)),
            False,
        )
        for address in ("10.0.3.7", "172.20.1.1", "192.168.0.9", "100.64.3.17", "fd00:ec2::7")
    ],
    (
        # Every system: user from a non-private address passes (one term, for the 1024-character
        # limit); the function judges only workload identities by address and stays quiet.
        "kube-controller-manager reads from a public address (the function decides)",
        _event("system:kube-controller-manager", "list", "pods", source_ips=("203.0.113.7",)),
        True,
    ),
    (
        "human behind kubernetes-admin patches aws-auth",
        _event("kubernetes-admin", "patch", "configmaps", namespace="kube-system", name="aws-auth"),
        True,
    ),
    (
        "controller updates a configmap",
        _event(
            "system:serviceaccount:kube-system:aws-node",
            "update",
            "configmaps",
            namespace="kube-system",
        ),
        False,
    ),
    # Dangerous actions alert whoever does them (issue 17): automation's RBAC writes reach the
    # function, which spares those whose job it is (EKS here; tests/fixtures/rules quiet-*).
    (
        "eks addon manager writes a clusterrolebinding",
        _event(
            "eks:addon-manager",
            "update",
            "clusterrolebindings",
            namespace=None,
            api_group="rbac.authorization.k8s.io",
        ),
        True,
    ),
    (
        "eks addon manager reads a clusterrolebinding",
        _event(
            "eks:addon-manager",
            "get",
            "clusterrolebindings",
            namespace=None,
            api_group="rbac.authorization.k8s.io",
        ),
        False,
    ),
    (
        "a stolen service account binds cluster-admin",
        _event(
            "system:serviceaccount:shop:storefront",
            "create",
            "clusterrolebindings",
            namespace=None,
            api_group="rbac.authorization.k8s.io",
        ),
        True,
    ),
    (
        "a service account creates a pod",
        _event("system:serviceaccount:ci:runner", "create", "pods"),
        True,
    ),
    (
        "a controller patches a deployment's status",
        _event(
            "system:serviceaccount:kube-system:deployment-controller",
            "update",
            "deployments",
            subresource="status",
            api_group="apps",
        ),
        False,
    ),
    (
        "kubelet patches a pod's status",
        _event("system:node:ip-10-0-1-23.ec2.internal", "patch", "pods", subresource="status"),
        False,
    ),
    (
        "a service account enumerates its permissions",
        _event(
            "system:serviceaccount:shop:storefront",
            "create",
            "selfsubjectrulesreviews",
            namespace=None,
            api_group="authorization.k8s.io",
        ),
        True,
    ),
    (
        "a service account edits aws-auth",
        _event(
            "system:serviceaccount:shop:storefront",
            "patch",
            "configmaps",
            namespace="kube-system",
            name="aws-auth",
        ),
        True,
    ),
    (
        "kubelet reads its pod's secret",
        _event("system:node:ip-10-0-1-23.ec2.internal", "get", "secrets", namespace="shop"),
        False,
    ),
    (
        "RequestReceived stage of a secret delete",
        _event(SSO_USER, "delete", "secrets", stage="RequestReceived"),
        False,
    ),
    (
        "anonymous reads secrets",
        _event("system:anonymous", "get", "secrets", groups=("system:unauthenticated",)),
        True,
    ),
    # A service account reading secrets beyond its namespace alerts (issue 17): the pattern
    # cannot compare namespaces, so the function decides (cert-manager's job, spared there).
    (
        "a controller reads secrets",
        _event("system:serviceaccount:cert-manager:cert-manager", "get", "secrets"),
        True,
    ),
    (
        "anonymous lists namespaces",
        _event("system:anonymous", "list", "namespaces", namespace=None),
        True,
    ),
    (
        "exec into a pod",
        _event(SSO_USER, "create", "pods", subresource="exec", stage="ResponseStarted"),
        True,
    ),
    (
        "port-forward opened with get",
        _event(SSO_USER, "get", "pods", subresource="portforward"),
        True,
    ),
    ("human gets pods", _event(SSO_USER, "get", "pods"), False),
    ("human gets secrets", _event(SSO_USER, "get", "secrets"), True),
    (
        "human lists secrets across namespaces",
        _event(SSO_USER, "list", "secrets", namespace=None),
        True,
    ),
    (
        "human binds cluster-admin",
        _event(
            SSO_USER,
            "create",
            "clusterrolebindings",
            namespace=None,
            api_group="rbac.authorization.k8s.io",
        ),
        True,
    ),
    (
        "human creates a service-account token",
        _event(SSO_USER, "create", "serviceaccounts", subresource="token"),
        True,
    ),
    (
        "human approves a CSR",
        _event(
            SSO_USER,
            "update",
            "certificatesigningrequests",
            namespace=None,
            subresource="approval",
            api_group="certificates.k8s.io",
        ),
        True,
    ),
    (
        "human changes a validating webhook",
        _event(
            SSO_USER,
            "patch",
            "validatingwebhookconfigurations",
            namespace=None,
            api_group="admissionregistration.k8s.io",
        ),
        True,
    ),
    (
        "human scales a deployment in kube-system",
        _event(
            SSO_USER,
            "patch",
            "deployments",
            namespace="kube-system",
            subresource="scale",
            api_group="apps",
        ),
        True,
    ),
    (
        "human changes a deployment elsewhere",
        _event(SSO_USER, "patch", "deployments", namespace="shop", api_group="apps"),
        True,
    ),
    ("human creates a NodePort service", _event(SSO_USER, "create", "services"), True),
    ("human writes a configmap", _event(SSO_USER, "update", "configmaps", namespace="shop"), True),
    ("human deletes events", _event(SSO_USER, "deletecollection", "events"), True),
    (
        "human writes a custom resource",
        _event(SSO_USER, "patch", "applications", api_group="argoproj.io"),
        True,
    ),
    ("human lists pods", _event(SSO_USER, "list", "pods"), False),
    (
        "controller patches a deployment",
        _event(
            "system:serviceaccount:argocd:argocd-application-controller", "patch", "deployments"
        ),
        False,
    ),
    (
        "service account execs into a pod",
        _event(
            "system:serviceaccount:monitoring:grafana",
            "create",
            "pods",
            subresource="exec",
            stage="ResponseStarted",
        ),
        True,
    ),
    (
        "kubelet mints a token",
        _event(
            "system:node:ip-10-0-1-23.ec2.internal",
            "create",
            "serviceaccounts",
            subresource="token",
        ),
        True,
    ),
    (
        "service account creates a CSR",
        _event(
            "system:serviceaccount:backup:agent",
            "create",
            "certificatesigningrequests",
            namespace=None,
            api_group="certificates.k8s.io",
        ),
        True,
    ),
    (
        "service account refused",
        _event("system:serviceaccount:payments:default", "list", "secrets", code=403),
        True,
    ),
    (
        "service account lists secrets from inside",
        _event(
            "system:serviceaccount:payments:default", "list", "secrets", source_ips=("10.0.3.4",)
        ),
        True,  # in `default`, beyond its namespace: secret-read-outside-namespace decides
    ),
    (
        "node updates its lease",
        _event(
            "system:node:ip-10-0-1-23.ec2.internal",
            "update",
            "leases",
            namespace="kube-node-lease",
            api_group="coordination.k8s.io",
        ),
        False,
    ),
]


@pytest.fixture(scope="module")
def default_pattern(console: PatternConsole) -> Any:
    compile_pattern = pytest.importorskip("eks_audit_bot.filter_pattern").compile_pattern
    return compile_pattern(console.pattern())


@pytest.mark.parametrize(
    ("message", "expected"),
    [pytest.param(message, expected, id=name) for name, message, expected in DEFAULT_PATTERN_CASES],
)
def test_default_pattern_on_audit_events(
    default_pattern: Any, message: str, expected: bool
) -> None:
    assert default_pattern.matches(message) is expected


def test_trusted_source_cidrs_pass_automation_from_elsewhere(console: PatternConsole) -> None:
    compile_pattern = pytest.importorskip("eks_audit_bot.filter_pattern").compile_pattern
    pattern = compile_pattern(console.pattern(trusted_source_cidrs=["10.0.0.0/16", "10.9.16.0/20"]))
    sa = "system:serviceaccount:payments:default"
    node = "system:node:ip-10-0-1-23.ec2.internal"

    def reads(user: str, *ips: str) -> bool:
        return bool(pattern.matches(_event(user, "list", "pods", source_ips=ips)))

    assert reads(sa, "198.51.100.23")
    assert reads(node, "198.51.100.23")
    assert reads(sa, "10.0.3.4", "198.51.100.23")  # X-Forwarded-For first: never trusted alone
    assert reads(sa, "10.9.17.4")  # not octet-aligned: the function decides
    assert not reads(sa, "10.0.3.4")
    assert not reads(node, "127.0.0.1")
    assert reads("system:kube-controller-manager", "198.51.100.23")  # every system: user
    assert not reads("eks:addon-manager", "198.51.100.23")


def test_custom_watch_pattern_on_audit_events(console: PatternConsole) -> None:
    compile_pattern = pytest.importorskip("eks_audit_bot.filter_pattern").compile_pattern
    pattern = compile_pattern(
        console.pattern(
            {
                "all_writes": False,
                "user_names": ["arn:aws:sts::*"],
                "namespaces": ["payments"],
                "namespaced_resources": ["deployments"],
                "cluster_resources": [],
                "api_groups": [],
                "subresources": ["exec"],
                "ignored_verbs_except_resources": [],
            }
        )
    )
    assert pattern.matches(_event(SSO_USER, "patch", "deployments", namespace="shop"))
    assert pattern.matches(_event(SSO_USER, "delete", "configmaps", namespace="payments"))
    assert pattern.matches(_event(SSO_USER, "create", "pods", subresource="exec"))
    assert not pattern.matches(
        _event("kubernetes-admin", "delete", "configmaps", namespace="payments")
    )
    assert not pattern.matches(_event(SSO_USER, "get", "secrets"))
    assert not pattern.matches(_event(SSO_USER, "delete", "secrets", namespace="shop"))
    assert not pattern.matches(_event(SSO_USER, "get", "deployments", namespace="payments"))
    # user_names narrows everything, the anonymous exception included.
    assert not pattern.matches(_event("system:anonymous", "get", "secrets"))
