"""The fields of an AWS API call or alarm alert that may be shortened to fit one SNS message,
largest first (`output.sizing`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from eks_audit_bot.aws.alert import AwsAlert
from eks_audit_bot.output.sizing import Field, Value


def _on_call(alert: AwsAlert, **changes: str) -> AwsAlert:
    """An AWS API call's own text replaced (an alarm has none of these: it stays as it is)."""
    return replace(alert, event=alert.event.with_texts(**changes))


def _on_aws(alert: AwsAlert, **changes: Any) -> AwsAlert:
    return replace(alert, **changes)


def _on_aws_actor(alert: AwsAlert, **changes: Any) -> AwsAlert:
    return replace(alert, actor=replace(alert.actor, **changes))


def _aws(name: str) -> Callable[[AwsAlert, Value], AwsAlert]:
    return lambda alert, value: _on_aws(alert, **{name: value})


def _aws_actor(name: str) -> Callable[[AwsAlert, Value], AwsAlert]:
    return lambda alert, value: _on_aws_actor(alert, **{name: value})


def _call(name: str) -> Callable[[AwsAlert, Value], AwsAlert]:
    return lambda alert, value: _on_call(alert, **{name: _text(value)})


def _text(value: Value) -> str:
    return value if isinstance(value, str) else " ".join(value)


AWS_FIELDS: tuple[Field[AwsAlert], ...] = (
    Field("what changed", lambda a: a.changes, _aws("changes")),
    Field("target", lambda a: a.target, _aws("target")),
    Field("action", lambda a: a.action, _aws("action")),
    Field("client", lambda a: a.client, _aws("client")),
    Field("user agent", lambda a: a.event.user_agent, _call("user_agent")),
    Field("error message", lambda a: a.event.error_message, _call("error_message")),
    Field("person", lambda a: a.actor.display_name, _aws_actor("display_name")),
    Field("user", lambda a: a.actor.username, _aws_actor("username")),
    Field("IAM identity", lambda a: a.actor.iam_arn, _aws_actor("iam_arn")),
    Field("IAM role or user", lambda a: a.actor.canonical_arn, _aws_actor("canonical_arn")),
    Field("session", lambda a: a.actor.session_name, _aws_actor("session_name")),
)
