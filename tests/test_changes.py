"""What changed: the lines a person reads under "What changed" in the alert."""

from __future__ import annotations

import json
from typing import Any

from eks_audit_bot.kube import changes
from eks_audit_bot.kube.audit import AuditEvent, event_from_dict

RBAC = "rbac.authorization.k8s.io"


def event(
    verb: str,
    resource: str,
    *,
    namespace: str = "",
    name: str = "",
    subresource: str = "",
    uri: str = "/",
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
) -> AuditEvent:
    raw: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "RequestResponse",
        "auditID": "5b0e7a52-1c1e-4c1b-9a0e-1f2d3c4b5a69",
        "stage": "ResponseComplete",
        "requestURI": uri,
        "verb": verb,
        "user": {"username": "kubernetes-admin", "groups": ["system:masters"]},
        "objectRef": {
            "resource": resource,
            "namespace": namespace,
            "name": name,
            "subresource": subresource,
        },
        "responseStatus": {"metadata": {}, "code": 200},
    }
    if request is not None:
        raw["requestObject"] = request
    if response is not None:
        raw["responseObject"] = response
    return event_from_dict(raw)


def aws_auth(
    verb: str, data: dict[str, str], *, request: dict[str, Any] | None = None
) -> AuditEvent:
    full = {"kind": "ConfigMap", "metadata": {"name": "aws-auth"}, "data": data}
    return event(
        verb,
        "configmaps",
        namespace="kube-system",
        name="aws-auth",
        request=request if request is not None else {"data": data},
        response=full,
    )


def test_aws_auth_written_by_terraform_yamlencode() -> None:
    map_roles = (
        '- "groups":\n  - "system:masters"\n'
        '  "rolearn": "arn:aws:iam::111122223333:role/platform-admin"\n'
        '  "username": "platform-admin"\n'
    )
    lines = changes.describe(aws_auth("update", {"mapRoles": map_roles}))
    assert lines == (
        "maps role arn:aws:iam::111122223333:role/platform-admin to username platform-admin, "
        "groups system:masters (cluster admin)",
        "(the audit log holds only the new content: these are the mappings now)",
    )


def test_aws_auth_as_json_and_inline_group_lists() -> None:
    as_json = json.dumps([{"userarn": "arn:aws:iam::111122223333:user/eve", "username": "eve"}])
    inline = (
        "- rolearn: arn:aws:iam::111122223333:role/ops\n  username: ops\n  groups: [ops, dev]\n"
    )
    lines = changes.describe(aws_auth("update", {"mapUsers": as_json, "mapRoles": inline}))
    assert "maps role arn:aws:iam::111122223333:role/ops to username ops, groups ops, dev" in lines
    assert "maps user arn:aws:iam::111122223333:user/eve to username eve" in lines


def test_aws_auth_patch_names_the_keys_it_wrote() -> None:
    users = "- userarn: arn:aws:iam::111122223333:user/eve\n  username: eve\n"
    both = {"mapRoles": "- rolearn: arn:aws:iam::111122223333:role/ops\n", "mapUsers": users}
    lines = changes.describe(aws_auth("patch", both, request={"data": {"mapUsers": users}}))
    assert lines[0] == "patched keys: mapUsers"
    assert "maps user arn:aws:iam::111122223333:user/eve to username eve" in lines


def test_aws_auth_accounts_and_delete() -> None:
    lines = changes.describe(aws_auth("update", {"mapAccounts": '- "444455556666"\n'}))
    assert lines[0] == "maps every IAM identity of accounts 444455556666"
    deleted = event("delete", "configmaps", namespace="kube-system", name="aws-auth")
    assert "loses access" in changes.describe(deleted)[0]


def test_binding_lists_role_and_subjects() -> None:
    binding = {
        "kind": "RoleBinding",
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "edit"},
        "subjects": [
            {"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"},
            {"kind": "Group", "apiGroup": RBAC, "name": "team-a"},
        ],
    }
    lines = changes.describe(event("create", "rolebindings", namespace="ci", request=binding))
    assert lines == ("role: ClusterRole edit", "subjects: ServiceAccount ci/deployer, Group team-a")


def test_role_names_wildcards_and_escalation_first() -> None:
    role = {
        "kind": "ClusterRole",
        "rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
            {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
            {"apiGroups": [RBAC], "resources": ["clusterroles"], "verbs": ["bind", "escalate"]},
            {"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]},
            {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]},
        ],
    }
    lines = changes.describe(event("update", "clusterroles", name="ops", request=role))
    assert lines == (
        "allows * on * (API groups: *): DANGEROUS: all verbs (*), all resources (*), "
        "all API groups (*)",
        f"allows bind, escalate on clusterroles (API groups: {RBAC}): DANGEROUS: escalate, bind",
        "allows impersonate on users, groups (API groups: core): DANGEROUS: impersonate",
        "allows get on nodes/proxy (API groups: core): DANGEROUS: reaches kubelets (nodes/proxy)",
        "allows get on pods (API groups: core)",
    )


def test_role_with_many_rules_is_cut_with_a_count() -> None:
    rules = [{"apiGroups": [""], "resources": [f"r{i}"], "verbs": ["get"]} for i in range(20)]
    lines = changes.describe(event("create", "clusterroles", request={"rules": rules}))
    assert len(lines) == changes.MAX_LINES
    assert lines[-1] == "… and 9 more"


def test_exec_command_and_container_from_the_request_uri() -> None:
    uri = (
        "/api/v1/namespaces/payments/pods/web-0/exec?command=sh&command=-c&command=env+%7C+sort"
        "&container=app&stderr=true&stdout=true"
    )
    lines = changes.describe(event("create", "pods", subresource="exec", uri=uri))
    assert lines == ("command: sh -c 'env | sort'", "container: app")


def test_long_exec_command_is_cut() -> None:
    uri = "/api/v1/namespaces/a/pods/b/exec?command=echo&command=" + "x" * 500
    (line,) = changes.describe(event("create", "pods", subresource="exec", uri=uri))
    assert line.endswith("…")
    assert len(line) < 320


def test_daemonset_image_and_host_access() -> None:
    daemonset = {
        "kind": "DaemonSet",
        "spec": {
            "template": {
                "spec": {
                    "hostIPC": True,
                    "containers": [
                        {
                            "name": "agent",
                            "image": "example.com/agent:1.2",
                            "securityContext": {"capabilities": {"add": ["SYS_ADMIN", "CHOWN"]}},
                        }
                    ],
                    "volumes": [
                        {
                            "name": "sock",
                            "hostPath": {"path": "/var/run/containerd/containerd.sock"},
                        },
                        {"name": "cache", "hostPath": {"path": "/data/cache"}},
                    ],
                }
            }
        },
    }
    lines = changes.describe(event("create", "daemonsets", namespace="ops", request=daemonset))
    assert lines == (
        "image agent: example.com/agent:1.2",
        "DANGEROUS: hostIPC: true",
        "DANGEROUS: container agent adds capability SYS_ADMIN",
        "DANGEROUS: hostPath volume sock mounts /var/run/containerd/containerd.sock",
        "WEAKENED: hostPath volume cache mounts /data/cache",
    )


def test_webhook_target_and_failure_policy() -> None:
    hook = {
        "kind": "MutatingWebhookConfiguration",
        "webhooks": [
            {
                "name": "inject.example.com",
                "clientConfig": {"service": {"namespace": "mesh", "name": "injector"}},
            }
        ],
    }
    lines = changes.describe(event("create", "mutatingwebhookconfigurations", request=hook))
    assert lines == ("webhook inject.example.com calls service mesh/injector, failurePolicy Fail",)


def test_configmap_body_shows_keys_never_values() -> None:
    configmap = {"kind": "ConfigMap", "data": {"DATABASE_URL": "postgres://app:pw@db/app"}}
    lines = changes.describe(
        event("update", "configmaps", namespace="payments", name="app", request=configmap)
    )
    assert lines == (
        "keys: DATABASE_URL",
        "looks like credentials: key DATABASE_URL holds a URL with a password",
    )
    assert not any("pw" in line for line in lines)


def test_metadata_level_events_say_nothing_rather_than_guess() -> None:
    assert changes.describe(event("delete", "secrets", namespace="payments", name="db")) == ()
    assert changes.describe(event("delete", "namespaces", name="payments")) == ()
