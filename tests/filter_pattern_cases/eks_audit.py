"""EKS audit log cases: realistic ``audit.k8s.io/v1`` events against typical patterns.

Each case is ``(test id, pattern, message, expected match)``.
"""

# ruff: noqa: E501 - one case per line reads better than strings wrapped mid-pattern

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "111122223333"


def _event(verb: str, user: dict[str, Any], **extra: Any) -> str:
    event: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": "0b6c4f7e-2a43-4f38-9a57-6c5f1c1f9d10",
        "stage": "ResponseComplete",
        "verb": verb,
        "user": user,
        "sourceIPs": ["10.0.12.34"],
        "userAgent": "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": "2024-06-01T10:00:00.000000Z",
        "stageTimestamp": "2024-06-01T10:00:00.012345Z",
        "annotations": {
            "authorization.k8s.io/decision": "allow",
            "authorization.k8s.io/reason": "",
        },
    }
    event.update(extra)
    return json.dumps(event)


ADMIN = {
    "username": "kubernetes-admin",
    "uid": f"aws-iam-authenticator:{ACCOUNT}:AROAEXAMPLEID",
    "groups": ["system:masters", "system:authenticated"],
    "extra": {
        "arn": [f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice"],
        "canonicalArn": [f"arn:aws:iam::{ACCOUNT}:role/Admin"],
        "sessionName": ["alice"],
    },
}
SSO = {
    "username": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123/bob@example.com",
    "groups": ["system:authenticated"],
}
SERVICE_ACCOUNT = {
    "username": "system:serviceaccount:kube-system:replicaset-controller",
    "groups": [
        "system:serviceaccounts",
        "system:serviceaccounts:kube-system",
        "system:authenticated",
    ],
}
NODE = {"username": "system:node:ip-10-0-1-23.ec2.internal", "groups": ["system:nodes"]}
EKS = {"username": "eks:certificate-controller", "groups": ["system:authenticated"]}
ANONYMOUS = {"username": "system:anonymous", "groups": ["system:unauthenticated"]}

PATCH_AWS_AUTH = _event(
    "patch",
    ADMIN,
    objectRef={
        "resource": "configmaps",
        "namespace": "kube-system",
        "name": "aws-auth",
        "apiVersion": "v1",
    },
)
GET_SECRET = _event(
    "get",
    SSO,
    objectRef={"resource": "secrets", "namespace": "payments", "name": "db", "apiVersion": "v1"},
)
SA_UPDATE = _event(
    "update",
    SERVICE_ACCOUNT,
    objectRef={
        "resource": "replicasets",
        "namespace": "default",
        "name": "web-5d8",
        "apiGroup": "apps",
    },
)
NODE_PATCH = _event(
    "patch",
    NODE,
    objectRef={"resource": "nodes", "name": "ip-10-0-1-23.ec2.internal", "subresource": "status"},
)
EKS_CSR = _event(
    "update",
    EKS,
    objectRef={
        "resource": "certificatesigningrequests",
        "name": "csr-x",
        "subresource": "approval",
    },
)
EXEC = _event(
    "create",
    SSO,
    stage="ResponseStarted",
    objectRef={"resource": "pods", "namespace": "payments", "name": "api-0", "subresource": "exec"},
)
RECEIVED = _event(
    "delete",
    ADMIN,
    stage="RequestReceived",
    objectRef={"resource": "pods", "namespace": "default", "name": "x"},
)
CRB = _event(
    "create",
    SSO,
    objectRef={
        "resource": "clusterrolebindings",
        "name": "break-glass",
        "apiGroup": "rbac.authorization.k8s.io",
    },
)
FORBIDDEN = _event(
    "delete",
    ANONYMOUS,
    objectRef={"resource": "namespaces", "name": "prod"},
    responseStatus={"metadata": {}, "status": "Failure", "code": 403},
    annotations={"authorization.k8s.io/decision": "forbid"},
)
SCALE = _event(
    "patch",
    ADMIN,
    objectRef={
        "resource": "deployments",
        "namespace": "web",
        "name": "front",
        "subresource": "scale",
    },
    requestObject={"spec": {"replicas": 12}},
)
AUTHENTICATOR_LINE = 'time="2024-06-01T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/Admin"'
TRUNCATED = PATCH_AWS_AUTH[: len(PATCH_AWS_AUTH) // 2]

HUMAN_CHANGES = (
    '{ $.stage != "RequestReceived" && $.verb != "get" && $.verb != "list" && $.verb != "watch"'
    ' && $.user.username != "system:*" && $.user.username != "eks:*"'
    ' && ($.objectRef.resource = "secrets" || $.objectRef.resource = "configmaps"'
    ' || $.objectRef.resource = "clusterrolebindings" || $.objectRef.resource = "namespaces"'
    ' || $.objectRef.subresource = "exec") }'
)
WITH_ANONYMOUS = (
    '{ ($.user.username != "system:*" || $.user.username = "system:anonymous")'
    ' && $.user.username != "eks:*" && $.stage != "RequestReceived" }'
)

CASES: list[tuple[str, str, str, bool]] = [
    ("eks-system-prefix-sa", '{ $.user.username = "system:*" }', SA_UPDATE, True),
    ("eks-system-prefix-node", '{ $.user.username = "system:*" }', NODE_PATCH, True),
    ("eks-system-prefix-admin", '{ $.user.username = "system:*" }', PATCH_AWS_AUTH, False),
    ("eks-not-system-admin", '{ $.user.username != "system:*" }', PATCH_AWS_AUTH, True),
    ("eks-not-system-sa", '{ $.user.username != "system:*" }', SA_UPDATE, False),
    ("eks-secrets", '{ $.objectRef.resource = "secrets" }', GET_SECRET, True),
    ("eks-secrets-configmap", '{ $.objectRef.resource = "secrets" }', PATCH_AWS_AUTH, False),
    ("eks-stage-complete", '{ $.stage != "RequestReceived" }', PATCH_AWS_AUTH, True),
    ("eks-stage-received", '{ $.stage != "RequestReceived" }', RECEIVED, False),
    ("eks-exec", '{ $.objectRef.subresource = "exec" }', EXEC, True),
    ("eks-exec-no-subresource", '{ $.objectRef.subresource = "exec" }', PATCH_AWS_AUTH, False),
    ("eks-ne-missing-subresource", '{ $.objectRef.subresource != "exec" }', PATCH_AWS_AUTH, False),
    (
        "eks-not-exists-or-ne",
        '{ $.objectRef.subresource NOT EXISTS || $.objectRef.subresource != "status" }',
        PATCH_AWS_AUTH,
        True,
    ),
    ("eks-cluster-scoped", "{ $.objectRef.namespace NOT EXISTS }", CRB, True),
    ("eks-namespaced", "{ $.objectRef.namespace NOT EXISTS }", GET_SECRET, False),
    ("eks-namespace-prefix", '{ $.objectRef.namespace = "kube-*" }', PATCH_AWS_AUTH, True),
    ("eks-forbidden-code", "{ $.responseStatus.code >= 400 }", FORBIDDEN, True),
    ("eks-allowed-code", "{ $.responseStatus.code >= 400 }", PATCH_AWS_AUTH, False),
    ("eks-session-name", '{ $.user.extra.sessionName[0] = "alice" }', PATCH_AWS_AUTH, True),
    (
        "eks-arn-prefix",
        f'{{ $.user.extra.arn[0] = "arn:aws:sts::{ACCOUNT}:assumed-role/Admin/*" }}',
        PATCH_AWS_AUTH,
        True,
    ),
    ("eks-group-any", '{ $.user.groups[*] = "system:masters" }', PATCH_AWS_AUTH, True),
    ("eks-group-any-miss", '{ $.user.groups[*] = "system:masters" }', GET_SECRET, False),
    (
        "eks-annotation-bracket",
        "{ $.annotations.['authorization.k8s.io/decision'] = \"forbid\" }",
        FORBIDDEN,
        True,
    ),
    (
        "eks-annotation-bracket-allow",
        "{ $.annotations['authorization.k8s.io/decision'] = \"forbid\" }",
        PATCH_AWS_AUTH,
        False,
    ),
    ("eks-replicas", "{ $.requestObject.spec.replicas > 10 }", SCALE, True),
    ("eks-replicas-missing", "{ $.requestObject.spec.replicas > 10 }", PATCH_AWS_AUTH, False),
    (
        "eks-csr-approval",
        '{ $.objectRef.subresource = "approval" && $.user.username = "eks:*" }',
        EKS_CSR,
        True,
    ),
    ("eks-sso-regex", "{ $.user.username = %assumed-role/AWSReservedSSO_% }", GET_SECRET, True),
    ("eks-human-patch-aws-auth", HUMAN_CHANGES, PATCH_AWS_AUTH, True),
    ("eks-human-get-secret", HUMAN_CHANGES, GET_SECRET, False),
    ("eks-human-sa", HUMAN_CHANGES, SA_UPDATE, False),
    ("eks-human-eks", HUMAN_CHANGES, EKS_CSR, False),
    ("eks-human-exec", HUMAN_CHANGES, EXEC, True),
    ("eks-human-crb", HUMAN_CHANGES, CRB, True),
    ("eks-human-received", HUMAN_CHANGES, RECEIVED, False),
    ("eks-human-scale", HUMAN_CHANGES, SCALE, False),
    ("eks-anonymous-passes", WITH_ANONYMOUS, FORBIDDEN, True),
    ("eks-anonymous-sa-dropped", WITH_ANONYMOUS, SA_UPDATE, False),
    ("eks-anonymous-admin", WITH_ANONYMOUS, PATCH_AWS_AUTH, True),
    ("eks-json-on-authenticator-line", HUMAN_CHANGES, AUTHENTICATOR_LINE, False),
    ("eks-json-on-truncated-line", HUMAN_CHANGES, TRUNCATED, False),
    ("eks-terms-quoted-on-json-line", '"kube-system" "aws-auth"', PATCH_AWS_AUTH, True),
    ("eks-terms-patch-not-sa", '"\\"verb\\": \\"patch\\"" -serviceaccount', NODE_PATCH, True),
    (
        "eks-terms-patch-not-sa-update",
        '"\\"verb\\": \\"patch\\"" -serviceaccount',
        SA_UPDATE,
        False,
    ),
]
