"""CloudWatch Logs → Lambda, emulated inside moto without Docker.

moto delivers every `put_log_events` line to a Lambda subscription and runs the function in a
container. Here the delivery applies the subscription filter's pattern with our evaluator, as
CloudWatch does, and calls the real handler in-process with the payload moto built.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.awslambda.models import LambdaBackend
from moto.logs.models import logs_backends

from eks_audit_bot import handler
from eks_audit_bot.filter_pattern import compile_pattern
from eks_audit_bot.kube.cloudwatch import encode_payload
from lambda_context import FakeContext
from support import ACCOUNT, REGION


@contextmanager
def deliver_to_handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Route subscription deliveries to the handler; yields the list of handler results."""
    results: list[dict[str, Any]] = []

    def send_log_event(
        backend: LambdaBackend,
        function_arn: str,
        filter_name: str,
        log_group_name: str,
        log_stream_name: str,
        log_events: list[dict[str, Any]],
    ) -> None:
        group = logs_backends[ACCOUNT][REGION].groups[log_group_name]
        pattern = compile_pattern(group.subscription_filters[filter_name].filter_pattern)
        matching = [event for event in log_events if pattern.matches(event["message"])]
        if not matching:
            return  # CloudWatch sends nothing when no line matches.
        payload = encode_payload(
            {
                "messageType": "DATA_MESSAGE",
                "owner": ACCOUNT,
                "logGroup": log_group_name,
                "logStream": log_stream_name,
                "subscriptionFilters": [filter_name],
                "logEvents": matching,
            }
        )
        results.append(handler.lambda_handler(payload, FakeContext()))

    monkeypatch.setattr(LambdaBackend, "send_log_event", send_log_event)
    yield results
