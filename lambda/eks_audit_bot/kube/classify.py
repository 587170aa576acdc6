"""Manual or automation: decided in the Lambda, whatever the filter pattern let through.

Built in: service accounts, nodes, `system:` components, `eks:*` and the EKS service-linked
role are automation. Users add principal globs (matched against the Kubernetes username, the
IAM ARN, the canonical ARN and the role name), e.g. a CI role. User-agent globs only narrow
those principals (the CI role counts as automation only with `Helm/*`): anyone can send any
user agent, so a user agent alone never silences a person. `system:anonymous` and
`system:unauthenticated` are never automation, whatever the globs say: an allowed anonymous
request is an alert.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from eks_audit_bot.core.actor import AUTOMATION_KINDS, Actor, ActorKind, matches_principal
from eks_audit_bot.settings import Settings

# Product token (before the first `/`) of a client-go style user agent -> how to show it.
_KNOWN_CLIENTS = {
    "kubectl": "kubectl",
    "k9s": "k9s",
    "helm": "Helm",
    "lens": "Lens",
    "headlamp": "Headlamp",
    "openlens": "OpenLens",
    "terraform": "Terraform",
    "hashicorp": "Terraform",
    "pulumi": "Pulumi",
    "eksctl": "eksctl",
}
# Clients whose version is their own (HashiCorp/1.0 is the provider SDK's, v0.0.0 a dev build).
_VERSIONED = frozenset({"kubectl", "helm", "eksctl", "terraform"})


def is_automation(actor: Actor, user_agent: str, settings: Settings) -> bool:
    """True for Kubernetes components, nodes, service accounts, EKS and listed principals
    (calling with one of the listed user agents, when any are listed)."""
    if actor.kind is ActorKind.ANONYMOUS:
        return False
    if actor.kind in AUTOMATION_KINDS:
        return True
    if not matches_principal(actor, settings.automation_principals):
        return False
    agents = settings.automation_user_agents
    return not agents or matches_user_agent(user_agent, agents)


def matches_user_agent(user_agent: str, globs: tuple[str, ...]) -> bool:
    """A glob matches the whole user agent, or its product (`argocd-*` for `argocd/v2 ...`)."""
    if not user_agent:
        return False
    product = user_agent.split(" ", 1)[0]
    return any(fnmatchcase(user_agent, glob) or fnmatchcase(product, glob) for glob in globs)


def client_of(user_agent: str) -> str:
    """What a person used, for the alert: `kubectl v1.30.2`, `k9s`, `web browser (...)`."""
    agent = user_agent.strip()
    if not agent:
        return ""
    if agent.startswith("Mozilla/"):
        return "web browser (EKS console, Lens or another UI)"
    product, _, version = agent.split(" ", 1)[0].partition("/")
    name = _KNOWN_CLIENTS.get(product.lower())
    if name is None:
        return product[:60]
    if version and version != "v0.0.0" and product.lower() in _VERSIONED:
        return f"{name} {version[:30]}"
    return name
