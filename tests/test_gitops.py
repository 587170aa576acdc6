"""GitOps context through the handler under moto: when the changed object shows it is
managed by Argo CD, Flux or Helm, the alert's email, JSON document and chat name the tool and
the application and say whether the change will be reverted or drift; the values are the
object's own (attacker-controlled) metadata and are shown defused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from moto.sns.models import sns_backends

from controls_support import send
from fleet import audit_event
from support import ACCOUNT, REGION, Inbox

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "lambda/eks_audit_bot/output/schema/alert.schema.json").read_text()
)


def patched_deployment(metadata: dict[str, Any]) -> dict[str, Any]:
    event = audit_event("alice", ACCOUNT, "patch", "deployments", "api")
    event["objectRef"].update(apiGroup="apps", apiVersion="v1")
    event["requestURI"] = "/apis/apps/v1/namespaces/payments/deployments/api"
    event["level"] = "RequestResponse"
    event["requestObject"] = {"spec": {"replicas": 0}}
    event["responseObject"] = {
        "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "payments", **metadata},
        "spec": {"replicas": 0, "template": {"spec": {"containers": [{"name": "api"}]}}},
    }
    return event


def published(inbox: Inbox) -> list[dict[str, Any]]:
    topic = sns_backends[ACCOUNT][REGION].topics[inbox.topic_arn]
    return [json.loads(body) for _, body, _, _, _ in topic.sent_notifications]


TRACKING_ID = "argocd.argoproj.io/tracking-id"
CASES = {
    "argo-cd-tracking-id": (
        {"annotations": {TRACKING_ID: "payments-api:apps/Deployment:payments/api"}},
        ("argo-cd", "payments-api", "reverted-or-drift"),
    ),
    "argo-cd-label": (
        {"labels": {"app.kubernetes.io/instance": "payments-api"}},
        ("argo-cd", "payments-api", "reverted-or-drift"),
    ),
    "flux-kustomization": (
        {"labels": {"kustomize.toolkit.fluxcd.io/name": "apps",
                    "kustomize.toolkit.fluxcd.io/namespace": "flux-system"}},
        ("flux", "flux-system/apps", "reverted"),
    ),
    "flux-helmrelease": (
        {"labels": {"helm.toolkit.fluxcd.io/name": "api",
                    "helm.toolkit.fluxcd.io/namespace": "payments",
                    "app.kubernetes.io/managed-by": "Helm"},
         "annotations": {"meta.helm.sh/release-name": "api"}},
        ("flux", "payments/api", "reverted"),
    ),
    "helm": (
        {"labels": {"app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/instance": "api"},
         "annotations": {"meta.helm.sh/release-name": "api",
                         "meta.helm.sh/release-namespace": "payments"}},
        ("helm", "payments/api", "drift"),
    ),
    "managed-fields": (
        {"managedFields": [{"manager": "kubectl-edit"}, {"manager": "kustomize-controller"}]},
        ("flux", "(unnamed)", "reverted"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_managed_object_names_its_tool_and_application(
    case: str, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_FORMAT", "chatbot")
    metadata, (tool, application, effect) = CASES[case]
    send([patched_deployment(metadata)])
    (bodies,) = published(inbox)
    document = json.loads(bodies["default"])
    jsonschema.validate(document, SCHEMA)
    assert document["schema_version"] == "2.1"
    assert {k: document["gitops"][k] for k in ("tool", "application", "effect")} == {
        "tool": tool,
        "application": application,
        "effect": effect,
    }
    gitops_line = next(line for line in bodies["email"].splitlines() if line.startswith("GitOps:"))
    assert application in gitops_line
    assert ("reverted" in gitops_line) == (effect != "drift")
    assert "GitOps:" in json.loads(bodies["https"])["content"]["description"]


def test_an_unmanaged_object_says_nothing_about_gitops(inbox: Inbox) -> None:
    send([patched_deployment({"labels": {"app": "api"}})])
    (bodies,) = published(inbox)
    assert "gitops" not in json.loads(bodies["default"])
    assert "GitOps" not in bodies["email"]


def test_a_forged_application_name_cannot_forge_a_line_or_a_mention(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_FORMAT", "chatbot")
    forged = "api\nSeverity: low | all clear <!here> \x1b[2J"
    send([patched_deployment({"annotations": {TRACKING_ID: forged}})])
    (bodies,) = published(inbox)
    email = bodies["email"]
    assert not any(line.startswith("Severity: low") for line in email.splitlines())
    assert "\x1b" not in email
    assert "\\n" in next(line for line in email.splitlines() if line.startswith("GitOps:"))
    assert "<!here>" not in json.loads(bodies["https"])["content"]["description"]
    assert "\n" not in json.loads(bodies["default"])["gitops"]["application"]
