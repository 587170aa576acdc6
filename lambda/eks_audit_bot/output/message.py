"""One SNS message per alert or digest: a body per protocol that needs its own, and attributes.

Published with `MessageStructure=json`, where SNS gives each subscription the body named after
its protocol, else `default`. So only the bodies that differ are sent:

- `default`: the JSON document, for `sqs`, `lambda`, `http`, `https`, `email-json`,
  `firehose` and `application` subscribers;
- `email`: the readable text;
- `sms`: one line (the Subject);
- `https`: the custom notification for Amazon Q Developer in chat applications, only with
  `HTTPS_FORMAT=chatbot`.

The whole request fits SNS's 256 KiB (`sizing`): the largest fields are shortened first, and
the alert says what was shortened.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from eks_audit_bot.aws.alert import AUDIT_LOG, AwsAlert
from eks_audit_bot.aws.document import aws_chat, aws_document
from eks_audit_bot.aws.text import aws_subject, render_aws_text
from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.kube.alert import Alert, Digest
from eks_audit_bot.kube.digest import (
    digest_chat_text,
    digest_document,
    digest_subject,
    render_digest_text,
)
from eks_audit_bot.kube.document import alert_document, chat_message, chat_notification
from eks_audit_bot.kube.text import alert_subject, render_text
from eks_audit_bot.output.safety import line
from eks_audit_bot.output.sizing import (
    AWS_FIELDS,
    FIELDS,
    SNS_REQUEST_LIMIT,
    Field,
    digest_steps,
    least_size,
    steps,
)
from eks_audit_bot.settings import HttpsFormat, Settings

ATTRIBUTE_VALUE_LIMIT = 256
SHORTENED = "Shortened to fit one SNS message (see the audit log for the rest)"


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
    return {
        name: _utf8(line(value)[:ATTRIBUTE_VALUE_LIMIT]) for name, value in values.items() if value
    }


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
    return {
        name: _utf8(line(value)[:ATTRIBUTE_VALUE_LIMIT]) for name, value in values.items() if value
    }


def build(item: Alert | Digest | AwsAlert, settings: Settings) -> Outgoing:
    """The SNS message for an alert or a digest, within SNS's limit on one request."""
    if isinstance(item, Digest):
        return _fitted_digest(item, settings)
    if isinstance(item, AwsAlert):
        return _fitted(
            item, AWS_FIELDS, lambda smaller, notes: _aws_message(smaller, settings, notes)
        )
    return _fitted(item, FIELDS, lambda smaller, notes: _alert_message(smaller, settings, notes))


def _fitted[T](
    item: T, fields: tuple[Field[T], ...], render: Callable[[T, list[str]], Outgoing]
) -> Outgoing:
    """`render(item)`, with its largest fields shortened until it fits one SNS request."""
    notes: list[str] = []
    smaller = steps(item, fields)
    # Fields that alone exceed the limit are cut before anything is rendered.
    while least_size(item, fields) > SNS_REQUEST_LIMIT and (step := next(smaller, None)):
        item, note = step
        notes.append(note)
    outgoing = render(item, notes)
    while outgoing.size > SNS_REQUEST_LIMIT and (step := next(smaller, None)) is not None:
        item, note = step
        notes.append(note)
        outgoing = render(item, notes)
    return outgoing


def _fitted_digest(digest: Digest, settings: Settings) -> Outgoing:
    notes: list[str] = []
    outgoing = _digest_message(digest, settings, None, notes)
    steps = digest_steps(digest)
    while outgoing.size > SNS_REQUEST_LIMIT and (step := next(steps, None)) is not None:
        smaller, members, note = step
        notes.append(note)
        outgoing = _digest_message(smaller, settings, members, notes)
    return outgoing


def _alert_message(alert: Alert, settings: Settings, notes: list[str]) -> Outgoing:
    subject = alert_subject(alert)
    chat = None
    if settings.https_format is HttpsFormat.CHATBOT:
        chat = chat_notification(alert)
    return Outgoing(
        subject=subject,
        message=bodies(subject, render_text(alert), alert_document(alert), chat, notes),
        attributes=attributes(alert),
        audit_id=alert.event.audit_id,
    )


def _aws_message(alert: AwsAlert, settings: Settings, notes: list[str]) -> Outgoing:
    subject = aws_subject(alert)
    chat = aws_chat(alert) if settings.https_format is HttpsFormat.CHATBOT else None
    return Outgoing(
        subject=subject,
        message=bodies(subject, render_aws_text(alert), aws_document(alert), chat, notes),
        attributes=aws_attributes(alert),
        audit_id=alert.event.audit_id,
    )


def _digest_message(
    digest: Digest, settings: Settings, members: int | None, notes: list[str]
) -> Outgoing:
    lead = digest.lead
    text = render_digest_text(digest)
    title = digest_subject(digest)
    chat = None
    if settings.https_format is HttpsFormat.CHATBOT:
        chat = chat_message(
            lead, title=title, text=digest_chat_text(digest), next_steps=[], resources=[]
        )
    document = digest_document(digest)
    if members is not None:
        document["members"] = document["members"][:members]
    values = attributes(lead)
    values["severity"] = str(digest.severity)
    values["outcome"] = "denied" if digest.denied == digest.count else "allowed"
    values["digest"] = str(digest.kind)
    return Outgoing(
        subject=title,
        message=bodies(title, text, document, chat, notes),
        attributes=values,
        audit_id=lead.event.audit_id,
    )


def bodies(
    one_line: str,
    text: str,
    document: dict[str, Any],
    chat: Mapping[str, Any] | None,
    notes: list[str],
) -> str:
    """The `MessageStructure=json` message: `default`, `email`, `sms` and maybe `https`."""
    if notes:
        text += f"\n{SHORTENED}:\n" + "".join(f"  - {note}\n" for note in notes)
        document["shortened"] = list(notes)
    structure = {
        "default": json.dumps(document, ensure_ascii=False, sort_keys=True),
        "email": text,
        "sms": one_line,
    }
    if chat is not None:
        if notes:
            chat = _with_note(chat)
        structure["https"] = json.dumps(chat, ensure_ascii=False)
    return _utf8(json.dumps(structure, ensure_ascii=False))


def _with_note(chat: Mapping[str, Any]) -> dict[str, Any]:
    content = dict(chat["content"])
    content["description"] = f"{content['description']}\n_{SHORTENED}._"
    return {**chat, "content": content}


def _utf8(text: str) -> str:
    """`text` as SNS can carry it: a lone surrogate (from a `\\ud800` escape in the audit
    JSON) cannot be encoded as UTF-8, so it becomes `?`."""
    return text.encode("utf-8", "replace").decode("utf-8")
