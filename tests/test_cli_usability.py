"""What a new user meets first with `eks-audit-bot` (issue 18): a mistyped operator or option
says what to type instead, no silent wait on a terminal, piped output made for grep and
column, quiet reasons in words, and counts in proper English."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from cli_support import EVENTS, events_text, run


class _Terminal(io.TextIOWrapper):
    """stdin as a user at a terminal has it: nothing piped in."""

    def isatty(self) -> bool:
        return True


def _terminal_stdin(monkeypatch: pytest.MonkeyPatch, typed: bytes = b"") -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal(io.BytesIO(typed)))


# ---- mistakes named with what to type instead ----


@pytest.mark.parametrize(
    ("pattern", "position"),
    [('{ $.verb == "delete" }', 10), ("[ip, user, verb == delete]", 17)],
    ids=["json", "space-delimited"],
)
def test_double_equals_says_use_a_single_equals_sign(
    pattern: str, position: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "test-pattern", "--pattern", pattern, EVENTS)
    assert code == 2
    assert out == ""
    assert err == (
        f"error: bad filter pattern: position {position}: '==' is not an operator: use '='"
        " (CloudWatch Logs compares with one =)\n"
    )
    assert "quote" not in err


def test_an_unknown_replay_option_gets_the_closest_one_and_the_replay_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "replay", "--no-patern", EVENTS)
    assert code == 2
    assert err.splitlines() == [
        "eks-audit-bot replay: error: unrecognized argument: --no-patern;"
        " did you mean --no-pattern?",
        "Run `eks-audit-bot replay --help` for the options.",
    ]


def test_an_unknown_option_with_a_value_and_one_without_any_likeness(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, err = run(capsys, "test-pattern", "--patern-file=p.txt", EVENTS)
    assert "unrecognized argument: --patern-file=p.txt; did you mean --pattern-file?" in err
    assert "Run `eks-audit-bot test-pattern --help`" in err
    _, _, err = run(capsys, "replay", "--zzz", EVENTS)
    assert "unrecognized argument: --zzz\n" in err
    assert "did you mean" not in err


# ---- no silent wait on a terminal ----


@pytest.mark.parametrize("command", ["replay", "test-pattern"])
def test_no_input_on_a_terminal_says_what_it_expects_and_exits(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _terminal_stdin(monkeypatch, b"never read\n")
    code, out, err = run(capsys, command)
    assert code == 2
    assert out == ""
    assert f"error: {command}: no INPUT given, and stdin is a terminal." in err
    assert f"`... | eks-audit-bot {command} -`" in err
    assert f"Run `eks-audit-bot {command} --help` for the formats." in err


def test_a_dash_on_a_terminal_reads_it_after_saying_how_to_end(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _terminal_stdin(monkeypatch, EVENTS.read_bytes())
    code, _, err = run(capsys, "replay", "--json", "-")
    assert code == 0
    assert err.startswith("eks-audit-bot replay: reading audit log lines from the terminal;")
    assert "end with Ctrl-D" in err.splitlines()[0]
    assert "Sent as 4 messages" in err


# ---- test-pattern --show-matches: each request once, with its stages ----


def test_show_matches_prints_each_request_once_with_the_stages_that_matched(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, "test-pattern", "--pattern", '{ $.verb = "delete" }', "--show-matches", EVENTS
    )
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert [(row[1], row[2], row[4], row[5]) for row in rows] == [
        ("RequestReceived+ResponseComplete", "alice@example.com", "secrets", "payments/db-creds"),
        ("ResponseComplete", "carol@example.com", "namespaces", "staging"),
    ]
    assert "Read 11 log events: 3 matched, 8 not matched; bad lines: 0" in err
    assert "Matched by user:     alice@example.com 2, carol@example.com 1" in err


def test_one_audit_id_on_two_requests_is_two_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A client may choose the auditID: a reused one does not fold another request away."""
    deletes = [line for line in EVENTS.read_text().splitlines() if '"verb":"delete"' in line]
    assert len(deletes) == 3

    def same_id(event: dict, index: int) -> dict:
        event["auditID"] = "00000000-0000-4000-8000-000000000000"
        return event

    log = tmp_path / "reused.jsonl"
    log.write_text(events_text(deletes, 3, same_id))
    _, out, _ = run(capsys, "test-pattern", "--pattern", "delete", "--show-matches", log)
    assert len(out.splitlines()) == 2  # the secret's two stages, and the namespace


# ---- piped tables: one row, one line, no trailing blanks ----


def test_piped_tables_have_no_trailing_blanks_and_never_wrap_a_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_name = "platform-break-glass-" * 6 + "operator@example.com"

    def renamed(event: dict, _: int) -> dict:
        event["user"] = {"username": long_name, "groups": ["system:authenticated"]}
        return event

    log = tmp_path / "long.jsonl"
    log.write_text(events_text(EVENTS.read_text().splitlines(), 11, renamed))
    for command in (["test-pattern", "--pattern", "delete"], ["replay", "--no-pattern"]):
        _, out, err = run(capsys, *command, log)
        text = out + err
        assert [line for line in text.splitlines() if line != line.rstrip()] == []
        report = err if command[0] == "replay" else out  # replay's alerts clip their Subject
        named = [line for line in report.splitlines() if "platform-break-glass-" in line]
        assert named
        for line in named:  # whole on one line (test-pattern clips a long name on purpose)
            assert long_name in line or long_name[:59] + "…" in line, line


# ---- quiet reasons in words, counts in English ----


def test_failed_requests_are_explained_in_the_quiet_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # alice deletes a secret that is not there: 404, nothing changed, no alert.
    secret = [EVENTS.read_text().splitlines()[1]]

    def not_found(event: dict, _: int) -> dict:
        event["responseStatus"] = {"code": 404, "reason": "NotFound"}
        return event

    log = tmp_path / "failed.jsonl"
    log.write_text(events_text(secret, 3, not_found))
    _, _, err = run(capsys, "replay", "--no-pattern", log)
    quiet = err.split("Why there are no alerts", 1)[1]
    row = next(line for line in quiet.splitlines() if line.startswith("requests that failed"))
    assert row.startswith(
        "requests that failed, so changed nothing (404, 409, 422, 5xx; failed API calls)"
    )
    assert not any(line.split()[:1] == ["failed"] for line in quiet.splitlines())


def test_one_log_event_is_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = EVENTS.read_text().splitlines()[1]  # alice deletes a secret: ResponseComplete
    one = tmp_path / "one.jsonl"
    one.write_text(secret + "\n")
    _, _, err = run(capsys, "replay", "--no-pattern", one)
    assert err.startswith("Read 1 log event: 1 reached the Lambda's logic (--no-pattern).\n")
    assert "The Lambda judged 1: 1 alert, 0 quiet." in err
    assert "Sent as 1 message (1 medium)." in err
    _, out, _ = run(capsys, "test-pattern", one)
    assert "Read 1 log event: 1 matched, 0 not matched; bad lines: 0" in out
