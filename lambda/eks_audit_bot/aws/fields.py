"""The fields of an AWS API call or alarm alert that may be shortened to fit one SNS message,
largest first (`output.sizing`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.core.setters import field_setter as put
from eks_audit_bot.output.sizing import Field, Value


def _call(name: str) -> Callable[[AwsAlert, Value], AwsAlert]:
    """An AWS API call's own text replaced (an alarm has none of these: it stays as it is)."""
    return lambda alert, value: replace(alert, event=alert.event.with_texts(**{name: _text(value)}))


def _text(value: Value) -> str:
    return value if isinstance(value, str) else " ".join(value)


AWS_FIELDS: tuple[Field[AwsAlert], ...] = (
    Field("what changed", lambda a: a.changes, put("changes")),
    Field("target", lambda a: a.target, put("target")),
    Field("action", lambda a: a.action, put("action")),
    Field("client", lambda a: a.client, put("client")),
    Field("user agent", lambda a: a.event.user_agent, _call("user_agent")),
    Field("error message", lambda a: a.event.error_message, _call("error_message")),
    Field("person", lambda a: a.actor.display_name, put("actor", "display_name")),
    Field("user", lambda a: a.actor.username, put("actor", "username")),
    Field("IAM identity", lambda a: a.actor.iam_arn, put("actor", "iam_arn")),
    Field("IAM role or user", lambda a: a.actor.canonical_arn, put("actor", "canonical_arn")),
    Field("session", lambda a: a.actor.session_name, put("actor", "session_name")),
)
