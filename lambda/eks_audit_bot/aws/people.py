"""The person behind a generic session, for AWS API calls: each alert's caller, named from the
credential it signed with.

A call made through a role session whose name names nobody (`botocore-session-1700000000`,
`EKSGetTokenAuth`, a number) carries `userIdentity.accessKeyId`; the STS call that issued that
credential names the person (`CredentialResolver`: the state table's links, or LookupEvents),
and the alert says who and how it knows, or that nobody is known. The key goes to the resolver
only, never into the alert. A session with a source identity names its person already, and
alarms have no caller: both are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.core.credential import CredentialResolver, named, needs_a_name

_UNTRACEABLE = "the CloudTrail record carries no access key id to trace"


def name_people(alerts: Sequence[AwsAlert], resolver: CredentialResolver) -> list[AwsAlert]:
    """The alerts, each whose caller is a generic role session with the person filled in (or
    marked unknown)."""
    return [
        _named(alert, resolver)
        if needs_a_name(alert.actor) and not alert.event.source_identity  # it names the person
        else alert
        for alert in alerts
    ]


def _named(alert: AwsAlert, resolver: CredentialResolver) -> AwsAlert:
    call = alert.event
    actor = named(alert.actor, resolver, call.access_key_id, call.when, _UNTRACEABLE)
    return replace(alert, actor=actor)
