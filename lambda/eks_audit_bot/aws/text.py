"""Human-readable renderings of an AWS API call or alarm alert: Subject, text body and link.

The same Subject rules and text layout as audit-log alerts (headline, why, what changed, who,
what, where, when, id, link, rule line); `aws_document` has the JSON document and the chat
notification. Every value that came from CloudTrail is made safe like audit data (`safety`:
credentials masked, one printable line): `requestParameters` are caller-controlled, even in a
denied call. Their URLs are also defanged (`https[:]//`) so no mail client turns them into
links. Our own links are built only from a validated region and the percent-encoded event id
or alarm name, and left out when the region is unknown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from eks_audit_bot.aws.api_call import ERROR_MESSAGE_LIMIT
from eks_audit_bot.output.form import account_label, console_host, safe_lines, section, subject
from eks_audit_bot.output.safety import Link

if TYPE_CHECKING:
    from eks_audit_bot.aws.alert import AwsAlert

__all__ = ["ERROR_MESSAGE_LIMIT", "aws_headline", "aws_link", "aws_subject", "render_aws_text"]

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
# `https://` in caller-controlled text becomes `https[:]//`: no client makes it a link. A
# scheme is at most 31 characters, as `safety.defuse` reads them: unbounded, a long run of
# `x+x+x…` took quadratic time (80,000 characters in a session name: minutes).
SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]{0,30})://", re.IGNORECASE)
_NOTES = {"denied": " (AWS refused the call)"}


def aws_headline(alert: AwsAlert) -> str:
    """`alice@example.com granted AmazonEKSClusterAdminPolicy to role/x in prod`.

    Caller data with its URLs defanged; each renderer makes it safe for its format."""
    where = f" in {alert.location.cluster}" if alert.location.cluster else ""
    event = alert.event
    if not event.has_caller:
        return plain(f"{alert.rule.title}{where}: {alert.action}")
    who = alert.actor.label
    if alert.outcome == "denied":
        return plain(f"{who} was denied {event.operation}{_on(alert)}{where}")
    return plain(f"{who} {alert.action}{where}")


def aws_subject(alert: AwsAlert) -> str:
    return subject(f"[{alert.severity.upper()}] {aws_headline(alert)}")


def aws_link(alert: AwsAlert) -> tuple[str, str]:
    """What the link shows and its URL: the CloudTrail event, or the alarm; no URL when the
    region is unknown (a link to the wrong region would only mislead)."""
    where = alert.location
    if not _REGION.fullmatch(where.region):
        return "", ""
    region = where.region
    label, url = alert.event.console_link(
        f"https://{region}.{console_host(where.partition)}", region
    )
    return label, Link(url)


def render_aws_text(alert: AwsAlert) -> str:
    """The email/plain-text body, laid out like an audit-log alert's."""
    rule = alert.rule
    lines = [f"{alert.severity.upper()}: {rule.title}", aws_headline(alert), ""]
    lines[1] += _NOTES.get(alert.outcome, "")
    if rule.explanation:
        lines.append(f"Why it matters: {rule.explanation}")
    if rule.runbook:
        lines.append(f"What to do: {rule.runbook}")
    if alert.changes:
        lines += ["", "What changed:", *(f"  - {plain(line)}" for line in alert.changes)]
    if alert.event.has_caller:
        lines += ["", *_block("Who", _who(alert))]
    lines += ["", *_block("What", _what(alert)), "", *_block("Where", where_fields(alert))]
    lines += ["", *_block("When and from where", _when(alert))]
    lines += ["", f"Event ID: {alert.event.audit_id}"]
    label, url = aws_link(alert)
    if url:
        lines += [label, url]
    outcome = f" | Outcome: {alert.outcome}" if alert.outcome else ""
    lines += ["", f"Rule: {rule.rule_id} | Severity: {alert.severity}{outcome}"]
    return safe_lines(lines)


def plain(text: str) -> str:
    """Caller text with its URLs defanged (renderers still make it safe: `safety.line`)."""
    return SCHEME.sub(r"\1[:]//", text)


def _block(title: str, fields: list[tuple[str, str]]) -> list[str]:
    return section(title, [(name, SCHEME.sub(r"\1[:]//", value)) for name, value in fields])


def _on(alert: AwsAlert) -> str:
    target = alert.target
    if target == alert.location.cluster:
        return ""
    if target.startswith("arn:") and target.count(":") >= 5:
        target = target.split(":", 5)[5]
    return f" on {target}" if target else ""


def _who(alert: AwsAlert) -> list[tuple[str, str]]:
    actor = alert.actor
    return [
        ("Person", actor.display_name),
        ("How we know", actor.person_source),
        ("IAM identity", actor.iam_arn),
        ("IAM role or user", actor.canonical_arn if actor.canonical_arn != actor.iam_arn else ""),
        ("Session", actor.session_name if actor.session_name != actor.display_name else ""),
        *alert.event.caller_fields(),
        ("Client", alert.client),
    ]


def _what(alert: AwsAlert) -> list[tuple[str, str]]:
    return alert.event.what_fields(alert.resource, alert.target, alert.outcome)


def where_fields(alert: AwsAlert) -> list[tuple[str, str]]:
    where = alert.location
    return [
        ("Cluster", where.cluster),
        ("Account", account_label(where)),
        ("Region", where.region),
        ("Log group", where.log_group),
    ]


def _when(alert: AwsAlert) -> list[tuple[str, str]]:
    return [
        ("Time", alert.time),
        ("Source IP", ", ".join(alert.source_ips)),
        ("User agent", alert.user_agent),
    ]
