"""Named content predicates that catalog rules use beside verbs, resources and names.

A rule lists predicate names under `match.predicates`; all of them must hold. Each reads
only what EKS logs (bodies at RequestResponse for RBAC, pods, workloads, services and aws-auth;
none at Metadata for secrets and configmaps), so a predicate about content is false when the
body is not in the event. The `RuleContext` carries what the settings add (protected
namespaces, trusted networks, listed automation).

Actor predicates also decide who a rule is for: a rule that names none of them is about
people; `anonymous-actor` rules are for anonymous requests, and the automation ones
(`automation-actor`, `service-account-actor`, `workload-identity`) are the out-of-character
rules that see automation at all.

The content predicates import the module that reads the body (`rbac`, `workloads`,
`exposure`, `credentials`) when first called: a batch of automation and reads never calls
them, so they stay out of the cold start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from eks_audit_bot.core.actor import Actor, ActorKind
from eks_audit_bot.core.alert import Outcome
from eks_audit_bot.core.jsonvalue import mapping, text
from eks_audit_bot.kube.alert import outcome_of
from eks_audit_bot.kube.audit import AuditEvent
from eks_audit_bot.kube.bodies import name_of, object_of
from eks_audit_bot.kube.context import RuleContext
from eks_audit_bot.kube.identity import SERVICE_ACCOUNT_PREFIX

type Predicate = Callable[[AuditEvent, Actor, RuleContext], bool]

# Granted to everyone, signed in or not, by the default `system:public-info-viewer` role.
PUBLIC_INFO_PATHS = ("/healthz", "/livez", "/readyz", "/version")
PRIVILEGED_USERS = frozenset({"system:admin", "kubernetes-admin"})
PRIVILEGED_USER_PREFIXES = ("system:kube-", "system:node:", "eks:", "system:serviceaccount:kube-")
ANONYMOUS_PREDICATES = frozenset({"anonymous-actor"})
AUTOMATION_PREDICATES = frozenset(
    {"automation-actor", "service-account-actor", "workload-identity", "any-identity"}
)
_WORKLOAD_KINDS = frozenset({ActorKind.SERVICE_ACCOUNT, ActorKind.NODE})
# Identities that are never a service account themselves: any token they mint is another's.
_SYSTEM_KINDS = frozenset({ActorKind.CONTROL_PLANE, ActorKind.EKS})
# Predicates that read only an event's shape: the actor's kind and whom it impersonates, the
# verb, the object reference (not the name) and the outcome. Events that share a shape agree
# on them, so the screen (`kube/screen.py`) evaluates them once per shape.
SHAPE_PREDICATES = frozenset(
    {
        "anonymous-actor",
        "human-actor",
        "workload-identity",
        "allowed",
        "denied",
        "protected-namespace",
        "impersonates-privileged",
    }
)


def binds_privileged_role(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The binding refers to cluster-admin/admin or has system:masters as a subject."""
    from eks_audit_bot.kube.readers import rbac  # noqa: PLC0415 - see the module doc

    return rbac.binds_privileged(object_of(event))


def grants_anonymous(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The binding's subjects include system:anonymous or system:unauthenticated."""
    from eks_audit_bot.kube.readers import rbac  # noqa: PLC0415 - see the module doc

    return rbac.grants_anonymous(object_of(event))


def dangerous_role_rules(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A role rule has `*`, escalate/bind/impersonate, RBAC writes, secret reads, exec,
    tokens or nodes/proxy."""
    from eks_audit_bot.kube.readers import rbac  # noqa: PLC0415 - see the module doc

    return any(rbac.dangerous_parts(rule) for rule in rbac.role_rules(object_of(event)))


def role_writes_workloads(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A role rule lets its holder create, change or delete pods or other workloads."""
    from eks_audit_bot.kube.readers import rbac  # noqa: PLC0415 - see the module doc

    return any(rbac.workload_writes(rule) for rule in rbac.role_rules(object_of(event)))


def privileged_workload(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The pod spec is privileged, shares a host namespace or mounts a sensitive host path."""
    from eks_audit_bot.kube.readers import workloads  # noqa: PLC0415 - see the module doc

    return bool(workloads.risky_settings(_pod_spec(event)))


def weakened_pod_security(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The pod spec runs as root, allows privilege escalation, mounts any host path, binds a
    host port, adds a capability or drops seccomp."""
    from eks_audit_bot.kube.readers import workloads  # noqa: PLC0415 - see the module doc

    return bool(workloads.weakened_settings(_pod_spec(event)))


def exposes_service(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A NodePort or LoadBalancer service, externalIPs, or an ingress."""
    from eks_audit_bot.kube.readers import exposure  # noqa: PLC0415 - see the module doc

    return bool(exposure.exposure(event.object_ref.resource, object_of(event)))


def credential_like_data(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A ConfigMap's name, keys or values look like credentials (a logged body is needed for
    keys and values; EKS logs ConfigMaps at Metadata, so usually only the name counts)."""
    from eks_audit_bot.kube.readers import credentials  # noqa: PLC0415 - see the module doc

    return bool(credentials.configmap_hints(object_of(event), name_of(event)))


def exec_copies_files(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The exec runs `tar`: `kubectl cp` copying files into or out of the container."""
    from eks_audit_bot.kube.readers import credentials  # noqa: PLC0415 - see the module doc

    return credentials.copies_files(credentials.exec_command(event))


def exec_reads_credentials(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The exec command names a token file, kubeconfig, SSH key or a credential endpoint."""
    from eks_audit_bot.kube.readers import credentials  # noqa: PLC0415 - see the module doc

    return bool(credentials.credential_places(credentials.exec_command(event)))


def protected_namespace(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The object is in (or is) one of `protected_namespaces`."""
    return context.is_protected(event.object_ref.namespace)


def anonymous_actor(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """The request came from system:anonymous or system:unauthenticated."""
    return actor.kind is ActorKind.ANONYMOUS


def human_actor(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A person (not a service account, node, component, EKS or anonymous)."""
    return actor.kind is ActorKind.HUMAN


def automation_actor(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A service account or node that `automation_principals` does not list."""
    return actor.kind in _WORKLOAD_KINDS and not context.lists(actor)


def service_account_actor(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A service account that `automation_principals` does not list."""
    return actor.kind is ActorKind.SERVICE_ACCOUNT and not context.lists(actor)


def workload_identity(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A service account or node, listed or not."""
    return actor.kind in _WORKLOAD_KINDS


def any_identity(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """Whoever acts, automation included, unless `automation_principals` lists them (with one
    of `automation_user_agents`, when set): a dangerous action alerts whoever does it, except
    those whose job it is (the rest of that is `exemptions`)."""
    return not context.listed_automation(actor, event.user_agent)


def outside_own_namespace(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A service account reaching beyond its own namespace: into another one, or across all."""
    if actor.kind is not ActorKind.SERVICE_ACCOUNT:
        return False
    own = actor.username.removeprefix(SERVICE_ACCOUNT_PREFIX).partition(":")[0]
    return event.object_ref.namespace != own


def outside_trusted_networks(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A source IP is outside the trusted networks: `trusted_source_cidrs`, or by default the
    private ranges and AWS's published ranges of the cluster's region (`networks`)."""
    return bool(context.untrusted_addresses(event.source_ips))


def token_for_another_identity(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """A service account minting a token for another one, a node minting one that is not
    bound to a pod (kubelets mint tokens for their pods' service accounts), or a control-plane
    or EKS identity minting any (never a person: `serviceaccount-token-minted` is theirs)."""
    ref = event.object_ref
    if actor.kind in _SYSTEM_KINDS:
        return True
    if actor.kind is ActorKind.SERVICE_ACCOUNT:
        return actor.username != f"{SERVICE_ACCOUNT_PREFIX}{ref.namespace}:{ref.name}"
    request = object_of(event)
    bound = mapping(mapping(request.get("spec")).get("boundObjectRef"))
    return actor.kind is ActorKind.NODE and bool(request) and text(bound.get("kind")) != "Pod"


def allowed(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """Kubernetes allowed the request (not 401/403, not `forbid`)."""
    return event.allowed


def denied(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """Kubernetes refused the request (401/403 or `forbid`); a rule naming this keeps its
    severity for denied requests."""
    return outcome_of(event) is Outcome.DENIED


def beyond_public_info(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """Not a health or version probe, which Kubernetes serves to anyone by default."""
    path = event.request_uri.split("?", 1)[0].rstrip("/")
    return not any(path == root or path.startswith(root + "/") for root in PUBLIC_INFO_PATHS)


def impersonates_privileged(event: AuditEvent, actor: Actor, context: RuleContext) -> bool:
    """Acting as system:masters, an admin user, a control-plane, node, EKS or kube-* identity."""
    if not actor.impersonated_user and not actor.impersonated_groups:
        return False
    from eks_audit_bot.kube.readers import rbac  # noqa: PLC0415 - see the module doc

    if set(actor.impersonated_groups) & rbac.PRIVILEGED_GROUPS:
        return True
    user = actor.impersonated_user
    return user in PRIVILEGED_USERS or user.startswith(PRIVILEGED_USER_PREFIXES)


def shape_predicates(context: RuleContext) -> frozenset[str]:
    """`SHAPE_PREDICATES`, and those the settings reduce to the shape: without listed
    automation principals the automation-actor ones read only the kind. Never
    `outside-trusted-networks`: it reads the addresses (the screen asks about them apart)."""
    known = set(SHAPE_PREDICATES)
    if not context.automation_principals:
        known |= {"automation-actor", "service-account-actor"}
    if not context.automation_principals or context.alert_on_automation:
        known.add("any-identity")
    return frozenset(known)


def _pod_spec(event: AuditEvent) -> Mapping[str, object]:
    from eks_audit_bot.kube.readers import workloads  # noqa: PLC0415 - see the module doc

    return workloads.pod_spec(event.object_ref.resource, object_of(event))


PREDICATES: Mapping[str, Predicate] = {
    "binds-privileged-role": binds_privileged_role,
    "grants-anonymous": grants_anonymous,
    "dangerous-role-rules": dangerous_role_rules,
    "role-writes-workloads": role_writes_workloads,
    "privileged-workload": privileged_workload,
    "weakened-pod-security": weakened_pod_security,
    "exposes-service": exposes_service,
    "credential-like-data": credential_like_data,
    "exec-copies-files": exec_copies_files,
    "exec-reads-credentials": exec_reads_credentials,
    "protected-namespace": protected_namespace,
    "anonymous-actor": anonymous_actor,
    "human-actor": human_actor,
    "automation-actor": automation_actor,
    "service-account-actor": service_account_actor,
    "workload-identity": workload_identity,
    "any-identity": any_identity,
    "outside-own-namespace": outside_own_namespace,
    "outside-trusted-networks": outside_trusted_networks,
    "token-for-another-identity": token_for_another_identity,
    "allowed": allowed,
    "denied": denied,
    "beyond-public-info": beyond_public_info,
    "impersonates-privileged": impersonates_privileged,
}
