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
# EKS's service-linked roles: IAM reserves the path prefix, and role names are unique in an
# account, so the path-less form aws-iam-authenticator writes into `canonicalArn`
# (`arn:aws:iam::1:role/AWSServiceRoleForAmazonEKSNodegroup`) names them too.
EKS_SERVICE_LINKED_ROLES = frozenset(
    {
        "AWSServiceRoleForAmazonEKS",
        "AWSServiceRoleForAmazonEKSNodegroup",
        "AWSServiceRoleForAmazonEKSForFargate",
        "AWSServiceRoleForAmazonEKSConnector",
    }
)


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
    if name.startswith("eks:") or is_eks_service_linked_role(canonical):
        return ActorKind.EKS
    return ActorKind.HUMAN


def is_eks_service_linked_role(arn: str) -> bool:
    """An EKS service-linked role in exactly the forms IAM and EKS write it: its path at the
    start of the ARN's resource (`role/aws-service-role/eks.amazonaws.com/<name>`, also
    `eks-nodegroup.amazonaws.com`, `eks-fargate.amazonaws.com`...), or the path-less
    `role/<name>` of a reserved EKS role name; never a path that merely contains it."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or parts[3]:
        return False
    path, _, role = parts[5].rpartition("/")
    if path == "role":
        return role in EKS_SERVICE_LINKED_ROLES
    service = path.removeprefix("role/aws-service-role/")
    return (
        service != path
        and "/" not in service
        and service.startswith("eks")
        and service.endswith(".amazonaws.com")
    )


def _sts_session(arn: str) -> str:
    """The session of `arn:aws:sts::1:assumed-role/Role/session`, else empty."""
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    parts = resource.split("/")
    return parts[2] if parts[0] == "assumed-role" and len(parts) >= 3 else ""
