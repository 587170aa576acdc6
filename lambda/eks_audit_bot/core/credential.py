"""The person behind a temporary credential, when the session name says nothing.

`aws eks get-token --role-arn ...`, the AWS SDKs and many CI tools and IDEs assume a role with
a generic session name, so the audit log's `user.extra.sessionName` names no person. The audit
log also carries `user.extra.accessKeyId`: the key of the credential that signed the token,
issued by one STS call (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity) whose
CloudTrail record names the person (its source identity, the SAML or web-identity subject, or
the caller's own identity). A `CredentialLink` is that finding; a `CredentialResolver` finds it
(the state table, CloudTrail LookupEvents). Shared by the feeds: the AWS feed records links,
the Kubernetes feed uses them.

An access key id is never shown, logged or stored: `credential_key` is its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Protocol

from eks_audit_bot.core.actor import Actor, ActorKind

_DIGITS = re.compile(r"[0-9]+")
KEY_PREFIX = "credential#"


@cache
def generic_sessions() -> tuple[frozenset[str], tuple[str, ...]]:
    """Session names that name no person, as tools set them (`generic_sessions.json`, which
    the module's EventBridge rule reads too): exact names, and prefixes."""
    text = resources.files("eks_audit_bot.core").joinpath("generic_sessions.json").read_text()
    document = json.loads(text)
    return frozenset(document["names"]), tuple(document["prefixes"])


def is_generic_session(name: str) -> bool:
    """Whether a session name names no person: a listed name or prefix (`generic_sessions`),
    digits only (a timestamp), or none."""
    names, prefixes = generic_sessions()
    return (
        not name
        or name in names
        or name.startswith(prefixes)
        or _DIGITS.fullmatch(name) is not None
    )


def credential_key(access_key_id: str) -> str:
    """The state table's id for a credential: a hash, never the key itself."""
    return KEY_PREFIX + hashlib.sha256(access_key_id.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CredentialLink:
    """Who obtained a credential, and how we know: the STS call that issued it."""

    person: str
    operation: str  # AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity
    role_arn: str
    issued_at: str  # the call's eventTime, ISO 8601 UTC
    basis: str  # what named the person: "its source identity", "the SAML subject", ...
    found_by: str = "CloudTrail"  # how the function learned of the call

    @property
    def role_name(self) -> str:
        return self.role_arn.rsplit("/", 1)[-1]

    def describe(self) -> str:
        """`assumed role eks-admin as alice@example.com at 10:02 UTC on 2026-11-20 (AssumeRole,
        named by the caller's identity; found by ...)`."""
        when = self.issued_at[11:16] if len(self.issued_at) >= 16 else self.issued_at
        at = f" at {when} UTC on {self.issued_at[:10]}" if when else ""
        return (
            f"assumed role {self.role_name} as {self.person}{at} "
            f"({self.operation}, named by {self.basis}; found by {self.found_by})"
        )


class CredentialResolver(Protocol):
    """Finds the link of a credential used for a request made at `when` (ISO 8601) with the
    role `role_arn`; None when nothing is known."""

    def resolve(self, access_key_id: str, role_arn: str, when: str) -> CredentialLink | None: ...


UNKNOWN_PERSON = "unknown person"


def needs_a_name(actor: Actor) -> bool:
    """A person acting through an assumed role whose session names nobody."""
    return (
        actor.kind is ActorKind.HUMAN
        and ":assumed-role/" in actor.iam_arn
        and is_generic_session(actor.session_name)
    )


def named(
    actor: Actor, resolver: CredentialResolver, access_key_id: str, when: str, untraceable: str
) -> Actor:
    """`actor` (a generic session) with the person behind its credential and how we know, or
    marked unknown with why: `untraceable` when there is no access key id to trace. The key
    goes to the resolver only, never into the actor."""
    session = actor.session_name or "(none)"
    link = resolver.resolve(access_key_id, actor.canonical_arn, when) if access_key_id else None
    if link is not None:
        return actor._replace(display_name=link.person, person_source=link.describe())
    why = (
        "no record of the STS call that issued this credential (see "
        "docs/automation-and-identity.md)"
        if access_key_id
        else untraceable
    )
    return actor._replace(
        display_name=f"{UNKNOWN_PERSON} (role {actor.role_name or '?'}, session {session})",
        person_source=f"unknown: session {session} names nobody, and {why}",
    )


class CredentialStore(Protocol):
    """Keeps a credential's link until `expires` (the state table, or memory for `replay`)."""

    def put(self, access_key_id: str, link: CredentialLink, expires: datetime) -> None: ...
