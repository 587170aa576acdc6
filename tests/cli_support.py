"""What the CLI tests share: the fixtures under `fixtures/cli/` and how to run a command.

The fixtures hold the same eleven EKS audit events in each input format (see
`fixtures/cli/make_fixtures.py`): alice (SSO) deletes a secret and execs into a pod, bob (IAM
user behind `kubernetes-admin`) creates a ClusterRoleBinding, carol is denied deleting a
namespace, and Argo CD, a node and `eks:addon-manager` do their usual work.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot.cli import main as cli
from support import FIXTURES

CLI = FIXTURES / "cli"
EVENTS = CLI / "events.jsonl"
FORMATS = [
    "events.jsonl",
    "filter-log-events.json",
    "insights.csv",
    "insights.json",
    "subscription.jsonl",
]
# (severity, person, verb, resource) of what a user should be alerted about in the fixtures.
EXPECTED_ALERTS = [
    ("medium", "alice@example.com", "delete", "secrets"),
    ("high", "bob", "create", "clusterrolebindings"),
    ("medium", "alice@example.com", "create", "pods"),
    ("medium", "carol@example.com", "delete", "namespaces"),
]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """`eks-audit-bot ARGS`: exit status, stdout, stderr (argparse's exits included)."""
    try:
        code = cli.main([str(arg) for arg in args])
    except SystemExit as exited:
        code = exited.code if isinstance(exited.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def alerts_seen(json_lines: str) -> list[tuple[str, str, str, str]]:
    documents = [json.loads(line) for line in json_lines.splitlines()]
    return [
        (
            doc["severity"],
            doc["actor"]["display_name"],
            doc["request"]["verb"],
            doc["request"]["resource"],
        )
        for doc in documents
    ]


def numbered(lines: list[str], count: int) -> str:
    """`count` events cycling through `lines`, each with its own auditID."""
    return events_text(lines, count, lambda event, _: event)


def events_text(
    lines: list[str], count: int, change: Callable[[dict[str, Any], int], dict[str, Any]]
) -> str:
    """`count` events cycling through `lines`, numbered auditIDs, each passed through `change`."""
    out = []
    for index in range(count):
        event = json.loads(lines[index % len(lines)])
        event["auditID"] = f"{index:08x}-0000-4000-8000-000000000000"
        out.append(json.dumps(change(event, index)))
    return "\n".join(out) + "\n"
