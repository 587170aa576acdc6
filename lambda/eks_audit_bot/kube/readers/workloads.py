"""Pod specs inside workloads: images, settings that give a container the node, and settings
that weaken its isolation (what Pod Security Standards' baseline and restricted forbid)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text

# Where each workload kind keeps its pod spec.
POD_SPEC_PATHS: Mapping[str, tuple[str, ...]] = {
    "pods": ("spec",),
    "deployments": ("spec", "template", "spec"),
    "daemonsets": ("spec", "template", "spec"),
    "statefulsets": ("spec", "template", "spec"),
    "replicasets": ("spec", "template", "spec"),
    "replicationcontrollers": ("spec", "template", "spec"),
    "jobs": ("spec", "template", "spec"),
    "cronjobs": ("spec", "jobTemplate", "spec", "template", "spec"),
}
HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")
# Capabilities that reach the node's kernel, devices, other processes or network stack.
RISKY_CAPABILITIES = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "SYS_PTRACE",
        "SYS_MODULE",
        "SYS_RAWIO",
        "SYS_BOOT",
        "NET_ADMIN",
        "BPF",
        "PERFMON",
        "DAC_READ_SEARCH",
    }
)
# What the Pod Security Standards' baseline profile lets a container add.
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
# Host paths that hand a container the node: its root, config, credentials, runtime sockets.
SENSITIVE_HOST_PATHS = (
    "/",
    "/etc",
    "/root",
    "/home",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/usr",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
)
_CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def pod_spec(resource: str, obj: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pod spec of a pod or workload object; empty for other kinds."""
    spec: Mapping[str, Any] = obj
    for key in POD_SPEC_PATHS.get(resource, ()):
        spec = mapping(spec.get(key))
    return spec if resource in POD_SPEC_PATHS else {}


def containers(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [item for key in _CONTAINER_LISTS for item in mappings(spec.get(key))]


def images(spec: Mapping[str, Any]) -> list[str]:
    """`app: nginx:1.27` per container (init and ephemeral ones included)."""
    return [
        f"{text(item.get('name')) or '(unnamed)'}: {text(item.get('image')) or '(no image)'}"
        for item in containers(spec)
    ]


def risky_settings(spec: Mapping[str, Any]) -> list[str]:
    """Each setting that breaks out of the container, in words; empty when none."""
    risks = [f"{key}: true" for key in HOST_NAMESPACES if spec.get(key) is True]
    for item in containers(spec):
        risks += _container_risks(item)
    for volume in mappings(spec.get("volumes")):
        path = text(mapping(volume.get("hostPath")).get("path"))
        if path and is_sensitive_host_path(path):
            risks.append(f"hostPath volume {text(volume.get('name'))} mounts {path}")
    return risks


def weakened_settings(spec: Mapping[str, Any]) -> list[str]:
    """Each setting that weakens isolation short of handing over the node; empty when none."""
    weak = _identity_risks("pod", mapping(spec.get("securityContext")))
    for item in containers(spec):
        weak += _container_weaknesses(item)
    for volume in mappings(spec.get("volumes")):
        path = text(mapping(volume.get("hostPath")).get("path"))
        if path and not is_sensitive_host_path(path):
            weak.append(f"hostPath volume {text(volume.get('name'))} mounts {path}")
    return weak


def is_sensitive_host_path(path: str) -> bool:
    clean = "/" + path.strip("/")
    return any(
        clean == root or (root != "/" and clean.startswith(root + "/"))
        for root in SENSITIVE_HOST_PATHS
    )


def _container_risks(item: Mapping[str, Any]) -> list[str]:
    name = text(item.get("name")) or "(unnamed)"
    context = mapping(item.get("securityContext"))
    risks = [f"container {name} is privileged"] if context.get("privileged") is True else []
    if mapping(context.get("windowsOptions")).get("hostProcess") is True:
        risks.append(f"container {name} is a Windows host process")
    risks += [
        f"container {name} adds capability {cap}"
        for cap in _added_capabilities(context)
        if cap in RISKY_CAPABILITIES
    ]
    return risks


def _container_weaknesses(item: Mapping[str, Any]) -> list[str]:
    name = text(item.get("name")) or "(unnamed)"
    context = mapping(item.get("securityContext"))
    weak = _identity_risks(f"container {name}", context)
    if context.get("allowPrivilegeEscalation") is True:
        weak.append(f"container {name} allows privilege escalation")
    weak += [
        f"container {name} adds capability {cap}"
        for cap in _added_capabilities(context)
        if cap not in RISKY_CAPABILITIES and cap not in BASELINE_CAPABILITIES
    ]
    weak += [
        f"container {name} binds host port {port.get('hostPort')}"
        for port in mappings(item.get("ports"))
        if isinstance(port.get("hostPort"), int) and port.get("hostPort")
    ]
    if text(context.get("procMount")) == "Unmasked":
        weak.append(f"container {name} unmasks /proc")
    return weak


def _identity_risks(who: str, context: Mapping[str, Any]) -> list[str]:
    """Root and unconfined settings of a pod or container security context."""
    weak = []
    if context.get("runAsUser") == 0 and not isinstance(context.get("runAsUser"), bool):
        weak.append(f"{who} runs as root (runAsUser: 0)")
    if context.get("runAsNonRoot") is False:
        weak.append(f"{who} may run as root (runAsNonRoot: false)")
    if text(mapping(context.get("seccompProfile")).get("type")) == "Unconfined":
        weak.append(f"{who} runs without seccomp (Unconfined)")
    return weak


def _added_capabilities(context: Mapping[str, Any]) -> list[str]:
    added = strings(mapping(context.get("capabilities")).get("add"))
    return [cap.upper().removeprefix("CAP_") for cap in added]
