"""Manual or automation, and the client a person used: who gets an alert at all."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from eks_audit_bot.core.alert import Location
from eks_audit_bot.kube import classify, pipeline
from eks_audit_bot.kube.audit import AuditEvent, event_from_dict
from eks_audit_bot.kube.identity import actor_of
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.settings import Settings

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
ACCOUNT = "111122223333"
SSO = "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b"
KUBECTL = "kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350"
ARGOCD = "argocd-application-controller/v0.0.0 (linux/amd64) kubernetes/$Format"


def iam_user(name: str, *, role: str = "", session: str = "") -> dict[str, Any]:
    """`user` as EKS logs it for an assumed role (`role`) or an IAM user."""
    if role:
        arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}"
        canonical = f"arn:aws:iam::{ACCOUNT}:role/{role}"
    else:
        arn = canonical = f"arn:aws:iam::{ACCOUNT}:user/{name}"
    return {
        "username": name,
        "uid": f"aws-iam-authenticator:{ACCOUNT}:AROAEXAMPLE000000001",
        "groups": ["system:authenticated"],
        "extra": {
            "accessKeyId": ["ASIAEXAMPLE000000001"],
            "arn": [arn],
            "canonicalArn": [canonical],
            "principalId": ["AROAEXAMPLE000000001"],
            "sessionName": [session],
        },
    }


def k8s_user(username: str, *groups: str) -> dict[str, Any]:
    return {"username": username, "groups": list(groups)}


def event(
    user: dict[str, Any],
    *,
    verb: str = "patch",
    agent: str = KUBECTL,
    uri: str = "/apis/apps/v1/namespaces/payments/deployments/web",
    resource: str = "deployments",
    namespace: str = "payments",
) -> AuditEvent:
    return event_from_dict(
        {
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "level": "RequestResponse",
            "auditID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{verb} {uri} {user['username']}")),
            "stage": "ResponseComplete",
            "requestURI": uri,
            "verb": verb,
            "user": user,
            "sourceIPs": ["10.0.33.12"],
            "userAgent": agent,
            "objectRef": {"resource": resource, "namespace": namespace, "name": "web"},
            "responseStatus": {"metadata": {}, "code": 200},
        }
    )


SSO_ALICE = iam_user(
    f"arn:aws:sts::{ACCOUNT}:assumed-role/{SSO}/alice@example.com",
    role=SSO,
    session="alice@example.com",
)
BOB = iam_user("kubernetes-admin")
GITHUB = iam_user("ci", role="github-actions-deployer", session="GitHubActions")
ARGOCD_SA = k8s_user(
    "system:serviceaccount:argocd:argocd-application-controller", "system:serviceaccounts"
)
ADDON_MANAGER = k8s_user("eks:addon-manager", "system:authenticated")
NODE = k8s_user("system:node:ip-10-0-12-34.eu-west-1.compute.internal", "system:nodes")
CONTROLLER = k8s_user("system:kube-controller-manager", "system:authenticated")
SCHEDULER = k8s_user("system:kube-scheduler", "system:authenticated")
EKS_SERVICE_ROLE = iam_user(
    "eks:cluster-bootstrap",
    role="aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
    session="EKS",
)
ANONYMOUS = k8s_user("system:anonymous", "system:unauthenticated")


def is_automation(user: dict[str, Any], agent: str = KUBECTL, **settings: Any) -> bool:
    audit = event(user, agent=agent)
    return classify.is_automation(actor_of(audit), audit.user_agent, Settings(TOPIC, **settings))


@pytest.mark.parametrize(
    "user",
    [ARGOCD_SA, ADDON_MANAGER, NODE, CONTROLLER, SCHEDULER, EKS_SERVICE_ROLE],
    ids=["service-account", "eks-addon-manager", "node", "controller", "scheduler", "eks-slr"],
)
def test_built_in_automation(user: dict[str, Any]) -> None:
    assert is_automation(user)


@pytest.mark.parametrize("user", [SSO_ALICE, BOB, GITHUB], ids=["sso", "iam-user", "ci-role"])
def test_people_are_not_automation_by_default(user: dict[str, Any]) -> None:
    assert not is_automation(user)


@pytest.mark.parametrize(
    "glob",
    [
        "ci",  # Kubernetes username
        f"arn:aws:sts::{ACCOUNT}:assumed-role/github-actions-*",  # session ARN
        "arn:aws:iam::*:role/github-actions-deployer",  # canonical ARN
        "github-actions-*",  # role name
    ],
)
def test_principal_globs_mark_a_ci_role_as_automation(glob: str) -> None:
    assert is_automation(GITHUB, automation_principals=(glob,))
    assert not is_automation(SSO_ALICE, automation_principals=(glob,))


def test_principal_globs_are_case_sensitive() -> None:
    assert not is_automation(GITHUB, automation_principals=("GITHUB-ACTIONS-*",))


@pytest.mark.parametrize("glob", ["argocd-*", "argocd-application-controller/*", "*"])
def test_a_user_agent_alone_never_makes_a_person_automation(glob: str) -> None:
    # Anyone can send any user agent: `Helm/*` alone would let a person silence a change.
    assert not is_automation(SSO_ALICE, ARGOCD, automation_user_agents=(glob,))
    assert not is_automation(GITHUB, ARGOCD, automation_user_agents=(glob,))


@pytest.mark.parametrize("glob", ["argocd-*", "argocd-application-controller/*"])
def test_user_agent_globs_narrow_a_listed_principal(glob: str) -> None:
    listed = {"automation_principals": ("github-actions-*",), "automation_user_agents": (glob,)}
    assert is_automation(GITHUB, ARGOCD, **listed)
    assert not is_automation(GITHUB, KUBECTL, **listed)  # the CI role, by hand
    assert not is_automation(SSO_ALICE, ARGOCD, **listed)  # a person sending the agent


def test_anonymous_is_never_automation_whatever_the_globs_say() -> None:
    assert not is_automation(
        ANONYMOUS, automation_principals=("system:*", "*"), automation_user_agents=("*",)
    )


@pytest.mark.parametrize(
    ("agent", "client"),
    [
        (KUBECTL, "kubectl v1.30.2"),
        ("k9s/v0.32.5 (darwin/arm64) kubernetes/$Format", "k9s"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/126.0",
            "web browser (EKS console, Lens or another UI)",
        ),
        ("Helm/3.15.2", "Helm 3.15.2"),
        ("HashiCorp/1.0 Terraform/1.9.5", "Terraform"),
        ("kubectl/v0.0.0 (linux/amd64) kubernetes/$Format", "kubectl"),
        (ARGOCD, "argocd-application-controller"),
        ("", ""),
    ],
)
def test_client_of_names_what_a_person_used(agent: str, client: str) -> None:
    assert classify.client_of(agent) == client


def _alerts(*events: AuditEvent, **settings: Any) -> list[str]:
    config = Settings(TOPIC, **settings)
    result = pipeline.alerts_for(
        events, Location("prod", "/aws/eks/prod/cluster"), config, RuleCatalog.load(config)
    )
    return [alert.rule.rule_id for alert in result.alerts]


AUTOMATION_AT_WORK = (
    event(ARGOCD_SA, agent=ARGOCD),
    event(
        ADDON_MANAGER,
        agent="eks-addon-manager/v1 (linux/amd64)",
        uri="/apis/apps/v1/namespaces/kube-system/daemonsets/aws-node",
        resource="daemonsets",
        namespace="kube-system",
    ),
    event(
        NODE,
        verb="update",
        agent="kubelet/v1.30.4 (linux/arm64) kubernetes/a5e5d8c",
        uri="/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/ip-10-0-12-34",
        resource="leases",
        namespace="kube-node-lease",
    ),
    event(CONTROLLER, agent="kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/a5e5d8c"),
)


def test_argocd_sync_addon_update_node_and_controller_do_not_alert() -> None:
    assert _alerts(*AUTOMATION_AT_WORK) == []


def test_alert_on_automation_lets_them_through() -> None:
    rules = _alerts(*AUTOMATION_AT_WORK, alert_on_automation=True)
    assert rules == [
        "workload-changed",
        "workload-kube-system-changed",
        "protected-namespace-changed",
        "workload-changed",
    ]


def test_dry_run_does_not_alert() -> None:
    dry = event(SSO_ALICE, uri="/apis/apps/v1/namespaces/payments/deployments/web?dryRun=All")
    assert _alerts(dry) == []
    assert _alerts(event(SSO_ALICE)) == ["workload-changed"]
