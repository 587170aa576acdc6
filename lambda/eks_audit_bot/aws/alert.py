"""An alert from outside the audit log: an AWS API call (CloudTrail) or an alarm (health).

It carries what every renderer needs beside the rule, actor and location: the kind of resource
and the one it touched (`resource`, `target`), and what was done in a few words (`action`,
e.g. `granted AmazonEKSClusterAdminPolicy to role/contractor`). All of them may hold
caller-controlled text: renderers escape them like any other field.
"""

from __future__ import annotations

from dataclasses import dataclass

from eks_audit_bot.aws.alarm import AlarmChange
from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Location, Outcome, RuleHit
from eks_audit_bot.core.severity import Severity

# Where an alert came from: the `source` message attribute and the document's `alert_source`.
AUDIT_LOG = "audit-log"
CLOUDTRAIL = "cloudtrail"
HEALTH = "health"


@dataclass(frozen=True, slots=True)
class AwsAlert:
    event: ApiCall | AlarmChange
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
        return CLOUDTRAIL if isinstance(self.event, ApiCall) else HEALTH

    @property
    def outcome(self) -> str:
        """`allowed` or `denied` for an API call (failed calls do not alert); empty for an
        alarm, which has no outcome."""
        return str(self.event.outcome) if isinstance(self.event, ApiCall) else ""

    @property
    def severity(self) -> Severity:
        """The rule's severity, one step lower when AWS refused the call."""
        if self.outcome == Outcome.DENIED:
            return self.rule.severity.lowered()
        return self.rule.severity

    @property
    def verb(self) -> str:
        """The API operation (`AssociateAccessPolicy`), or the alarm's new state (`ALARM`)."""
        return self.event.event_name if isinstance(self.event, ApiCall) else self.event.state

    @property
    def time(self) -> str:
        return self.event.event_time if isinstance(self.event, ApiCall) else self.event.time

    @property
    def source_ips(self) -> tuple[str, ...]:
        call = self.event
        return (call.source_ip,) if isinstance(call, ApiCall) and call.source_ip else ()

    @property
    def user_agent(self) -> str:
        return self.event.user_agent if isinstance(self.event, ApiCall) else ""
