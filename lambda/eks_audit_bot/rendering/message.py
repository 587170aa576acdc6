"""One SNS message per alert: a per-protocol body (`MessageStructure=json`) and attributes.

Email and plain subscribers get the readable text; queues, functions and webhooks get the JSON
document; with `HTTPS_FORMAT=chatbot`, `https` subscribers (Amazon Q Developer in chat
applications) get its custom notification instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from eks_audit_bot.model.alert import Alert, Digest
from eks_audit_bot.model.aws_alert import AUDIT_LOG, AwsAlert
from eks_audit_bot.model.outgoing import Outgoing
from eks_audit_bot.rendering.aws import aws_subject, render_aws_text
from eks_audit_bot.rendering.aws_document import aws_chat, aws_document
from eks_audit_bot.rendering.digest import (
    digest_chat_text,
    digest_document,
    digest_subject,
    render_digest_text,
)
from eks_audit_bot.rendering.document import alert_document, chat_message, chat_notification
from eks_audit_bot.rendering.safety import line
from eks_audit_bot.rendering.text import alert_subject, render_text
from eks_audit_bot.settings import HttpsFormat, Settings

# SNS takes 256 KiB per message including attributes; stay well clear of it.
MESSAGE_BYTE_LIMIT = 200 * 1024
ATTRIBUTE_VALUE_LIMIT = 256


def attributes(alert: Alert) -> dict[str, str]:
    """The message attributes subscription filter policies match on (a documented contract).

    SNS rejects empty String attributes, so a cluster-scoped resource has no `namespace`
    attribute: match it with `{"namespace": [{"exists": false}]}`.
    """
    event = alert.event
    values = {
        "severity": str(alert.severity),
        "source": AUDIT_LOG,
        "cluster": alert.location.cluster,
        "account": alert.location.account_id,
        "namespace": event.object_ref.namespace,
        "verb": event.verb,
        "resource": event.resource_path,
        "actor": alert.actor.display_name,
        "rule": alert.rule.rule_id,
        "outcome": alert.outcome,
    }
    return {name: line(value)[:ATTRIBUTE_VALUE_LIMIT] for name, value in values.items() if value}


def aws_attributes(alert: AwsAlert) -> dict[str, str]:
    """The same attributes for an AWS API call or alarm alert (`source` cloudtrail or health);
    `cluster` is absent when the alert concerns no one cluster, `outcome` for an alarm."""
    values = {
        "severity": str(alert.severity),
        "source": alert.source,
        "cluster": alert.location.cluster,
        "account": alert.location.account_id,
        "verb": alert.verb,
        "resource": alert.resource,
        "actor": alert.actor.display_name,
        "rule": alert.rule.rule_id,
        "outcome": alert.outcome,
    }
    return {name: line(value)[:ATTRIBUTE_VALUE_LIMIT] for name, value in values.items() if value}


def build(item: Alert | Digest | AwsAlert, settings: Settings) -> Outgoing:
    """The SNS message for an alert or a digest."""
    if isinstance(item, Digest):
        return _build_digest(item, settings)
    if isinstance(item, AwsAlert):
        return _build_aws(item, settings)
    return _build_alert(item, settings)


def _build_alert(alert: Alert, settings: Settings) -> Outgoing:
    body = _fitted(
        render_text(alert),
        alert_document(alert),
        settings,
        chat_notification(alert),
        bulky=("changes", ["(too long for one message: see the audit log)"]),
    )
    return Outgoing(
        subject=alert_subject(alert),
        message=body,
        attributes=attributes(alert),
        audit_id=alert.event.audit_id,
    )


def _build_aws(alert: AwsAlert, settings: Settings) -> Outgoing:
    body = _fitted(
        render_aws_text(alert),
        aws_document(alert),
        settings,
        aws_chat(alert),
        bulky=("changes", ["(too long for one message: see CloudTrail)"]),
    )
    return Outgoing(
        subject=aws_subject(alert),
        message=body,
        attributes=aws_attributes(alert),
        audit_id=alert.event.audit_id,
    )


def _build_digest(digest: Digest, settings: Settings) -> Outgoing:
    lead = digest.lead
    text = render_digest_text(digest)
    title = digest_subject(digest)
    chat = chat_message(
        lead, title=title, text=digest_chat_text(digest), next_steps=[], resources=[]
    )
    body = _fitted(text, digest_document(digest), settings, chat, bulky=("members", []))
    values = attributes(lead)
    values["severity"] = str(digest.severity)
    values["outcome"] = "denied" if digest.denied == digest.count else "allowed"
    values["digest"] = str(digest.kind)
    return Outgoing(subject=title, message=body, attributes=values, audit_id=lead.event.audit_id)


def _fitted(
    text: str,
    document: Mapping[str, Any],
    settings: Settings,
    chat: Mapping[str, Any] | None,
    *,
    bulky: tuple[str, list[str]],
) -> str:
    """The message body, slimmed when too big for SNS: the bulky list of the document goes and
    the text is cut; who, what and where stay."""
    body = _structure(text, document, settings, chat)
    if len(body.encode()) <= MESSAGE_BYTE_LIMIT:
        return body
    field, placeholder = bulky
    cut = text[: MESSAGE_BYTE_LIMIT // 8] + "\n… (truncated: see the audit log)\n"
    return _structure(cut, {**document, field: placeholder}, settings, None)


def _structure(
    text: str,
    document: Mapping[str, Any],
    settings: Settings,
    chat: Mapping[str, Any] | None,
) -> str:
    machine = json.dumps(document, ensure_ascii=False, sort_keys=True)
    https = machine
    if settings.https_format is HttpsFormat.CHATBOT and chat is not None:
        https = json.dumps(chat, ensure_ascii=False)
    return json.dumps(
        {
            "default": text,
            "email": text,
            "email-json": machine,
            "sqs": machine,
            "lambda": machine,
            "http": machine,
            "https": https,
        },
        ensure_ascii=False,
    )
