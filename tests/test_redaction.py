"""Secret values never leave the function, even when a custom audit policy logs the body;
credentials in what an alert shows (exec commands, URLs, user agents) are masked.

EKS logs secrets at Metadata, but a cluster may run a stricter policy, and `kubectl apply` puts
the whole object, data included, into the last-applied annotation. Whatever the event holds,
the value (base64 as Kubernetes stores it, and decoded) must not appear in the alert lines,
in any published message (every protocol, the subject and the attributes) or in the logs.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import shlex
import uuid
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import boto3
import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext
from hypothesis import example, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.sns.models import sns_backends

from eks_audit_bot import handler
from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import changes
from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.audit import event_from_dict
from eks_audit_bot.kube.cloudwatch import encode_payload
from eks_audit_bot.kube.identity import actor_of
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output import message, pagerduty, safety
from eks_audit_bot.settings import HttpsFormat, Settings

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account
PASSWORD = "hunter2-c0rrect-h0rse-battery"
API_KEY = "sk_live_51HxEXAMPLEk3yNOTREAL"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6ZGVwbG95ZXIifQ.c2ln"
SECRETS = (
    PASSWORD,
    base64.b64encode(PASSWORD.encode()).decode(),
    API_KEY,
    base64.b64encode(API_KEY.encode()).decode(),
    TOKEN,
)
ALICE_ARN = "arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com"


def _secret(name: str) -> dict[str, Any]:
    body = {
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": {"name": name, "namespace": "payments"},
        "type": "Opaque",
        "data": {"password": base64.b64encode(PASSWORD.encode()).decode()},
        "stringData": {"api-key": API_KEY},
    }
    applied = copy.deepcopy(body)
    body["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied)
    }
    return body


def audit_event(verb: str, name: str, **extra: Any) -> dict[str, Any]:
    uri = f"/api/v1/namespaces/payments/secrets/{name}"
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "RequestResponse",
        "auditID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{verb} {name}")),
        "stage": "ResponseComplete",
        "requestURI": uri,
        "verb": verb,
        "user": {
            "username": ALICE_ARN,
            "groups": ["system:authenticated"],
            "extra": {
                "accessKeyId": ["ASIAEXAMPLEKEY000001"],
                "arn": [ALICE_ARN],
                "canonicalArn": ["arn:aws:iam::111122223333:role/Admin"],
                "principalId": ["AROAEXAMPLEALICE0001"],
                "sessionName": ["alice@example.com"],
            },
        },
        "sourceIPs": ["203.0.113.10"],
        "userAgent": "kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350",
        "objectRef": {"resource": "secrets", "namespace": "payments", "name": name},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": "2026-11-20T14:03:11.512345Z",
        "stageTimestamp": "2026-11-20T14:03:11.530123Z",
        **extra,
    }


def token_event() -> dict[str, Any]:
    raw = audit_event("create", "deployer")
    raw["requestURI"] = "/api/v1/namespaces/ci/serviceaccounts/deployer/token"
    raw["objectRef"] = {
        "resource": "serviceaccounts",
        "namespace": "ci",
        "name": "deployer",
        "subresource": "token",
    }
    raw["responseObject"] = {
        "kind": "TokenRequest",
        "spec": {"audiences": ["https://kubernetes.default.svc"], "expirationSeconds": 3600},
        "status": {"token": TOKEN, "expirationTimestamp": "2026-11-20T15:03:11Z"},
    }
    return raw


EVENTS = {
    "create-secret": audit_event(
        "create", "stripe", requestObject=_secret("stripe"), responseObject=_secret("stripe")
    ),
    "update-secret": audit_event("update", "stripe", requestObject=_secret("stripe")),
    "read-secret": audit_event("get", "stripe", responseObject=_secret("stripe")),
    "list-secrets": audit_event(
        "list", "", responseObject={"kind": "SecretList", "items": [_secret("stripe")]}
    ),
    "mint-token": token_event(),
}


def assert_no_secret(text: str) -> None:
    for value in SECRETS:
        assert value not in text


@pytest.mark.parametrize("name", EVENTS)
def test_alert_lines_and_every_published_format_hold_no_secret_value(name: str) -> None:
    event = event_from_dict(EVENTS[name])
    assert_no_secret("\n".join(changes.describe(event)))
    hit = RuleCatalog.load(Settings("arn:aws:sns:eu-west-1:1:t")).match(event, actor_of(event))
    assert hit is not None
    alert = Alert(
        event=event,
        actor=actor_of(event),
        rule=hit,
        location=Location("prod", "/aws/eks/prod/cluster"),
        changes=changes.describe(event),
    )
    for https in HttpsFormat:
        outgoing = message.build(alert, Settings("arn:aws:sns:eu-west-1:1:t", https_format=https))
        assert_no_secret(outgoing.subject)
        assert_no_secret(outgoing.message)
        assert_no_secret(json.dumps(outgoing.attributes))


def test_secret_keys_are_named_and_values_are_not() -> None:
    lines = changes.describe(event_from_dict(EVENTS["create-secret"]))
    assert lines == ("type: Opaque", "keys: api-key, password")


@dataclass(frozen=True)
class _Context:
    function_name: str = "eks-audit-bot"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:eks-audit-bot"
    aws_request_id: str = "5e1d2c3b-0000-4000-8000-000000000001"


def test_handler_publishes_and_logs_no_secret_value(
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    lines = [json.dumps(event) for event in EVENTS.values()]
    # A damaged line holding the secret: logged as skipped, never quoted.
    lines.append(json.dumps(EVENTS["create-secret"])[:400] + "[Truncated...]")
    # Seven creates by one person fold into a digest, rendered differently from an alert.
    lines += [
        json.dumps(audit_event("create", f"s{i}", requestObject=_secret(f"s{i}"))) for i in range(7)
    ]
    payload = encode_payload(
        {
            "messageType": "DATA_MESSAGE",
            "owner": ACCOUNT,
            "logGroup": "/aws/eks/prod/cluster",
            "logStream": "kube-apiserver-audit-0123456789abcdef",
            "subscriptionFilters": ["eks-audit-bot"],
            "logEvents": [
                {"id": str(index), "timestamp": 1795183391512 + index, "message": line}
                for index, line in enumerate(lines)
            ],
        }
    )
    with mock_aws():
        topic = boto3.client("sns", region_name=REGION).create_topic(Name="alerts")["TopicArn"]
        monkeypatch.setenv("SNS_TOPIC_ARN", topic)
        handler.logger.setLevel("DEBUG")
        try:
            handler.lambda_handler(payload, cast(LambdaContext, _Context()))
        finally:
            handler.logger.setLevel("INFO")
        sent = sns_backends[ACCOUNT][REGION].topics[topic].sent_notifications
    # Every log record with all its fields, and what went to stdout (EMF metrics).
    records = json.dumps([vars(record) for record in caplog.records], default=str)
    output = capfd.readouterr()
    assert "log event skipped" in records
    assert "EventsReceived" in output.out
    assert len(sent) >= 5
    assert_no_secret(records + output.out + output.err)
    assert_no_secret(json.dumps(sent))


# ---- credentials in what alerts show: exec commands, URLs, user agents ----

# (form, the command a person ran, the secret that must not appear, what must stay visible)
CREDENTIALS = {
    "aws-access-key-id": (
        ["env", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "aws", "s3", "ls"],
        "IOSFODNN7EXAMPLE",
        "aws s3 ls",
    ),
    "aws-temporary-key-id": (
        ["aws", "configure", "set", "aws_access_key_id", "ASIAJEXAMPLEXEG2JICE"],
        "JEXAMPLEXEG2JICE",
        "aws configure set",
    ),
    "aws-secret-access-key": (
        ["sh", "-c", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY aws sts"],
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws sts",
    ),
    "password-equals": (
        ["psql", "host=db user=app password=hunter2-c0rrect"],
        "hunter2-c0rrect",
        "host=db user=app",
    ),
    "token-equals": (
        ["curl", "https://api.example.com/v1/items?token=tok_3fa9c2d1e0b4a7&page=2"],
        "tok_3fa9c2d1e0b4a7",
        "api.example.com/v1/items",
    ),
    "secret-colon": (
        ["sh", "-c", "echo client_secret: s3cr3t-v4lue-123 > /tmp/cfg"],
        "s3cr3t-v4lue-123",
        "/tmp/cfg",
    ),
    "password-flag": (
        ["mysql", "--password", "Tr0ub4dor&3", "-h", "db"],
        "Tr0ub4dor",
        "mysql --password",
    ),
    "password-flag-equals": (
        ["redis-cli", "--pass-token=hunter2hunter2", "ping"],
        "hunter2hunter2",
        "redis-cli",
    ),
    "authorization-bearer": (
        ["curl", "-H", "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "https://x.io"],
        "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "Authorization: Bearer",
    ),
    "bearer-token": (
        ["wget", "--header=X-Auth: bearer AbCdEfGhIjKlMnOpQrStUvWxYz012345", "https://x.io"],
        "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        "wget",
    ),
    "jwt": (["kubectl", "--token", TOKEN, "get", "pods"], TOKEN.split(".")[1], "get pods"),
    "jwt-in-text": (["sh", "-c", f"echo {TOKEN} | base64 -d"], TOKEN.split(".")[1], "base64 -d"),
    "url-userinfo": (
        ["psql", "postgres://admin:Pa55w0rd-db@db.internal:5432/app"],
        "Pa55w0rd-db",
        "postgres[:]//admin:",  # links in the email are defused (`safety.defuse`)
    ),
    "url-token-userinfo": (
        ["git", "clone", "https://x-oauth:ghp_0123456789abcdefghijABCDEFGHIJ@github.com/o/r"],
        "0123456789abcdefghijABCDEFGHIJ",
        "github.com/o/r",
    ),
    "github-token": (
        ["sh", "-c", "GH=ghp_0123456789abcdefghijABCDEFGHIJ gh repo list"],
        "0123456789abcdefghijABCDEFGHIJ",
        "gh repo list",
    ),
    "from-literal": (
        ["kubectl", "create", "secret", "generic", "db", "--from-literal=pw=plain-secret-9"],
        "plain-secret-9",
        "create secret generic db",
    ),
    "presigned-url": (
        [
            "curl",
            "https://b.s3.amazonaws.com/k?X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE&X-Amz-Signature=abc123def456",
        ],
        "FwoGZXIvYXdzEXAMPLE",
        "b.s3.amazonaws.com/k",
    ),
    "private-key": (
        [
            "sh",
            "-c",
            "echo '-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM\n' > k",
        ],
        "MIIEpQIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM",
        "BEGIN RSA PRIVATE KEY",
    ),
}


def exec_event(command: list[str], user_agent: str) -> dict[str, Any]:
    raw = audit_event("create", "api-7d9f")
    query = urlencode([("command", part) for part in command] + [("container", "app")])
    raw["requestURI"] = f"/api/v1/namespaces/payments/pods/api-7d9f/exec?{query}"
    raw["objectRef"] = {
        "resource": "pods",
        "namespace": "payments",
        "name": "api-7d9f",
        "subresource": "exec",
    }
    raw["userAgent"] = user_agent
    raw["responseStatus"] = {"code": 101}
    return raw


@pytest.mark.parametrize("form", CREDENTIALS)
def test_credentials_in_commands_and_user_agents_are_masked_everywhere(form: str) -> None:
    command, secret, visible = CREDENTIALS[form]
    event = event_from_dict(exec_event(command, f"kubectl/v1.30.2 {shlex.join(command)}"))
    hit = RuleCatalog.load(Settings("arn:aws:sns:eu-west-1:1:t")).match(event, actor_of(event))
    assert hit is not None
    alert = Alert(
        event=event,
        actor=actor_of(event),
        rule=hit,
        location=Location("prod", "/aws/eks/prod/cluster"),
        changes=changes.describe(event),
    )
    assert any(line.startswith("command: ") for line in alert.changes)
    pages = "arn:aws:sns:eu-west-1:1:pages"
    for https in HttpsFormat:
        config = Settings("arn:aws:sns:eu-west-1:1:t", https_format=https)
        outgoing = message.build(alert, config)
        paging = config._replace(pagerduty_topic_arn=pages, pagerduty_min_severity=Severity.LOW)
        (page,) = pagerduty.pages([alert], paging)
        for item in (outgoing, page):
            published = json.dumps([item.subject, item.message, dict(item.attributes)])
            assert secret not in published
            assert secret not in json.loads(json.dumps(published))
    email = json.loads(message.build(alert, config).message)["email"]
    assert "****" in email
    assert visible in email


def test_our_own_words_are_never_masked() -> None:
    """Rule titles, explanations and runbooks pass the masking untouched."""
    catalog = RuleCatalog.load(Settings("arn:aws:sns:eu-west-1:1:t"))
    for rule in catalog.rules:
        for words in (rule.title, rule.explanation, rule.runbook):
            assert safety.mask(words) == words


# Pieces of credentials, their keys in every case (and letters that fold to them: the long s
# and the Kelvin sign), separators and what makes a link or a mention.
_PIECES = [
    "password", "PassWord", "\u017fecret", "token", "API_KEY", "access-key", "private_key",
    "credential", "Signature", "pwd", "Authorization", "Proxy-Authorization", "Bearer ",
    "basic ", "eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0NSJ9", ".", "AKIA", "ASIA",
    "0123456789ABCDEF", "ghp_", "xoxb-", "sk_live_", "glpat-", "https://", "HTTP://",
    "user:pw@", "--from-literal=", "--password ", "-secret=", "=", ":", "%3d", "%3D", "&sig=",
    " ", "\n", "'", '"', "www.", "WWW.", "](", "@", "<!", "<@", "<http:", "\u212a", "ß",
    "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "x", "0", "/", "-",
]  # fmt: skip


def _without_fast_paths(text: str) -> str:
    """`safety.mask` then `safety.defuse` as written, every pattern tried everywhere."""
    for pattern, replacement, _ in safety._PATTERNS:
        source = re.sub(r"^(\(\?i\))?\(\?=\[[^\]]*\]\)", r"\1", pattern.pattern)
        text = re.compile(source, pattern.flags).sub(replacement, text)
    return safety._DEFUSE.sub(safety._defused, text)


@settings(max_examples=400, deadline=None)
@example("Authorization: Bearer abcdefghijklmnopqrstuvwxyz; Proxy-Authorization: Basic dXNlcg==")
@example("bearer abcdefghijklmnop0123 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2ln")
@example("AKIAABCDEFGHIJKLMNOP ghp_0123456789abcdefghij xoxb-0123456789ab")
@example("sk_live_0123456789abcdef rk_test_0123456789abcdef glpat-0123456789abcdef")
@example("https://user:pw@host https://averyveryverylongtokenvalue@host --from-literal=a=b")
@example("--password hunter2 -db-token=x password=1 secret: 2 token=3 api_key=4 credential=5")
@example("\u017fecret=6 api_\u212aey=7 PWD=8 signature%3D9 ?x=1&sig=abc")
@example("-----BEGIN RSA PRIVATE KEY-----abc see www.x.y [a](b) @here <!channel> <@U1>")
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=12).map("".join))
def test_the_fast_paths_of_masking_and_defusing_change_no_answer(text: str) -> None:
    """A pattern skipped where no match can start, or for text without what every match holds
    (`://`), masks and defuses exactly what every pattern tried everywhere does."""
    assert safety.defuse(safety.mask(text)) == _without_fast_paths(text)
