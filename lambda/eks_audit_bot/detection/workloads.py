"""Pod specs inside workloads: images, and settings that give a container the node."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_audit_bot.model.jsonvalue import mapping, mappings, strings, text

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
RISKY_CAPABILITIES = frozenset({"ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN"})
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
    added = strings(mapping(context.get("capabilities")).get("add"))
    risks += [
        f"container {name} adds capability {cap}"
        for cap in added
        if cap.upper().removeprefix("CAP_") in RISKY_CAPABILITIES
    ]
    return risks
