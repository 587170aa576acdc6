"""GitOps context: whether the object a person changed is managed by Argo CD, Flux or Helm, by
which application, and what becomes of the change (reverted at the next reconcile, or drift).

Read from the logged object (the response body first — the object as stored — then the
request body): labels, annotations and the `managedFields` managers. These are the object's
own metadata, which anyone who can write the object can set, so the alert reports what the
object *claims*; every value is shown through `output.safety` like any audit data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from eks_audit_bot.kube.audit import AuditEvent

ARGO_TRACKING_ID = "argocd.argoproj.io/tracking-id"
INSTANCE = "app.kubernetes.io/instance"
MANAGED_BY = "app.kubernetes.io/managed-by"
HELM_RELEASE = "meta.helm.sh/release-name"
HELM_NAMESPACE = "meta.helm.sh/release-namespace"
FLUX_KUSTOMIZATION = ("kustomize.toolkit.fluxcd.io/name", "kustomize.toolkit.fluxcd.io/namespace")
FLUX_HELM = ("helm.toolkit.fluxcd.io/name", "helm.toolkit.fluxcd.io/namespace")
ARGO_MANAGERS = ("argocd-controller", "argocd-application-controller")
EFFECTS = {
    "reverted": "will be reverted at the next reconcile",
    "reverted-or-drift": "will be reverted if the application self-heals, else it drifts "
    "(OutOfSync) until someone syncs",
    "drift": "drifts from the release until its next upgrade overwrites it",
}
VALUE_LIMIT = 253  # a Kubernetes name at most


@dataclass(frozen=True, slots=True)
class GitOps:
    tool: str  # argo-cd, flux, helm
    application: str  # the Argo CD application, Flux Kustomization/HelmRelease, Helm release
    effect: str  # a key of EFFECTS
    evidence: str  # the label, annotation or manager that says so

    @property
    def tool_name(self) -> str:
        return {"argo-cd": "Argo CD", "flux": "Flux", "helm": "Helm"}[self.tool]

    def sentence(self) -> str:
        kind = {"argo-cd": "application", "flux": "", "helm": "release"}[self.tool]
        return (
            f"Managed by {self.tool_name} {kind + ' ' if kind else ''}{self.application} "
            f"({self.evidence}): this change {EFFECTS[self.effect]}."
        )

    def document(self) -> dict[str, str]:
        return {
            "tool": self.tool,
            "application": self.application,
            "effect": self.effect,
            "evidence": self.evidence,
        }


def gitops_of(event: AuditEvent) -> GitOps | None:
    """The first object body that shows a GitOps owner, response before request."""
    for body in (event.response_object, event.request_object):
        metadata = body.get("metadata") if isinstance(body, Mapping) else None
        if isinstance(metadata, Mapping):
            found = _read(metadata)
            if found is not None:
                return found
    return None


def _strings(value: object) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v[:VALUE_LIMIT] for k, v in value.items() if isinstance(v, str) and v}


def _managers(metadata: Mapping[str, Any]) -> Iterator[str]:
    fields = metadata.get("managedFields")
    for entry in fields if isinstance(fields, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("manager"), str):
            yield entry["manager"]


def _read(metadata: Mapping[str, Any]) -> GitOps | None:
    labels, notes = _strings(metadata.get("labels")), _strings(metadata.get("annotations"))
    managers = set(_managers(metadata))
    for name_key, namespace_key in (FLUX_KUSTOMIZATION, FLUX_HELM):
        if name_key in labels:
            where = labels.get(namespace_key, "")
            app = f"{where}/{labels[name_key]}" if where else labels[name_key]
            return GitOps("flux", app, "reverted", f"label {name_key}")
    if ARGO_TRACKING_ID in notes:
        app = notes[ARGO_TRACKING_ID].split(":", 1)[0]
        return GitOps("argo-cd", app, "reverted-or-drift", f"annotation {ARGO_TRACKING_ID}")
    helm = labels.get(MANAGED_BY, "").lower() == "helm"
    if helm and HELM_RELEASE in notes:
        where = notes.get(HELM_NAMESPACE, "")
        release = f"{where}/{notes[HELM_RELEASE]}" if where else notes[HELM_RELEASE]
        return GitOps("helm", release, "drift", f"label {MANAGED_BY}: Helm")
    return _by_manager(labels, managers, helm=helm)


def _by_manager(labels: Mapping[str, str], managers: set[str], *, helm: bool) -> GitOps | None:
    instance = labels.get(INSTANCE, "")
    if managers.intersection(ARGO_MANAGERS) or (instance and not helm):
        evidence = next(
            (f"managedFields manager {m}" for m in sorted(managers) if m in ARGO_MANAGERS),
            f"label {INSTANCE}",
        )
        return GitOps("argo-cd", instance or "(unnamed)", "reverted-or-drift", evidence)
    for manager, tool in (("kustomize-controller", "flux"), ("helm-controller", "flux")):
        if manager in managers:
            return GitOps(tool, "(unnamed)", "reverted", f"managedFields manager {manager}")
    if "helm" in managers or helm:
        evidence = "managedFields manager helm" if "helm" in managers else f"label {MANAGED_BY}"
        return GitOps("helm", instance or "(unnamed)", "drift", evidence)
    return None
