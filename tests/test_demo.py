"""`make demo`: a short table of the alerts, one email and one JSON document, consistent data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from eks_audit_bot.cli import demo

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "lambda/eks_audit_bot/output/schema/alert.schema.json").read_text()
)
SET_BY_THE_DEMO = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "MOTO_ACCOUNT_ID",
    "ACCOUNT_NAME",
    "POWERTOOLS_LOG_LEVEL",
    "POWERTOOLS_METRICS_DISABLED",
    "SNS_TOPIC_ARN",
)


def _demo(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    for name in SET_BY_THE_DEMO:  # restored after the test: the demo sets its own values
        monkeypatch.setenv(name, "")
    demo.main(list(args))
    return capsys.readouterr().out


def _documents(out: str) -> list[dict[str, object]]:
    parts = out.split("JSON document an SQS queue (or a function) receives:\n")[1:]
    return [json.loads(part.split("\n", 1)[1].split("\n}\n", 1)[0] + "\n}") for part in parts]


def test_demo_prints_a_table_one_email_and_one_document(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _demo(monkeypatch, capsys)
    assert out.startswith("The handler read 8 audit log events and published 5 alerts")
    rows = [line.split()[:2] for line in out.splitlines()[4:9]]
    assert [severity for severity, _ in rows] == [
        "critical",
        "critical",
        "high",
        "medium",
        "medium",
    ]
    assert out.count("Subject: ") == 1
    assert "Subject: [CRITICAL] alice@example.com created clusterrolebindings" in out
    (document,) = _documents(out)
    jsonschema.validate(document, SCHEMA)
    assert document["rule"] == document["rule"] | {"id": "binding-privileged-role"}
    assert "Signature" not in out  # SNS's envelope is not what a reader needs
    assert "make demo DEMO_ARGS=--all" in out
    assert len(out.splitlines()) < 150


def test_demo_all_prints_every_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _demo(monkeypatch, capsys, "--all")
    assert out.count("Subject: ") == 5
    assert len(_documents(out)) == 5
    assert "DEMO_ARGS=--all" not in out


def test_demo_data_is_consistent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _demo(monkeypatch, capsys, "--all")
    events = "\n".join(demo.sample_lines())
    accounts = set(re.findall(r"(?<![\w-])\d{12}(?![\w-])", out + events))
    assert accounts == {demo.ACCOUNT}  # the account shown is the one in every ARN
    regions = set(re.findall(r"\b(?:eu|us|ap|sa|ca|me|af)-[a-z]+-\d\b", out + events))
    assert regions == {demo.REGION}
    assert f"Account:   {demo.ACCOUNT} (demo)" in out
