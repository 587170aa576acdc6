"""Shared fixtures: fake AWS credentials, a moto SNS topic with an SQS tap, and a moto_server
the examples apply against (with fresh boto3 clients)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

import moto_examples
from eks_audit_bot import handler
from eks_audit_bot.accounting import metrics
from support import REGION, Inbox, subscribed_queue


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never reach real AWS: fake credentials, a fixed region, a fresh handler runtime,
    and no metrics left over from a test that ran the flow without the handler's decorator
    (which flushes them)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    handler.runtime.cache_clear()
    metrics.clear_metrics()
    yield
    handler.runtime.cache_clear()
    metrics.clear_metrics()


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """What the handler logs (its Powertools logger's stream), captured."""
    buffer = io.StringIO()
    previous = handler.logger.registered_handler.setStream(buffer)
    yield buffer
    handler.logger.registered_handler.setStream(previous)


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with mock_aws():
        found = subscribed_queue("eks-alerts", "eks-alerts-tap")
        monkeypatch.setenv("SNS_TOPIC_ARN", found.topic_arn)
        monkeypatch.setenv("ACCOUNT_NAME", "prod")
        yield found


@pytest.fixture(scope="module")
def module_inbox() -> Iterator[Inbox]:
    """`inbox` shared by a module's tests (moto state and all): for tests that only publish
    and read what arrived. Use it through `shared_inbox`, which starts each test empty."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        yield subscribed_queue("eks-alerts", "eks-alerts-tap")


@pytest.fixture
def shared_inbox(module_inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> Inbox:
    module_inbox.received()  # whatever an earlier test left
    monkeypatch.setenv("SNS_TOPIC_ARN", module_inbox.topic_arn)
    monkeypatch.setenv("ACCOUNT_NAME", "prod")
    return module_inbox


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    try:
        with moto_examples.moto_apply.moto_server() as url:
            yield url
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture
def aws(moto_url: str) -> dict[str, Any]:
    """boto3 clients on a fresh moto state; fake credentials for terraform too."""
    moto_examples.moto_apply.reset(moto_url)
    return dict(moto_examples.moto_apply.clients(moto_url))
