"""`replay --sns-topic-arn`: publishing with the user's credentials, and one clear message with
what to do when there are none, instead of the same botocore error once per alert."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from botocore.exceptions import NoCredentialsError

from cli_support import CLI, EVENTS, run
from eks_audit_bot.cli import publishing
from eks_audit_bot.output.sns import Publisher
from support import Inbox

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"


def test_replay_publishes_to_sns(inbox: Inbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", "--sns-topic-arn", inbox.topic_arn, CLI / "insights.csv")
    assert code == 0
    assert out == ""
    assert f"Published 4 of 4 messages to {inbox.topic_arn}" in err
    received = inbox.received()
    attributes: list[dict[str, Any]] = [
        {name: value["Value"] for name, value in note["MessageAttributes"].items()}
        for note in received
    ]
    assert [(a["severity"], a["actor"], a["verb"], a["cluster"]) for a in attributes] == [
        ("medium", "alice@example.com", "delete", "prod-eu"),
        ("high", "bob", "create", "prod-eu"),
        ("medium", "alice@example.com", "create", "prod-eu"),
        ("medium", "carol@example.com", "delete", "prod-eu"),
    ]
    assert received[1]["Subject"] == "[HIGH] bob created clusterrolebindings temp-admin in prod-eu"


def test_a_publish_failure_is_reported_once_with_its_count(
    inbox: Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = inbox.topic_arn + "-gone"
    code, _, err = run(capsys, "replay", "--sns-topic-arn", missing, EVENTS)
    assert code == 1
    assert f"Published 0 of 4 messages to {missing}" in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith("error: 4 not published (NotFound): ")


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine where nobody has signed in: no keys, no profile, no instance role."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_credentials")
def test_without_credentials_one_message_says_what_to_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "replay", "--sns-topic-arn", TOPIC, EVENTS)
    assert (code, out) == (1, "")
    assert err == f"error: cannot publish to {TOPIC}: no AWS credentials found\n{publishing.HINT}\n"
    assert "aws sso login" in err
    assert "Without --sns-topic-arn, replay prints the alerts" in err


@pytest.mark.usefixtures("no_credentials")
def test_an_unknown_profile_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "opps")
    code, _, err = run(capsys, "replay", "--sns-topic-arn", TOPIC, EVENTS)
    assert code == 1
    assert err.startswith(f"error: cannot publish to {TOPIC}: The config profile (opps) could not")


class _LoggedOut:
    """An SNS client whose credentials disappeared after the check (an expired session)."""

    def __init__(self) -> None:
        self.calls = 0

    def publish_batch(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        raise NoCredentialsError


def test_credentials_lost_midway_stop_at_once_without_retries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client, sleeps = _LoggedOut(), []
    publisher = Publisher(cast(Any, client), TOPIC, sleep=sleeps.append)
    monkeypatch.setattr(publishing, "publisher", lambda _: publisher)
    code, _, err = run(capsys, "replay", "--sns-topic-arn", TOPIC, "--chunk-size", "1", EVENTS)
    assert code == 1
    assert (client.calls, sleeps) == (1, [])  # no backoff, no second chunk
    assert err.count("Unable to locate credentials") == 1
    assert err.startswith(f"error: cannot publish to {TOPIC}: NoCredentialsError: Unable to")
    assert err.endswith(publishing.HINT + "\n")
