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
from collections.abc import Mapping
from typing import Any

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.core.view import AlertView, identity_key
from eks_audit_bot.output.https import BODIES, HttpsBody
from eks_audit_bot.output.safety import attribute_value
from eks_audit_bot.output.sizing import SNS_REQUEST_LIMIT
from eks_audit_bot.settings import Settings

ATTRIBUTE_VALUE_LIMIT = 256
SHORTENED = "Shortened to fit one SNS message (see the audit log for the rest)"


def attributes(values: Mapping[str, str]) -> dict[str, str]:
    """The message attributes subscription filter policies match on (a documented contract),
    from an alert's raw values: each one safe line within SNS's limits. SNS rejects empty
    String attributes, so an empty value is left out (a cluster-scoped resource has no
    `namespace`: match it with `{"namespace": [{"exists": false}]}`)."""
    return {
        name: _utf8(attribute_value(value)[:ATTRIBUTE_VALUE_LIMIT])
        for name, value in values.items()
        if value
    }


def build(item: AlertView, settings: Settings) -> Outgoing:
    """The SNS message for an alert or a digest, within SNS's limit on one request: its
    largest fields shortened until it fits."""
    https = BODIES[settings.https_format]
    # Of the action, not of what sizing left of it; only a FIFO topic deduplicates on it.
    key = identity_key(item.identity()) if settings.fifo_topic else ""
    notes: list[str] = []
    smaller = item.smaller()
    # Fields that alone exceed the limit are cut before anything is rendered.
    while item.least_size() > SNS_REQUEST_LIMIT and (step := next(smaller, None)):
        item, note = step
        notes.append(note)
    outgoing = render(item, key, https, notes)
    while outgoing.size > SNS_REQUEST_LIMIT and (step := next(smaller, None)) is not None:
        item, note = step
        notes.append(note)
        outgoing = render(item, key, https, notes)
    return outgoing


def render(item: AlertView, key: str, https: HttpsBody, notes: list[str]) -> Outgoing:
    """The message of one alert as it is (`notes`: what was shortened to fit)."""
    subject = item.subject()
    chat = https(item) if https is not None else None
    return Outgoing(
        subject=subject,
        message=bodies(subject, item.text(), item.document(), chat, notes),
        attributes=attributes(item.attribute_values()),
        audit_id=item.audit_id,
        dedup_id=key,
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
