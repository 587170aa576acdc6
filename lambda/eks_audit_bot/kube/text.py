"""Human-readable renderings of an alert: the SNS Subject, the text body and a console link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from eks_audit_bot.core.alert import Location
from eks_audit_bot.kube.audit import AuditEvent

if TYPE_CHECKING:
    from eks_audit_bot.kube.alert import Alert

from eks_audit_bot.output.form import account_label, console_host, safe_lines, section, subject
from eks_audit_bot.output.safety import Link

TRUNCATED_NOTE = "yes: CloudWatch Logs cut the log line, request and response bodies not seen"
_PAST_TENSE = {
    "create": "created",
    "update": "updated",
    "patch": "patched",
    "delete": "deleted",
    "deletecollection": "deleted all",
    "get": "read",
    "list": "listed",
    "watch": "watched",
    "approve": "approved",
}
STREAMING_PHRASES = {
    "exec": "exec'd into",
    "attach": "attached to",
    "portforward": "port-forwarded to",
}


def past_tense(verb: str) -> str:
    """`deleted` for `delete`; verbs without a known form stay as they are."""
    return _PAST_TENSE.get(verb, verb)


def target(event: AuditEvent) -> str:
    """`secrets payments/db`, `clusterrolebindings admins`, or the URI of a non-resource call."""
    ref = event.object_ref
    if not ref.resource:
        return event.resource_path
    if ref.name:
        return (
            f"{ref.resource} {ref.namespace}/{ref.name}"
            if ref.namespace
            else f"{ref.resource} {ref.name}"
        )
    return f"{ref.resource} in {ref.namespace}" if ref.namespace else ref.resource


def action(event: AuditEvent) -> str:
    """What was done, in a few words: `deleted secrets payments/db`, `exec'd into pods app/x`."""
    ref = event.object_ref
    if event.is_streaming:
        return f"{STREAMING_PHRASES[ref.subresource]} {target(event)}"
    verb = past_tense(event.verb)
    if ref.subresource:
        return f"{verb} {target(event)} ({ref.subresource})"
    return f"{verb} {target(event)}"


def headline(alert: Alert) -> str:
    """One line: `alice deleted secrets payments/db in prod` (or `was denied: ...`).

    Raw audit data: each renderer makes it safe for its format (`safety`)."""
    event = alert.event
    who = alert.actor.label
    if not event.allowed:
        return f"{who} was denied: {event.verb} {target(event)} in {alert.location.cluster}"
    return f"{who} {action(event)} in {alert.location.cluster}"


def alert_subject(alert: Alert) -> str:
    return subject(f"[{alert.severity.upper()}] {headline(alert)}")


def alert_link(alert: Alert) -> str:
    """The Logs Insights link for an alert's audit event ("" when it cannot be built)."""
    event = alert.event
    when = event.request_received or event.stage_timestamp
    return logs_insights_url(alert.location, event.audit_id, when)


def logs_insights_url(location: Location, audit_id: str, when: str) -> str:
    """A CloudWatch Logs Insights console link that runs a query for this auditID, around
    the event's own time, in its own region and log group; "" when one of them is unknown
    (a replayed file without them): a link to the wrong place would only mislead."""
    window = _window(when)
    if not (location.region and location.log_group and window):
        return ""
    region = location.region
    host = console_host(location.partition)
    start, end = window
    query = (
        "fields @timestamp, verb, user.username, objectRef.resource, objectRef.name\n"
        f'| filter auditID = "{audit_id}"\n| sort @timestamp asc'
    )
    detail = (
        f"~(end~'{_escape(end)}~start~'{_escape(start)}~timeType~'ABSOLUTE~tz~'UTC"
        f"~editorString~'{_escape(query)}~source~(~'{_escape(location.log_group)}))"
    )
    return Link(
        f"https://{region}.{host}/cloudwatch/home?region={region}"
        f"#logsV2:logs-insights$3FqueryDetail$3D{quote(detail, safe="~()*'").replace('%', '$')}"
    )


def _escape(value: str) -> str:
    """The console's own escaping inside queryDetail: percent-encoding with `*` for `%`.

    A lone surrogate (valid in JSON, not in UTF-8) is written as its `\\ud800` escape."""
    return quote(value, safe="", errors="backslashreplace").replace("%", "*")


def _window(when: str) -> tuple[str, str] | None:
    try:
        moment = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None
    stamp = "%Y-%m-%dT%H:%M:%S.000Z"
    start, end = moment - timedelta(minutes=5), moment + timedelta(minutes=5)
    return start.strftime(stamp), end.strftime(stamp)


def render_text(alert: Alert) -> str:
    """The email/plain-text body: who, what, where, when, from where, and how to look."""
    event, rule = alert.event, alert.rule
    lines = [
        f"{alert.severity.upper()}: {rule.title}",
        headline(alert) + ("" if event.allowed else " (Kubernetes refused the request)"),
        "",
    ]
    if rule.explanation:
        lines.append(f"Why it matters: {rule.explanation}")
    if rule.runbook:
        lines.append(f"What to do: {rule.runbook}")
    if alert.changes:
        lines += ["", "What changed:", *(f"  - {change}" for change in alert.changes)]
    lines += ["", *section("Who", _who(alert)), "", *section("What", _what(event))]
    lines += ["", *section("Where", _where(alert.location))]
    lines += ["", *section("When and from where", _from_where(alert))]
    lines += ["", f"Audit ID: {event.audit_id}"]
    if url := alert_link(alert):
        lines += ["Find it in CloudWatch Logs Insights:", url]
    lines += ["", f"Rule: {rule.rule_id} | Severity: {alert.severity} | Outcome: {alert.outcome}"]
    return safe_lines(lines)


def _who(alert: Alert) -> list[tuple[str, str]]:
    actor = alert.actor
    impersonation = actor.impersonated_user
    if impersonation and actor.impersonated_groups:
        impersonation += f" (groups: {', '.join(actor.impersonated_groups)})"
    return [
        ("Person", actor.display_name),
        ("How we know", actor.person_source),
        ("Kubernetes user", actor.username),
        ("IAM identity", actor.iam_arn if actor.iam_arn != actor.username else ""),
        ("IAM role or user", actor.canonical_arn),
        ("Session", actor.session_name),
        ("Groups", ", ".join(actor.groups)),
        ("Impersonating", impersonation),
        ("Client", alert.client),
    ]


def _what(event: AuditEvent) -> list[tuple[str, str]]:
    ref = event.object_ref
    api = f"{ref.api_group or 'core'}/{ref.api_version}" if ref.api_version else ref.api_group
    code = str(event.response_code) if event.response_code is not None else "unknown"
    decision = "allowed" if event.allowed else "denied"
    return [
        ("Verb", event.verb),
        ("Resource", event.resource_path),
        ("Namespace", ref.namespace or ("(cluster-scoped)" if ref.resource else "")),
        ("Name", ref.name),
        ("API group", api),
        ("Response", f"{code} ({decision})"),
        ("Dry run", "yes" if event.is_dry_run else ""),
        ("Truncated", TRUNCATED_NOTE if event.truncated else ""),
    ]


def _where(location: Location) -> list[tuple[str, str]]:
    return [
        ("Cluster", location.cluster),
        ("Account", account_label(location)),
        ("Region", location.region),
        ("Log group", location.log_group),
    ]


def _from_where(alert: Alert) -> list[tuple[str, str]]:
    event = alert.event
    return [
        ("Time", event.request_received or event.stage_timestamp),
        ("Source IPs", ", ".join(event.source_ips)),
        ("User agent", event.user_agent),
    ]
