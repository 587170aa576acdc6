"""An alert from outside the audit log: an AWS API call (CloudTrail) or an alarm (health).

It carries what every renderer needs beside the rule, actor and location: the kind of resource
and the one it touched (`resource`, `target`), and what was done in a few words (`action`,
e.g. `granted AmazonEKSClusterAdminPolicy to role/contractor`). All of them may hold
caller-controlled text: renderers escape them like any other field.

It implements the alert view (`core.view.AlertView`) with this feed's renderers (`text`,
`document`, `pagerduty`, `fields`); what differs between an API call and an alarm, each event
kind says for itself (`ApiCall` and `AlarmChange` answer the same questions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Location, Outcome, RuleHit
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.core.view import AUDIT_LOG, CLOUDTRAIL, HEALTH

if TYPE_CHECKING:
    from eks_audit_bot.aws.eventbridge import DecodedAwsEvent
    from eks_audit_bot.core.view import Page

__all__ = ["AUDIT_LOG", "CLOUDTRAIL", "HEALTH", "AwsAlert"]


@dataclass(frozen=True, slots=True)
class AwsAlert:
    event: DecodedAwsEvent  # an `ApiCall` or an `AlarmChange`
    actor: Actor
    rule: RuleHit
    location: Location
    resource: str  # `access-entry`, `cluster`, `log-group`, `function`, `rule`, `alarm`
    target: str  # the one touched: a principal ARN, a log group, an alarm name
    action: str  # past tense, without who and where
    changes: tuple[str, ...] = ()
    client: str = ""

    @property
    def source(self) -> str:
        """The `source` message attribute: `cloudtrail` or `health`."""
        return self.event.source

    @property
    def outcome(self) -> str:
        """`allowed` or `denied` for an API call (failed calls do not alert); empty for an
        alarm, which has no outcome."""
        return str(self.event.outcome)

    @property
    def severity(self) -> Severity:
        """The rule's severity, one step lower when AWS refused the call."""
        if self.outcome == Outcome.DENIED:
            return self.rule.severity.lowered()
        return self.rule.severity

    @property
    def verb(self) -> str:
        """The API operation (`AssociateAccessPolicy`), or the alarm's new state (`ALARM`)."""
        return self.event.verb

    @property
    def time(self) -> str:
        return self.event.when

    @property
    def source_ips(self) -> tuple[str, ...]:
        return self.event.source_ips

    @property
    def user_agent(self) -> str:
        return self.event.user_agent

    # ---- the alert view (`core.view.AlertView`) ----
    # The renderers load with the first alert that is rendered, not with the model.

    @property
    def audit_id(self) -> str:
        return self.event.audit_id

    @property
    def alerts(self) -> tuple[AwsAlert, ...]:
        return (self,)

    @property
    def resolves(self) -> bool:
        return self.event.resolves

    def subject(self) -> str:
        from eks_audit_bot.aws.text import aws_subject  # noqa: PLC0415

        return aws_subject(self)

    def text(self) -> str:
        from eks_audit_bot.aws.text import render_aws_text  # noqa: PLC0415

        return render_aws_text(self)

    def document(self) -> dict[str, Any]:
        from eks_audit_bot.aws.document import aws_document  # noqa: PLC0415

        return aws_document(self)

    def chat(self) -> dict[str, Any]:
        from eks_audit_bot.aws.document import aws_chat  # noqa: PLC0415

        return aws_chat(self)

    def attribute_values(self) -> dict[str, str]:
        """`cluster` is absent when the alert concerns no one cluster, `outcome` for an
        alarm (the renderer leaves empty values out)."""
        return {
            "severity": str(self.severity),
            "source": self.source,
            "cluster": self.location.cluster,
            "account": self.location.account_id,
            "verb": self.verb,
            "resource": self.resource,
            "actor": self.actor.display_name,
            "rule": self.rule.rule_id,
            "outcome": self.outcome,
        }

    def page(self) -> Page:
        from eks_audit_bot.aws.pagerduty import page_of  # noqa: PLC0415

        return page_of(self)

    def least_size(self) -> int:
        from eks_audit_bot.aws.fields import AWS_FIELDS  # noqa: PLC0415
        from eks_audit_bot.output.sizing import least_size  # noqa: PLC0415

        return least_size(self, AWS_FIELDS)

    def smaller(self) -> Iterator[tuple[AwsAlert, str]]:
        from eks_audit_bot.aws.fields import AWS_FIELDS  # noqa: PLC0415
        from eks_audit_bot.output.sizing import steps  # noqa: PLC0415

        return steps(self, AWS_FIELDS)

    def identity(self) -> dict[str, str]:
        return self.event.identity_of(self.rule.rule_id)
