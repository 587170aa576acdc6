"""Secret values never leave the function, even when a custom audit policy logs the body.

EKS logs secrets at Metadata, but a cluster may run a stricter policy, and `kubectl apply` puts
the whole object, data included, into the last-applied annotation. Whatever the event holds,
the value (base64 as Kubernetes stores it, and decoded) must not appear in the alert lines,
in any published message (every protocol, the subject and the attributes) or in the logs.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from dataclasses import dataclass
from typing import Any, cast

import boto3
import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext
from moto import mock_aws
from moto.sns.models import sns_backends

from eks_audit_bot import handler
from eks_audit_bot.detection import changes
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.model.alert import Alert, Location
from eks_audit_bot.model.audit import event_from_dict
from eks_audit_bot.model.identity import actor_of
from eks_audit_bot.rendering import message
from eks_audit_bot.settings import HttpsFormat, Settings
from eks_audit_bot.sources.cloudwatch import encode_payload

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
