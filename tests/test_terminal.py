"""Audit data is written by whoever calls the API server: nothing the CLI prints from it may
reach the terminal as a control or format character (cursor moves, title changes, bidi)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from cli_support import EVENTS, events_text, run
from eks_audit_bot.cli.terminal import safe_json, safe_lines

CRAFTED_USER = "mallory\x1b]0;owned\x07\x1b[2J\u202eevil\x9b31m"
CRAFTED_NAME = "db\rcreds\x1b[1A\u2066x"


def _unsafe(text: str) -> list[str]:
    """Control (Cc) and format (Cf) characters other than the line break."""
    return [char for char in text if char != "\n" and unicodedata.category(char) in ("Cc", "Cf")]


@pytest.fixture
def crafted(tmp_path: Path) -> Path:
    """alice's secret deletion, by a user and of an object whose names carry escapes."""
    deletes = [line for line in EVENTS.read_text().splitlines() if '"db-creds"' in line][-1:]

    def craft(event: dict, _: int) -> dict:
        event["user"] = {"username": CRAFTED_USER, "groups": ["system:authenticated"]}
        event["objectRef"]["name"] = CRAFTED_NAME
        event["userAgent"] = "kubectl\x1b[8m"
        return event

    log = tmp_path / "crafted.jsonl"
    log.write_text(events_text(deletes, 3, craft))
    return log


def test_replay_text_and_summary_escape_control_characters(
    crafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "replay", "--no-pattern", crafted)
    assert code == 0
    assert out.count("Subject: ") == 3
    assert _unsafe(out) == []
    assert _unsafe(err) == []
    assert "mallory\\x1b]0;owned\\x07" in err  # visible in the alerts table, not obeyed


def test_replay_json_stays_valid_with_the_name_escaped_visibly(
    crafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "replay", "--json", "--no-pattern", crafted)
    assert _unsafe(out) == []
    documents = [json.loads(line) for line in out.splitlines()]
    # The JSON document itself carries no control characters: the name is escaped visibly.
    shown = "mallory\\x1b]0;owned\\x07\\x1b[2J\\u202eevil\\x9b31m"
    assert [doc["actor"]["username"] for doc in documents] == [shown] * 3


def test_show_matches_escapes_control_characters(
    crafted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "test-pattern", "--pattern", "delete", "--show-matches", crafted)
    assert out.count("mallory\\x1b]0;owned\\x07") >= 3
    # Piped, the fields are tab-separated: seven per line, so no tab came from the data.
    assert {line.count("\t") for line in out.splitlines()} == {6}
    assert _unsafe(out.replace("\t", " ")) == []


def test_safe_json_escapes_every_unprintable_character_validly() -> None:
    value = {"a": "\x1b\u202e\U000e0041\x9b\u2028 é ✓"}
    text = safe_json(json.dumps(value, ensure_ascii=False))
    assert _unsafe(text) == []
    assert json.loads(text) == value
    assert "é ✓" in text  # printable characters stay readable
    assert safe_lines("a\x1b\nb") == "a\\x1b\nb"
