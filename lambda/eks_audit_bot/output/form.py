"""Pieces every feed's renderers share: the SNS Subject, safe text lines and sections, console
hosts, and the parts of the JSON document that are alike for every alert (schema version,
rule, actor, where). Each takes raw values and makes them safe where it says so."""

from __future__ import annotations

from typing import Any

from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Location, RuleHit
from eks_audit_bot.output.safety import ascii_line, line

SUBJECT_LIMIT = 100
# Bump the major part on any change that could break a consumer; see schema/alert.schema.json.
SCHEMA_VERSION = "2.0"
CONSOLE_HOSTS = {
    "aws": "console.aws.amazon.com",
    "aws-us-gov": "console.amazonaws-us-gov.com",
    "aws-cn": "console.amazonaws.cn",
}


def console_host(partition: str) -> str:
    """The AWS console's host in a partition (the commercial one when unknown)."""
    return CONSOLE_HOSTS.get(partition, CONSOLE_HOSTS["aws"])


def subject(text: str) -> str:
    """An SNS Subject SNS cannot reject: printable ASCII, one line, at most 100 characters;
    credentials masked, and anything but plain ASCII shown as an escape (`\\u202e`)."""
    clean = " ".join(ascii_line(text).split()) or "EKS audit alert"
    if len(clean) <= SUBJECT_LIMIT:
        return clean
    return clean[: SUBJECT_LIMIT - 3].rstrip() + "..."


def safe_lines(lines: list[str]) -> str:
    """The lines as one text, each masked and made one printable line (`safety.line`): a value
    holding a line break or a terminal escape cannot forge or hide a line."""
    return "".join(line(text) + "\n" for text in lines)


def section(title: str, fields: list[tuple[str, str]]) -> list[str]:
    """`Title:` then one aligned `  Name: value` line per field that has a value."""
    shown = [(name, value) for name, value in fields if value]
    width = max((len(name) for name, _ in shown), default=0) + 1
    return [f"{title}:", *(f"  {name + ':':<{width}} {value}" for name, value in shown)]


def account_label(location: Location) -> str:
    """`111122223333 (prod)`, either part alone, or "" when neither is known."""
    account = location.account_id
    if location.account_name:
        account = f"{account} ({location.account_name})" if account else location.account_name
    return account


def rule_document(rule: RuleHit) -> dict[str, str]:
    """The `rule` object of every alert document, whatever its source."""
    return {
        "id": rule.rule_id,
        "title": rule.title,
        "severity": str(rule.severity),
        "explanation": rule.explanation,
        "runbook": rule.runbook,
    }


def actor_document(actor: Actor, client: str) -> dict[str, Any]:
    """The `actor` object of every alert document."""
    # How the person behind a generic session was found, only where it was looked for.
    found = {"person_source": actor.person_source} if actor.person_source else {}
    return found | {
        "display_name": actor.display_name,
        "username": actor.username,
        "kind": str(actor.kind),
        "iam_arn": actor.iam_arn,
        "canonical_arn": actor.canonical_arn,
        "role_name": actor.role_name,
        "session_name": actor.session_name,
        "groups": list(actor.groups),
        "impersonated_user": actor.impersonated_user,
        "impersonated_groups": list(actor.impersonated_groups),
        "client": client,
    }


def where_document(where: Location) -> dict[str, str]:
    """The `where` object of every alert document."""
    return {
        "cluster": where.cluster,
        "account_id": where.account_id,
        "account_name": where.account_name,
        "region": where.region,
        "log_group": where.log_group,
    }
