"""Who acted, in any feed: the identity an alert names, and what kind of identity it is."""

from __future__ import annotations

from enum import StrEnum
from fnmatch import fnmatchcase
from typing import NamedTuple


class ActorKind(StrEnum):
    HUMAN = "human"
    ANONYMOUS = "anonymous"
    SERVICE_ACCOUNT = "service_account"
    NODE = "node"
    CONTROL_PLANE = "control_plane"
    EKS = "eks"
    AWS_SERVICE = "aws_service"  # an AWS service calling an AWS API (CloudTrail)


class Actor(NamedTuple):
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
    # How the person was found when the session named nobody (`core.credential`), e.g.
    # "assumed role eks-admin as alice@example.com at 10:02 UTC ..."; empty otherwise.
    person_source: str = ""

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


AUTOMATION_KINDS = frozenset(
    {
        ActorKind.SERVICE_ACCOUNT,
        ActorKind.NODE,
        ActorKind.CONTROL_PLANE,
        ActorKind.EKS,
        ActorKind.AWS_SERVICE,
    }
)


def matches_principal(actor: Actor, globs: tuple[str, ...]) -> bool:
    """A glob matches the username, IAM ARN, canonical ARN or role name (case-sensitive)."""
    if not globs:
        return False
    names = [
        name
        for name in (actor.username, actor.iam_arn, actor.canonical_arn, actor.role_name)
        if name
    ]
    return any(fnmatchcase(name, glob) for glob in globs for name in names)
