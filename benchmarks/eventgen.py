"""A large, realistic EKS audit log: mostly automation and reads, a few people changing things.

The mix follows what an EKS cluster's `kube-apiserver-audit` stream looks like: kubelets
renewing leases, controllers and add-ons watching and listing, Argo CD patching, EKS's own
`eks:*` identities, people reading with kubectl, and rarely a person changing something
crucial (RBAC, secrets, exec, a namespace). Lines are made from pre-serialised templates, so
writing a million takes seconds.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
KUBECTL = "kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350"
_ID, _TS = "__AUDIT_ID__", "__TIMESTAMP__"


def _sso(name: str, role: str) -> dict[str, Any]:
    arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{name}"
    return {
        "username": arn,
        "uid": f"aws-iam-authenticator:{ACCOUNT}:AROAEXAMPLE{abs(hash(name)) % 10**9:09d}",
        "groups": ["system:authenticated"],
        "extra": {
            "arn": [arn],
            "canonicalArn": [f"arn:aws:iam::{ACCOUNT}:role/{role}"],
            "sessionName": [name],
        },
    }


ALICE = _sso("alice@example.com", "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b")
CAROL = _sso("carol@example.com", "AWSReservedSSO_ReadOnly_9f8e7d6c5b4a3f2e")
NODE = {
    "username": "system:node:ip-10-0-1-23.eu-west-1.compute.internal",
    "groups": ["system:nodes", "system:authenticated"],
}
KCM = {"username": "system:kube-controller-manager", "groups": ["system:authenticated"]}


def _sa(namespace: str, name: str) -> dict[str, Any]:
    return {
        "username": f"system:serviceaccount:{namespace}:{name}",
        "groups": ["system:serviceaccounts", f"system:serviceaccounts:{namespace}"],
    }


def _event(stage: str, verb: str, user: dict[str, Any], ref: dict[str, str], **more: Any) -> str:
    namespace = f"/namespaces/{ref['namespace']}" if "namespace" in ref else ""
    group = f"/apis/{ref['apiGroup']}/v1" if "apiGroup" in ref else "/api/v1"
    uri = f"{group}{namespace}/{ref['resource']}" + (f"/{ref['name']}" if "name" in ref else "")
    uri += f"/{ref['subresource']}" if "subresource" in ref else ""
    code = more.pop("code", 200)
    event: dict[str, Any] = {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": _ID,
        "stage": stage,
        "requestURI": uri,
        "verb": verb,
        "user": user,
        "sourceIPs": [more.pop("ip", "10.0.1.23")],
        "userAgent": more.pop("agent", KUBECTL),
        "objectRef": {**ref, "apiVersion": "v1"},
        "requestReceivedTimestamp": _TS,
        "stageTimestamp": _TS,
        "annotations": {
            "authorization.k8s.io/decision": "forbid" if code == 403 else "allow",
            "authorization.k8s.io/reason": "",
        },
    }
    if stage != "RequestReceived":
        event["responseStatus"] = {"metadata": {}, "code": code}
    event.update(more)
    return json.dumps(event, separators=(",", ":"))


# weight, stages, verb, who, "resource[/subresource] [namespace/]name" (`-` for none),
# API group, extra fields. Stages: RC = ResponseComplete only, RR = RequestReceived first,
# RS = ResponseStarted first (exec). Mostly automation and reads; a few people change things.
_PATCH = {"spec": {"template": {"metadata": {"annotations": {"restartedAt": "2026-11-20"}}}}}
MIX: list[tuple[float, str, str, str, str, str, dict[str, Any]]] = [
    (30, "RR", "update", "node", "leases kube-node-lease/ip-10-0-1-23.eu-west-1.compute.internal",
     "coordination.k8s.io", {"agent": "kubelet/v1.30.4 (linux/arm64)"}),
    (12, "RC", "get", "kcm", "leases kube-system/kube-controller-manager",
     "coordination.k8s.io", {"agent": "kube-controller-manager/v1.30.4"}),
    (18, "RC", "watch", "coredns", "endpointslices -", "discovery.k8s.io",
     {"agent": "coredns/1.11.1"}),
    (10, "RC", "list", "aws-node", "pods -", "", {"agent": "aws-vpc-cni/v1.18.2"}),
    (6, "RR", "patch", "argocd", "deployments payments/api", "apps",
     {"agent": "argocd-application-controller/v2.11.3", "level": "Request",
      "requestObject": _PATCH}),
    (5, "RC", "get", "eks", "configmaps kube-system/extension-apiserver-authentication", "", {}),
    (14, "RC", "list", "carol", "pods payments/", "", {"ip": "192.0.2.44"}),
    (2, "RC", "get", "alice", "pods/log payments/api-7d9f8c6b5-x2x9k", "", {}),
    (1, "RR", "patch", "alice", "deployments payments/api", "apps",
     {"level": "Request", "requestObject": _PATCH}),
    (0.4, "RR", "delete", "alice", "secrets payments/db-creds", "", {}),
    (0.3, "RR", "create", "alice", "clusterrolebindings temp-admin", "rbac.authorization.k8s.io",
     {"code": 201}),
    (0.3, "RS", "create", "alice", "pods/exec payments/api-7d9f8c6b5-x2x9k", "", {"code": 101}),
    (0.3, "RC", "delete", "carol", "namespaces staging", "", {"code": 403}),
]  # fmt: skip
USERS = {
    "alice": ALICE,
    "carol": CAROL,
    "node": NODE,
    "kcm": KCM,
    "coredns": _sa("kube-system", "coredns"),
    "aws-node": _sa("kube-system", "aws-node"),
    "argocd": _sa("argocd", "argocd-application-controller"),
    "eks": {"username": "eks:certificate-controller", "groups": ["system:authenticated"]},
}
_FIRST_STAGE = {"RR": "RequestReceived", "RS": "ResponseStarted"}


def _ref(spec: str, group: str) -> dict[str, str]:
    path, target = spec.split(" ")
    resource, _, subresource = path.partition("/")
    namespace, _, name = target.rpartition("/") if "/" in target else ("", "", target)
    fields = {"resource": resource, "subresource": subresource, "namespace": namespace,
              "name": "" if name == "-" else name, "apiGroup": group}  # fmt: skip
    return {key: value for key, value in fields.items() if value}


def templates() -> list[tuple[float, list[str]]]:
    """(weight, the lines of one action, sharing its auditID)."""
    out = []
    for weight, stages, verb, who, spec, group, more in MIX:
        ref, user = _ref(spec, group), USERS[who]
        group_lines = [_event("ResponseComplete", verb, user, ref, **more)]
        if stages in _FIRST_STAGE:
            group_lines.insert(0, _event(_FIRST_STAGE[stages], verb, user, ref, **more))
        out.append((weight, group_lines))
    return out


def lines(count: int, seed: int = 7) -> Iterator[str]:
    """`count` log lines, each action with a fresh auditID and an advancing timestamp."""
    weighted = templates()
    rng = random.Random(seed)
    groups = [group for _, group in weighted]
    weights = [weight for weight, _ in weighted]
    written, action = 0, 0
    while written < count:
        for group in rng.choices(groups, weights, k=1024):
            action += 1
            audit_id = f"{action:08x}-5e1f-4c2a-9b3d-{action * 7919 % 16**12:012x}"
            millis = action * 3
            stamp = (
                f"2026-11-20T{millis // 3_600_000 % 24:02d}:{millis // 60_000 % 60:02d}:"
                f"{millis // 1000 % 60:02d}.{millis % 1000:03d}512Z"
            )
            for template in group[: count - written]:
                yield template.replace(_ID, audit_id).replace(_TS, stamp)
                written += 1
            if written >= count:
                return


def write(path: Path, count: int) -> int:
    """Write `count` lines to `path`; return its size in bytes."""
    with path.open("w", encoding="utf-8") as out:
        for line in lines(count):
            out.write(line + "\n")
    return path.stat().st_size
