"""Named content predicates that catalog rules use beside verbs, resources and names.

A rule lists predicate names under `match.predicates`; all of them must hold. Each reads
only what EKS logs (bodies at RequestResponse for RBAC, pods and aws-auth; none at Metadata),
so a predicate about content is false when the body is not in the event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from eks_audit_bot.detection import rbac, workloads
from eks_audit_bot.model.audit import AuditEvent
from eks_audit_bot.model.bodies import object_of
from eks_audit_bot.model.identity import Actor, ActorKind

type Predicate = Callable[[AuditEvent, Actor], bool]

# Granted to everyone, signed in or not, by the default `system:public-info-viewer` role.
PUBLIC_INFO_PATHS = ("/healthz", "/livez", "/readyz", "/version")
PRIVILEGED_USERS = frozenset({"system:admin", "kubernetes-admin"})
PRIVILEGED_USER_PREFIXES = ("system:kube-", "system:node:", "eks:", "system:serviceaccount:kube-")


def binds_privileged_role(event: AuditEvent, actor: Actor) -> bool:
    """The binding refers to cluster-admin/admin or has system:masters as a subject."""
    del actor
    return rbac.binds_privileged(object_of(event))


def grants_anonymous(event: AuditEvent, actor: Actor) -> bool:
    """The binding's subjects include system:anonymous or system:unauthenticated."""
    del actor
    return rbac.grants_anonymous(object_of(event))


def dangerous_role_rules(event: AuditEvent, actor: Actor) -> bool:
    """A role rule has `*`, escalate/bind/impersonate, secrets read, exec, tokens, nodes/proxy."""
    del actor
    return any(rbac.dangerous_parts(rule) for rule in rbac.role_rules(object_of(event)))


def privileged_workload(event: AuditEvent, actor: Actor) -> bool:
    """The pod spec is privileged, shares a host namespace or mounts a sensitive host path."""
    del actor
    spec = workloads.pod_spec(event.object_ref.resource, object_of(event))
    return bool(workloads.risky_settings(spec))


def anonymous_actor(event: AuditEvent, actor: Actor) -> bool:
    """The request came from system:anonymous or system:unauthenticated."""
    del event
    return actor.kind is ActorKind.ANONYMOUS


def human_actor(event: AuditEvent, actor: Actor) -> bool:
    """A person (not a service account, node, component, EKS or anonymous)."""
    del event
    return actor.kind is ActorKind.HUMAN


def allowed(event: AuditEvent, actor: Actor) -> bool:
    """Kubernetes allowed the request (not 401/403, not `forbid`)."""
    del actor
    return event.allowed


def beyond_public_info(event: AuditEvent, actor: Actor) -> bool:
    """Not a health or version probe, which Kubernetes serves to anyone by default."""
    del actor
    path = event.request_uri.split("?", 1)[0].rstrip("/")
    return not any(path == root or path.startswith(root + "/") for root in PUBLIC_INFO_PATHS)


def impersonates_privileged(event: AuditEvent, actor: Actor) -> bool:
    """Acting as system:masters, an admin user, a control-plane, node, EKS or kube-* identity."""
    del event
    if not actor.impersonated_user and not actor.impersonated_groups:
        return False
    if set(actor.impersonated_groups) & rbac.PRIVILEGED_GROUPS:
        return True
    user = actor.impersonated_user
    return user in PRIVILEGED_USERS or user.startswith(PRIVILEGED_USER_PREFIXES)


PREDICATES: Mapping[str, Predicate] = {
    "binds-privileged-role": binds_privileged_role,
    "grants-anonymous": grants_anonymous,
    "dangerous-role-rules": dangerous_role_rules,
    "privileged-workload": privileged_workload,
    "anonymous-actor": anonymous_actor,
    "human-actor": human_actor,
    "allowed": allowed,
    "beyond-public-info": beyond_public_info,
    "impersonates-privileged": impersonates_privileged,
}
