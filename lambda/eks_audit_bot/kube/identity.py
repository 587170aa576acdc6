"""Who really acted: the IAM identity behind a shared Kubernetes username.

On EKS, `kubernetes-admin` (or any aws-auth/access-entry mapping) is shared by many people;
the person is in `user.extra`: `arn` (the STS session ARN), `canonicalArn` (the role or user)
and `sessionName` (empty for IAM users). Access keys in `extra.accessKeyId` are never used.
"""

from __future__ import annotations

from eks_audit_bot.core.actor import Actor, ActorKind
from eks_audit_bot.kube.audit import AuditEvent, UserInfo

ANONYMOUS_USERS = frozenset({"system:anonymous", "system:unauthenticated"})
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
EKS_SERVICE_LINKED_ROLE = "/aws-service-role/eks.amazonaws.com/"


def actor_of(event: AuditEvent) -> Actor:
    return actor_for(event.user, event.impersonated_user)


def actor_for(user: UserInfo, impersonated: UserInfo | None = None) -> Actor:
    """The actor of a request by `user`, acting as `impersonated` when set."""
    iam_arn = user.extra_value("arn") or ""
    return Actor(
        username=user.username,
        display_name=display_name(user),
        kind=kind_of(user),
        iam_arn=iam_arn,
        canonical_arn=user.extra_value("canonicalArn") or "",
        session_name=user.extra_value("sessionName") or _sts_session(iam_arn),
        groups=user.groups,
        impersonated_user=impersonated.username if impersonated else "",
        impersonated_groups=impersonated.groups if impersonated else (),
    )


def display_name(user: UserInfo) -> str:
    """The person where the event names one, else the Kubernetes username."""
    session = user.extra_value("sessionName")
    if session:
        return session
    arn = user.extra_value("arn") or user.extra_value("canonicalArn")
    if arn:
        return _sts_session(arn) or arn.rsplit("/", 1)[-1]
    if user.username.startswith("arn:aws") and "/" in user.username:
        return _sts_session(user.username) or user.username.rsplit("/", 1)[-1]
    if user.username.startswith(SERVICE_ACCOUNT_PREFIX):
        namespace, _, name = user.username.removeprefix(SERVICE_ACCOUNT_PREFIX).partition(":")
        return f"{namespace}/{name}"
    return user.username


def kind_of(user: UserInfo) -> ActorKind:
    """The built-in classification; configurable allow-lists live in `classify`."""
    name = user.username
    if name in ANONYMOUS_USERS:
        return ActorKind.ANONYMOUS
    if name.startswith(SERVICE_ACCOUNT_PREFIX):
        return ActorKind.SERVICE_ACCOUNT
    if name.startswith("system:node:"):
        return ActorKind.NODE
    if name.startswith("system:"):
        return ActorKind.CONTROL_PLANE
    canonical = user.extra_value("canonicalArn") or ""
    if name.startswith("eks:") or EKS_SERVICE_LINKED_ROLE in canonical:
        return ActorKind.EKS
    return ActorKind.HUMAN


def _sts_session(arn: str) -> str:
    """The session of `arn:aws:sts::1:assumed-role/Role/session`, else empty."""
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    parts = resource.split("/")
    return parts[2] if parts[0] == "assumed-role" and len(parts) >= 3 else ""
