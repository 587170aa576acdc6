"""What the operator-control tests share: sending audit events and the scheduled tick through
the handler, the CLI, a movable clock, and reading what subscribers received."""

from __future__ import annotations

import io
import json
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eks_audit_bot import handler
from eks_audit_bot.cli import main as cli
from eks_audit_bot.kube.cloudwatch import encode_payload
from eks_audit_bot.output import controls
from fleet import audit_event, payload_document
from lambda_context import FakeContext
from support import ACCOUNT, REGION, Inbox

TICK = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": ACCOUNT,
    "time": "2026-12-07T16:00:00Z",
    "region": REGION,
    "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/eks-audit-bot-tick"],
    "detail": {},
}


class Clock:
    """The controls' clock, moved by the test (never a wait)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:

    moved = Clock(time.time())
    monkeypatch.setattr(controls, "clock", moved)
    return moved


def send(events: list[dict[str, Any]], cluster: str = "prod") -> Any:
    document = payload_document(ACCOUNT, cluster, events)
    return handler.lambda_handler(encode_payload(document), FakeContext())


def tick() -> Any:
    return handler.lambda_handler(TICK, FakeContext())


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


def bodies(notification: dict[str, Any]) -> dict[str, Any]:
    """What each kind of subscriber gets: the document (sqs), the email text and the line."""
    return {
        "subject": notification["Subject"],
        "document": json.loads(notification["Message"]),
        "attributes": {k: v["Value"] for k, v in notification["MessageAttributes"].items()},
    }


SCHEMA = json.loads(
    (Path(__file__).parents[1] / "lambda/eks_audit_bot/output/schema/alert.schema.json").read_text()
)


def received(inbox: Inbox) -> list[dict[str, Any]]:
    """What the SQS subscriber got, each document checked against the published schema."""
    seen = [bodies(notification) for notification in inbox.received()]
    for message in seen:
        jsonschema.validate(message["document"], SCHEMA)
    return seen


def exec_into(who: str, pod: str, when: str = "2026-12-07T16:00:01.512345Z") -> dict[str, Any]:
    """`exec-into-pod` (medium) by `who`."""
    return audit_event(who, ACCOUNT, "create", "pods", pod, subresource="exec", received=when)


def binds_cluster_admin(who: str, name: str) -> dict[str, Any]:
    """`binding-privileged-role` (critical) by `who`."""
    event = audit_event(who, ACCOUNT, "create", "clusterrolebindings", name, namespace="")
    event["objectRef"].update(apiGroup="rbac.authorization.k8s.io", apiVersion="v1")
    event["objectRef"].pop("namespace", None)
    event["requestURI"] = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"
    event["level"] = "RequestResponse"
    event["requestObject"] = {
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                    "name": "cluster-admin"},
        "subjects": [{"kind": "User", "name": "mallory"}],
    }  # fmt: skip
    return event


def emails(inbox: Inbox) -> dict[str, str]:
    """Subject -> the email text of everything published to the topic (moto's record)."""
    from moto.sns.models import sns_backends

    topic = sns_backends[ACCOUNT][REGION].topics[inbox.topic_arn]
    return {
        subject: json.loads(body)["email"] for _, body, subject, _, _ in topic.sent_notifications
    }


def emf(out: str, name: str) -> list[dict[str, Any]]:
    """The EMF records (Powertools metrics on stdout) that carry metric `name`."""
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [record for record in records if name in record]
