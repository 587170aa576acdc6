"""What rules read in a request: credentials, exposure, pod security, RBAC writes, networks."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from eks_audit_bot.kube.context import RuleContext
from eks_audit_bot.kube.readers import credentials, exposure, rbac, workloads
from eks_audit_bot.settings import ConfigError, Settings

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"

# ---- ConfigMaps that hold credentials: names only, never values ----


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        ({"db.password": "x"}, "key db.password is named like a credential"),
        ({"apiKey": "x"}, "key apiKey is named like a credential"),
        ({"AWS_SECRET_ACCESS_KEY": "x"}, "key AWS_SECRET_ACCESS_KEY is named like a credential"),
        ({"app.ini": "[db]\npassword = s3cr3t-value\n"}, "key app.ini holds a credential setting"),
        ({"a.json": '{"db": {"passphrase": "s3cr3t"}}'}, "key a.json holds a credential setting"),
        ({"id": "AKIAIOSFODNN7EXAMPLE"}, "key id holds an AWS access key id"),
        ({"k": "-----BEGIN RSA PRIVATE KEY-----\nMIIE"}, "key k holds a private key"),
        ({"url": "postgres://app:pw@db:5432/app"}, "key url holds a URL with a password"),
    ],
)
def test_configmap_credential_hints_name_the_key_not_the_value(
    data: dict[str, str], hint: str
) -> None:
    hints = credentials.configmap_hints({"data": data}, "app-config")
    assert hints == [hint]
    assert not any(value in " ".join(hints) for value in data.values())


@pytest.mark.parametrize(
    "data",
    [
        {"ui.properties": "color.good=purple\nallow.textmode=true\n"},
        {"tls-secret-name": "web-tls", "token-ttl": "3600", "passwordPolicy": "strict"},
        {"app.properties": "secret.name=db-credentials\npassword.min.length=12\n"},
        {"nginx.conf": "server { listen 80; }"},
    ],
)
def test_ordinary_configmaps_look_like_nothing(data: dict[str, str]) -> None:
    assert credentials.configmap_hints({"data": data}, "app-config") == []


def test_a_configmap_named_like_credentials_counts_without_a_body() -> None:
    # EKS logs ConfigMaps at Metadata: the name is all there is.
    assert credentials.configmap_hints({}, "stripe-api-key") == [
        "the name 'stripe-api-key' suggests credentials"
    ]


# ---- exec: kubectl cp and credential theft ----


@pytest.mark.parametrize(
    ("command", "copies"),
    [
        (["tar", "cf", "-", "/data"], True),
        (["/bin/tar", "-xmf", "-", "-C", "/tmp"], True),
        (["sh", "-c", "cd /data && tar cf - ."], True),
        (["sh", "-c", "cat notes.tar"], False),
        (["star"], False),
        (["ls"], False),
    ],
)
def test_kubectl_cp_is_tar_in_the_container(command: list[str], copies: bool) -> None:
    assert credentials.copies_files(command) is copies


@pytest.mark.parametrize(
    ("command", "place"),
    [
        (["cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"], "service-account"),
        (
            ["sh", "-c", "cat /run/secrets/eks.amazonaws.com/serviceaccount/token"],
            "service-account",
        ),
        (["curl", "http://169.254.169.254/latest/meta-data/iam/"], "instance metadata"),
        (["curl", "http://169.254.170.23/v1/credentials"], "Pod Identity"),
        (["sh", "-c", "echo $AWS_WEB_IDENTITY_TOKEN_FILE"], "service-account"),
        (["cat", "/root/.ssh/id_ed25519"], "SSH keys"),
        (["cat", "/home/app/.kube/config"], "kubeconfig"),
    ],
)
def test_exec_reaching_for_credentials(command: list[str], place: str) -> None:
    assert any(place in found for found in credentials.credential_places(command))


def test_ordinary_exec_reaches_for_nothing() -> None:
    assert credentials.credential_places(["psql", "-U", "app", "payments"]) == []


# ---- exposure ----


@pytest.mark.parametrize(
    ("resource", "obj", "lines"),
    [
        ("services", {"spec": {"type": "ClusterIP"}}, []),
        ("services", {"spec": {"type": "ExternalName", "externalName": "db.example.com"}}, []),
        (
            "services",
            {"spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}},
            ["type NodePort: open on every node (ports 30080)"],
        ),
        (
            "services",
            {
                "metadata": {
                    "annotations": {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}
                },
                "spec": {"type": "LoadBalancer"},
            },
            ["type LoadBalancer: a cloud load balancer, internal"],
        ),
        (
            "services",
            {"spec": {"type": "ClusterIP", "externalIPs": ["192.0.2.10"]}},
            ["externalIPs: 192.0.2.10 (traffic to them is captured)"],
        ),
        (
            "ingresses",
            {"spec": {"rules": [{"host": "a.example.com"}], "tls": [{"hosts": ["a.example.com"]}]}},
            ["ingress for hosts a.example.com"],
        ),
        ("ingresses", {}, []),
    ],
)
def test_exposure(resource: str, obj: dict[str, Any], lines: list[str]) -> None:
    assert exposure.exposure(resource, obj) == lines


# ---- pod security ----


def test_weakened_settings_short_of_the_node() -> None:
    spec = {
        "securityContext": {"runAsNonRoot": False, "seccompProfile": {"type": "Unconfined"}},
        "containers": [
            {
                "name": "app",
                "ports": [{"containerPort": 80, "hostPort": 8080}],
                "securityContext": {
                    "runAsUser": 0,
                    "allowPrivilegeEscalation": True,
                    "procMount": "Unmasked",
                    "capabilities": {"add": ["NET_RAW", "CHOWN", "SYS_ADMIN"]},
                },
            }
        ],
        "volumes": [{"name": "data", "hostPath": {"path": "/mnt/data"}}],
    }
    assert workloads.weakened_settings(spec) == [
        "pod may run as root (runAsNonRoot: false)",
        "pod runs without seccomp (Unconfined)",
        "container app runs as root (runAsUser: 0)",
        "container app allows privilege escalation",
        "container app adds capability NET_RAW",
        "container app binds host port 8080",
        "container app unmasks /proc",
        "hostPath volume data mounts /mnt/data",
    ]
    # SYS_ADMIN and sensitive paths are the node: `privileged-workload`, not this.
    assert workloads.risky_settings(spec) == ["container app adds capability SYS_ADMIN"]


def test_a_restricted_pod_is_not_weakened() -> None:
    spec = {
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
        "containers": [
            {
                "name": "app",
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
                },
            }
        ],
    }
    assert workloads.weakened_settings(spec) == []
    assert workloads.risky_settings(spec) == []


@pytest.mark.parametrize("cap", ["BPF", "PERFMON", "SYS_RAWIO", "DAC_READ_SEARCH", "CAP_SYS_BOOT"])
def test_capabilities_that_reach_the_node(cap: str) -> None:
    spec = {"containers": [{"name": "x", "securityContext": {"capabilities": {"add": [cap]}}}]}
    assert workloads.risky_settings(spec)


# ---- RBAC writes ----


@pytest.mark.parametrize(
    ("rule", "parts", "writes"),
    [
        (
            {
                "apiGroups": ["rbac.authorization.k8s.io"],
                "resources": ["rolebindings"],
                "verbs": ["create"],
            },
            ["writes RBAC (rolebindings)"],
            [],
        ),
        (
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "delete"]},
            [],
            ["pods"],
        ),
        ({"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}, [], []),
        (
            {"apiGroups": ["example.com"], "resources": ["roles"], "verbs": ["create"]},
            [],
            [],
        ),
    ],
)
def test_role_rules_that_write(rule: dict[str, Any], parts: list[str], writes: list[str]) -> None:
    assert rbac.dangerous_parts(rule) == parts
    assert rbac.workload_writes(rule) == writes


# ---- trusted networks ----


def _context(*cidrs: str) -> RuleContext:
    return RuleContext(trusted_networks=tuple(ipaddress.ip_network(c) for c in cidrs))


def test_every_source_ip_must_be_trusted() -> None:
    context = _context("10.0.0.0/16", "2600:1f18::/36")
    assert context.untrusted_addresses(("10.0.3.4",)) == []
    assert context.untrusted_addresses(("2600:1f18:1:2::5",)) == []
    assert context.untrusted_addresses(("10.0.3.4", "198.51.100.7")) == ["198.51.100.7"]
    assert context.untrusted_addresses(("198.51.100.7", "10.0.3.4")) == ["198.51.100.7"]
    assert context.untrusted_addresses(("127.0.0.1", "::1")) == []  # the API server's host
    assert context.untrusted_addresses(("not-an-ip",)) == ["not-an-ip"]


# ---- settings ----


def _settings(**env: str) -> Settings:
    return Settings.from_env({"SNS_TOPIC_ARN": TOPIC, **env})


def test_protected_namespaces_default_and_override() -> None:
    assert _settings().protected_namespaces == ("kube-system", "kube-public", "kube-node-lease")
    assert _settings(PROTECTED_NAMESPACES='["platform"]').protected_namespaces == ("platform",)
    assert _settings(PROTECTED_NAMESPACES="[]").protected_namespaces == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PROTECTED_NAMESPACES": '["kube-system", ""]'}, "PROTECTED_NAMESPACES: every item"),
        ({"PROTECTED_NAMESPACES": '"kube-system"'}, "PROTECTED_NAMESPACES: expected a JSON list"),
        ({"TRUSTED_SOURCE_CIDRS": '["10.0.0.0/33"]'}, "TRUSTED_SOURCE_CIDRS: '10.0.0.0/33'"),
        ({"TRUSTED_SOURCE_CIDRS": '["vpc"]'}, "is not a CIDR block"),
    ],
)
def test_bad_detection_settings_fail_clearly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _settings(**env)


def test_trusted_source_cidrs_parse() -> None:
    networks = _settings(TRUSTED_SOURCE_CIDRS='["10.0.0.0/16", "10.1.2.3/20"]').trusted_source_cidrs
    assert [str(network) for network in networks] == ["10.0.0.0/16", "10.1.0.0/20"]
