"""Services and ingresses that open a workload to traffic from outside the cluster."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text

# How AWS load balancer controllers are told to face the internet.
_SCHEME_ANNOTATIONS = (
    "service.beta.kubernetes.io/aws-load-balancer-scheme",
    "service.beta.kubernetes.io/aws-load-balancer-internal",
)


def exposure(resource: str, obj: Mapping[str, Any]) -> list[str]:
    """How a Service or Ingress exposes its backends, in words; empty for a ClusterIP service
    (or when the event has no body)."""
    if resource == "services":
        return _service(obj)
    if resource == "ingresses" and obj:
        return _ingress(obj)
    return []


def _service(obj: Mapping[str, Any]) -> list[str]:
    spec = mapping(obj.get("spec"))
    kind = text(spec.get("type"))
    lines = []
    if kind == "NodePort":
        ports = [str(p["nodePort"]) for p in mappings(spec.get("ports")) if "nodePort" in p]
        lines.append("type NodePort: open on every node" + _listed(" (ports ", ports, ")"))
    elif kind == "LoadBalancer":
        lines.append("type LoadBalancer: a cloud load balancer" + _scheme(obj))
    external = strings(spec.get("externalIPs"))
    if external:
        lines.append(f"externalIPs: {', '.join(external)} (traffic to them is captured)")
    return lines


def _ingress(obj: Mapping[str, Any]) -> list[str]:
    spec = mapping(obj.get("spec"))
    hosts = [text(rule.get("host")) or "*" for rule in mappings(spec.get("rules"))]
    tls_hosts = {host for tls in mappings(spec.get("tls")) for host in strings(tls.get("hosts"))}
    plain = [host for host in hosts if host not in tls_hosts]
    lines = ["ingress" + _listed(" for hosts ", hosts, "")]
    if plain or not spec.get("tls"):
        lines.append("without TLS" + _listed(" for ", plain, ""))
    return lines


def _scheme(obj: Mapping[str, Any]) -> str:
    annotations = mapping(mapping(obj.get("metadata")).get("annotations"))
    scheme = text(annotations.get(_SCHEME_ANNOTATIONS[0]))
    internal = text(annotations.get(_SCHEME_ANNOTATIONS[1])).lower() == "true"
    if scheme == "internal" or internal:
        return ", internal"
    return ", internet-facing" if scheme == "internet-facing" else ""


def _listed(before: str, items: list[str], after: str) -> str:
    return f"{before}{', '.join(items)}{after}" if items else ""
