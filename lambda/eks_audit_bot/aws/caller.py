"""Who made an AWS API call: the person behind a CloudTrail `userIdentity`.

- an assumed role: the session name, unless the session carries a source identity (then that);
  for IAM Identity Center roles (`AWSReservedSSO_*`) the session name is the user;
- an IAM user: its user name; the account root: `root`;
- a federated user: the name in its ARN; an Identity Center user: its user name;
- an AWS service: a `userIdentity.type` of `AWSService` (named by its `invokedBy`), or a
  session of a service-linked role — the role's path starts with `/aws-service-role/`
  (`arn:aws:iam::1:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS`, in
  `sessionContext.sessionIssuer.arn`); never a path that merely contains it somewhere;
- a person acting through a service (`invokedBy: cloudformation.amazonaws.com` with her own
  assumed-role credentials) is the person: `invokedBy` names an AWS service only for an
  `AWSService` identity (the alert says "via CloudFormation", `calls.client_of`).

The role (or user) behind a session is the actor's `canonical_arn`, so `automation_principals`
globs on role ARNs and names work as they do for Kubernetes users.
"""

from __future__ import annotations

from eks_audit_bot.aws.api_call import CallerIdentity
from eks_audit_bot.core.actor import Actor, ActorKind

SERVICE_LINKED_ROLE_PATH = "/aws-service-role/"
SSO_ROLE_PREFIX = "AWSReservedSSO_"


def actor_of_caller(identity: CallerIdentity) -> Actor:
    """The actor to show and classify for a CloudTrail identity."""
    canonical = identity.issuer_arn or (identity.arn if identity.type == "IAMUser" else "")
    return Actor(
        username=identity.arn or identity.principal_id or identity.invoked_by or identity.type,
        display_name=caller_name(identity),
        kind=_kind(identity, canonical),
        iam_arn=identity.arn,
        canonical_arn=canonical,
        session_name=_session(identity),
    )


def caller_name(identity: CallerIdentity) -> str:
    """The person (or service) to name in an alert."""
    if _is_service(identity):
        return identity.invoked_by or "AWS service"
    if identity.source_identity:
        return identity.source_identity
    if identity.type == "Root":
        return "root"
    if identity.user_name:
        return identity.user_name
    session = _session(identity)
    if session:
        return session
    resource = identity.arn.split(":", 5)[-1] if identity.arn.count(":") >= 5 else ""
    return resource.rsplit("/", 1)[-1] or identity.principal_id or identity.type or "unknown"


def is_sso_session(identity: CallerIdentity) -> bool:
    """An IAM Identity Center permission-set role: the session name is the signed-in user."""
    role = identity.issuer_arn.rsplit("/", 1)[-1]
    return identity.type == "AssumedRole" and role.startswith(SSO_ROLE_PREFIX)


def _session(identity: CallerIdentity) -> str:
    """The session of `arn:aws:sts::1:assumed-role/Role/session` (or a federated user)."""
    resource = identity.arn.split(":", 5)[-1] if identity.arn.count(":") >= 5 else ""
    parts = resource.split("/")
    if parts[0] == "assumed-role" and len(parts) >= 3:
        return parts[2]
    if parts[0] == "federated-user" and len(parts) >= 2:
        return parts[1]
    return ""


def _is_service(identity: CallerIdentity) -> bool:
    return identity.type == "AWSService" or is_service_linked_role(identity.issuer_arn)


def is_service_linked_role(arn: str) -> bool:
    """`arn:<partition>:iam::<account>:role/aws-service-role/<service>/<name>`: the path at
    the start of the ARN's resource, as IAM reserves it for service-linked roles."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or parts[3]:
        return False
    resource = parts[5]
    return resource.startswith("role" + SERVICE_LINKED_ROLE_PATH) and resource.count("/") >= 3


def _kind(identity: CallerIdentity, canonical: str) -> ActorKind:
    if _is_service(identity) or is_service_linked_role(canonical):
        return ActorKind.AWS_SERVICE
    return ActorKind.HUMAN
