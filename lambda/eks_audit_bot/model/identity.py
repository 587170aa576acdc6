"""Who really acted: the IAM identity behind a shared Kubernetes username.

On EKS, `kubernetes-admin` (or any aws-auth/access-entry mapping) is shared by many people;
the person is in `user.extra`: `arn` (the STS session ARN), `canonicalArn` (the role or user)
and `sessionName` (empty for IAM users). Access keys in `extra.accessKeyId` are never used.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from eks_audit_bot.model.audit import AuditEvent, UserInfo

ANONYMOUS_USERS = frozenset({"system:anonymous", "system:unauthenticated"})
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
EKS_SERVICE_LINKED_ROLE = "/aws-service-role/eks.amazonaws.com/"


class ActorKind(StrEnum):
    HUMAN = "human"
    ANONYMOUS = "anonymous"
    SERVICE_ACCOUNT = "service_account"
    NODE = "node"
    CONTROL_PLANE = "control_plane"
    EKS = "eks"
    AWS_SERVICE = "aws_service"  # an AWS service calling an AWS API (CloudTrail)


@dataclass(frozen=True, slots=True)
class Actor:
    """The identity to show in an alert. Empty strings mean "not in the event"."""

    username: str
    display_name: str
    kind: ActorKind
    iam_arn: str = ""
    canonical_arn: str = ""
    session_name: str = ""
    groups: tuple[str, ...] = ()
    impersonated_user: str = ""
    impersonated_groups: tuple[str, ...] = ()

    @property
    def role_name(self) -> str:
        """`Admin` for `arn:aws:iam::1:role/Admin` or an assumed-role ARN; else empty."""
        for arn in (self.canonical_arn, self.iam_arn):
            resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
            if resource.startswith("role/"):
                return resource.rsplit("/", 1)[-1]
            if resource.startswith("assumed-role/"):
                return resource.split("/")[1]
        return ""

    @property
    def label(self) -> str:
        """A one-line name for subjects and digests: `alice (as bob)`."""
        if self.impersonated_user:
            return f"{self.display_name} (as {self.impersonated_user})"
        return self.display_name


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
