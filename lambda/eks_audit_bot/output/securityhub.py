"""Security Hub findings: each alert (audit log, CloudTrail, health) also imported as an AWS
Security Finding Format finding with `BatchImportFindings` (`SECURITY_HUB_FINDINGS=true`).

Built from what every alert message carries, its SNS attributes and JSON document, so it
reads any alert kind alike. The finding id is a hash of the action (account, cluster, rule,
auditID, time), so a re-delivered alert updates its finding instead of adding one.

Accounts: with the default product ARN, `BatchImportFindings` accepts only findings whose
`AwsAccountId` is the caller's own account (only allow-listed partner products may import for
other accounts). So an alert about another account (organization mode) is imported in that
account through a role there (`SECURITY_HUB_ROLE_NAME`, assumed per account), or, without
one, in this function's account with the member's cluster as the resource.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any, cast

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.output.mutes import document_of

if TYPE_CHECKING:
    from mypy_boto3_securityhub.client import SecurityHubClient
    from mypy_boto3_securityhub.type_defs import AwsSecurityFindingTypeDef

ALERT_SOURCES = frozenset({"audit-log", "cloudtrail", "health"})
BATCH_SIZE = 100  # BatchImportFindings' limit
# The first matching rule-id glob names the finding's type (ASFF types taxonomy).
TYPES = (
    ("tamper-*", "TTPs/Defense Evasion"),
    ("eks-audit-logging-disabled", "TTPs/Defense Evasion"),
    ("events-deleted", "TTPs/Defense Evasion"),
    ("*secret*", "TTPs/Credential Access"),
    ("*credential*", "TTPs/Credential Access"),
    ("*token*", "TTPs/Credential Access"),
    ("*exec*", "TTPs/Execution"),
    ("port-forward", "TTPs/Execution"),
    ("*binding*", "TTPs/Privilege Escalation"),
    ("*rbac*", "TTPs/Privilege Escalation"),
    ("*role*", "TTPs/Privilege Escalation"),
    ("*impersonation*", "TTPs/Privilege Escalation"),
    ("*privileged*", "TTPs/Privilege Escalation"),
    ("*admin*", "TTPs/Privilege Escalation"),
    ("aws-auth-changed", "TTPs/Privilege Escalation"),
    ("*anonymous*", "TTPs/Initial Access"),
    ("health-*", "Software and Configuration Checks"),
)
DEFAULT_TYPE = "Unusual Behaviors/User"


@dataclass(frozen=True, slots=True)
class Target:
    """Where this function stands: its account, region and partition."""

    account: str
    region: str
    partition: str = "aws"


def finding_type(rule: str) -> str:
    return next((kind for glob, kind in TYPES if fnmatchcase(rule, glob)), DEFAULT_TYPE)


def finding(message: Outgoing, target: Target, account: str) -> dict[str, Any] | None:
    """The ASFF finding for an alert message imported in `account`; None for a notice."""
    values = message.attributes
    document = document_of(message)
    if values.get("source") not in ALERT_SOURCES or not document:
        return None
    where = document.get("where") or {}
    rule = document.get("rule") or {"id": values.get("rule", ""), "title": document["summary"]}
    region = str(where.get("region") or target.region)
    alert_account = values.get("account") or account
    when = _time(str(document.get("time") or ""))
    action = "\n".join([alert_account, values.get("cluster", ""), values.get("rule", ""),
                        message.audit_id, str(document.get("time") or "")])  # fmt: skip
    record: dict[str, Any] = {
        "SchemaVersion": "2018-10-08",
        "Id": "eks-audit-bot/" + hashlib.sha256(action.encode()).hexdigest()[:40],
        "ProductArn": f"arn:{target.partition}:securityhub:{target.region}:{account}"
        f":product/{account}/default",
        "GeneratorId": f"eks-audit-bot/{values.get('rule', '')}",
        "AwsAccountId": account,
        "Types": [finding_type(values.get("rule", ""))],
        "CreatedAt": when,
        "UpdatedAt": when,
        "FirstObservedAt": when,
        "Severity": {"Label": values.get("severity", "low").upper()},
        "Title": str(rule.get("title") or document["summary"])[:256],
        "Description": str(document.get("summary", ""))[:1024],
        "Resources": _resources(values, document, target, region, alert_account),
        "UserDefinedFields": _fields(values, document),
        "RecordState": "ACTIVE",
        "Workflow": {"Status": "NEW"},
    }
    remedy = " ".join(filter(None, (rule.get("runbook"), rule.get("explanation"))))
    if remedy:
        record["Remediation"] = {"Recommendation": {"Text": remedy[:512]}}
    link = next(iter((document.get("links") or {}).values()), "")
    if link:
        record["SourceUrl"] = link
    return record


def _time(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _resources(
    values: Mapping[str, str], document: Mapping[str, Any], target: Target, region: str, acct: str
) -> list[dict[str, Any]]:
    cluster = values.get("cluster", "")
    resources: list[dict[str, Any]] = []
    if cluster:
        resources.append({
            "Type": "AwsEksCluster",
            "Id": f"arn:{target.partition}:eks:{region}:{acct}:cluster/{cluster}",
            "Partition": target.partition,
            "Region": region,
            "Details": {"AwsEksCluster": {"Name": cluster}},
        })  # fmt: skip
    actor = document.get("actor") or {}
    person = actor.get("canonical_arn") or actor.get("iam_arn") or values.get("actor", "")
    if person:
        resources.append({"Type": "Other", "Id": str(person)[:512], "Partition": target.partition,
                          "Region": region})  # fmt: skip
    if not resources:
        resources.append({"Type": "AwsAccountId", "Id": f"AWS::::Account:{acct}",
                          "Partition": target.partition, "Region": region})  # fmt: skip
    return resources


def _fields(values: Mapping[str, str], document: Mapping[str, Any]) -> dict[str, str]:
    actor = document.get("actor") or {}
    fields = {
        "actor": values.get("actor", ""),
        "iam_arn": str(actor.get("iam_arn") or ""),
        "session_name": str(actor.get("session_name") or ""),
        "rule": values.get("rule", ""),
        "verb": values.get("verb", ""),
        "resource": values.get("resource", ""),
        "namespace": values.get("namespace", ""),
        "outcome": values.get("outcome", ""),
        "source": values.get("source", ""),
    }
    return {key: value[:1024] for key, value in fields.items() if value}


@dataclass(frozen=True, slots=True)
class Imported:
    imported: int = 0
    failed: list[str] = field(default_factory=list)  # error codes, one per finding


@dataclass(slots=True)
class Importer:
    """Imports findings, each in its alert's account when a role there is known."""

    target: Target
    client_for: Callable[[str], SecurityHubClient]  # account -> a client acting in it
    role_name: str = ""

    def import_messages(self, messages: Sequence[Outgoing]) -> Imported:
        by_account: dict[str, list[dict[str, Any]]] = {}
        for message in messages:
            account = self._account_of(message)
            record = finding(message, self.target, account)
            if record is not None:
                by_account.setdefault(account, []).append(record)
        imported, failed = 0, []
        for account, records in by_account.items():
            for start in range(0, len(records), BATCH_SIZE):
                batch = records[start : start + BATCH_SIZE]
                findings = cast("list[AwsSecurityFindingTypeDef]", batch)
                answer = self.client_for(account).batch_import_findings(Findings=findings)
                imported += answer.get("SuccessCount", 0)
                failed += [f.get("ErrorCode", "?") for f in answer.get("FailedFindings", [])]
        return Imported(imported, failed)

    def _account_of(self, message: Outgoing) -> str:
        account = message.attributes.get("account", "")
        if self.role_name and account.isdigit() and len(account) == 12:
            return account
        return self.target.account
