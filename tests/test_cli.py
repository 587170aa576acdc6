"""`eks-audit-bot test-pattern` and what every command shares: input formats, bad input,
usage errors in the user's terms, help, `--version`, progress and flat memory.

The fixtures are described in `cli_support.py`; `replay` is in `test_replay.py`.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from rich.console import Console

from cli_support import CLI, EVENTS, FORMATS, feed_stdin, numbered, run
from eks_audit_bot.cli import main as cli
from eks_audit_bot.cli.parser import SETTING_FLAGS, build_parser
from eks_audit_bot.cli.progress import Progress
from support import FIXTURES

# ---- test-pattern ----


@pytest.mark.parametrize("name", FORMATS)
def test_every_input_format_gives_the_same_matches(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "test-pattern", CLI / name)
    assert code == 0
    # Argo CD's patch of a Deployment reaches the function since issue 17 (a workload template:
    # dangerous actions alert whoever does them; the function spares Argo CD, whose job it is).
    assert "6 matched" in out
    assert "bad lines: 0" in out
    assert (
        "Matched by user:     alice@example.com 3, bob 1, argocd/argocd-application-controller 1,"
        " carol@example.com 1"
    ) in out
    table = [line.split() for line in out.splitlines()]
    assert ["1", "create", "clusterrolebindings", "bob"] in table
    assert "system:node" not in out  # the kubelet's lease is excluded by the default pattern


def test_default_pattern_is_the_module_file(capsys: pytest.CaptureFixture[str]) -> None:
    text = (Path(cli.__file__).parent / "default_filter_pattern.txt").read_text().rstrip("\n")
    _, out, _ = run(capsys, "test-pattern", EVENTS)
    assert f"default (eks_audit_bot/cli/default_filter_pattern.txt), {len(text)} characters" in out
    assert cli.default_pattern() == text


def test_gzip_is_detected_by_magic_bytes_not_the_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packed = tmp_path / "audit.log"
    packed.write_bytes(gzip.compress(EVENTS.read_bytes()))
    code, out, _ = run(capsys, "test-pattern", packed)
    assert code == 0
    assert "Read 11 log events: 6 matched, 5 not matched; bad lines: 0" in out


def test_stdin_and_several_inputs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_stdin(monkeypatch, gzip.compress((CLI / "insights.csv").read_bytes()))
    code, out, _ = run(capsys, "test-pattern", "-", EVENTS)
    assert code == 0
    assert "Read 22 log events: 12 matched" in out


def test_show_matches_lists_events_without_bodies(capsys: pytest.CaptureFixture[str]) -> None:
    # Piped: one tab-separated line per request (time, stages, who, verb, resource, object,
    # where), each request once with the stages that matched; the report goes to stderr.
    _, out, err = run(capsys, "test-pattern", "--show-matches", CLI / "filter-log-events.json")
    lines = out.splitlines()
    assert (
        "2026-11-20T14:03:11.512345Z\tResponseComplete\talice@example.com\tdelete\tsecrets"
        "\tpayments/db-creds\ttests/fixtures/cli/filter-log-events.json:1 events[1]"
    ) in [line.replace(str(FIXTURES.parent.parent) + "/", "") for line in lines]
    execs = [line for line in lines if "pods/exec\tpayments/api-7d9f8c6b5-x2x9k" in line]
    assert len(execs) == 1
    assert execs[0].split("\t")[1] == "ResponseStarted+ResponseComplete"
    # 6 matched log events: 5 requests (Argo CD's Deployment patch among them since issue 17)
    assert len(lines) == 5
    assert "Read 11 log events: 6 matched, 5 not matched; bad lines: 0" in err
    assert "Pattern:" not in out
    assert "ASIA" not in out
    assert "requestURI" not in out


def test_a_text_pattern_tests_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "test-pattern", "--pattern", '"kubectl/" -list', EVENTS)
    assert "Read 11 log events: 7 matched, 4 not matched" in out


def test_non_audit_streams_are_tested_but_not_bad(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys, "test-pattern", "--pattern", "access granted", CLI / "subscription.jsonl"
    )
    assert "Read 12 log events: 1 matched, 11 not matched; bad lines: 0" in out
    assert "(1 of them from non-audit log streams)" in out


def test_bad_lines_are_reported_by_line_and_never_fatal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "test-pattern", CLI / "bad-lines.jsonl")
    assert code == 0
    # 7 lines: 6 tested against the pattern (4 of them bad), 1 not even UTF-8
    assert "Read 7 log events: 2 matched, 4 not matched, 1 could not be read; bad lines: 5" in out
    reported = [
        line.split("bad-lines.jsonl:", 1)[1] for line in out.splitlines() if "bad-lines" in line
    ]
    assert reported == [
        "3: not JSON",
        "4: not UTF-8 (invalid start byte at byte 25)",
        "5: truncated by CloudWatch Logs (194 bytes)",
        "6: JSON list, not an object",
        "7: not an audit event (no auditID or verb)",
    ]


def test_many_bad_lines_are_summarised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    noisy = tmp_path / "noisy.jsonl"
    noisy.write_text("".join(f"garbage {n}\n" for n in range(25)) + EVENTS.read_text())
    _, out, _ = run(capsys, "test-pattern", noisy)
    assert "Bad lines: 25" in out
    assert f"{noisy}:20: not JSON" in out
    assert f"{noisy}:21: not JSON" not in out
    assert "... and 5 more" in out
    assert "6 matched" in out


def test_damaged_documents_and_gzip_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = (CLI / "filter-log-events.json").read_text()
    broken = tmp_path / "pages.json"
    broken.write_text(pages[: len(pages) // 2] + "\n}")
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(EVENTS.read_bytes() * 20)[:-200])
    code, out, _ = run(capsys, "test-pattern", broken, cut)
    assert code == 0
    assert f"{broken}:" in out
    assert "invalid JSON document" in out
    assert f"{cut}: compressed data ends early or is damaged" in out


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ('{ ($.verb = "get" }', "position 3: unbalanced parenthesis"),
        ("{ $.verb = }", "position 12"),
        ("x" * 1025, "position 1025: a filter pattern is at most 1024 characters"),
    ],
)
def test_bad_pattern_exits_2_with_the_position(
    pattern: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "test-pattern", "--pattern", pattern, EVENTS)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: bad filter pattern: {message}")
    assert err.count("\n") == 1


def test_bad_pattern_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pattern = tmp_path / "pattern.txt"
    pattern.write_text('{ $.verb = "delete" && }\n')
    code, _, err = run(capsys, "replay", "--pattern-file", pattern, EVENTS)
    assert code == 2
    assert err.startswith("error: bad filter pattern: position 24:")
    code, _, err = run(capsys, "test-pattern", "--pattern-file", tmp_path / "missing.txt")
    assert (code, err.split(":")[0]) == (2, "error")


def test_missing_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "test-pattern", tmp_path / "nope.jsonl")
    assert code == 1
    assert err == f"error: cannot read {tmp_path / 'nope.jsonl'}: No such file or directory\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "test-pattern", "--pattern", "x", "--pattern-file", "y")
    assert code == 2
    assert "not allowed with argument --pattern" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--min-severity", "urgent"], "argument --min-severity: invalid choice: 'urgent'"),
        (["--account-id", "prod"], "argument --account-id: expected 12 digits"),
        (["--region", "Ireland"], "argument --region: expected a region such as eu-west-1"),
        (["--sns-topic-arn", "eks-alerts"], "argument --sns-topic-arn: expected an SNS topic ARN"),
        (["--digest-threshold", "0"], "argument --digest-threshold: expected a positive whole"),
        (["--rule-severity", "secret-changed"], "argument --rule-severity: expected RULE_ID="),
        (
            ["--disable-rule", "namespace-delete"],
            "--disable-rule 'namespace-delete': no such rule; did you mean 'namespace-deleted'?",
        ),
        (["--rule-severity", "nope=high"], "--rule-severity 'nope': no such rule; rule ids: "),
        (["--pattern-file", "missing.txt"], "--pattern-file: cannot read missing.txt"),
        (["--custom-rules", "missing.json"], "--custom-rules: cannot read missing.json"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else "",
)
def test_a_bad_option_value_names_the_option(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "replay", *args, EVENTS)
    assert code == 2
    assert out == ""
    assert expected in err
    assert len(err.splitlines()) <= 2  # the error and where the help is, not the whole usage
    assert not [name for name in SETTING_FLAGS if name in err], "names an environment variable"


def test_a_bad_custom_rule_names_the_file_and_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('[{"id": "x", "title": "X", "severity": "urgent", "match": {}}]')
    code, _, err = run(capsys, "replay", "--custom-rules", rules, EVENTS)
    assert code == 2
    assert err == (
        f"error: --custom-rules {rules}[0] (id 'x'): field 'severity': 'urgent' is not one of"
        " low, medium, high, critical\n"
    )
    rules.write_text("{not json")
    _, _, err = run(capsys, "replay", "--custom-rules", rules, EVENTS)
    assert err.startswith(f"error: --custom-rules {rules}: invalid JSON")


def test_rule_exceptions_spare_what_they_name_and_a_bad_one_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = Path(__file__).parent / "fixtures" / "whose_job" / "stolen-service-account.json"
    events = tmp_path / "stolen.jsonl"
    lines = [json.dumps(event) for event in json.loads(cases.read_text())["events"]]
    events.write_text("\n".join(lines) + "\n")
    exceptions = tmp_path / "exceptions.json"
    spared = "system:serviceaccount:shop:storefront"
    exceptions.write_text(json.dumps([{"rule": "privileged-workload", "principal": spared}]))
    _, plain, _ = run(capsys, "replay", "--json", events)
    _, excepted, _ = run(capsys, "replay", "--json", "--rule-exceptions", exceptions, events)
    rules = [json.loads(line)["rule"]["id"] for line in excepted.splitlines()]
    assert len(plain.splitlines()) == 5
    assert "privileged-workload" not in rules
    assert len(rules) == 4
    exceptions.write_text('[{"rule": "privileged-pod", "principal": "x"}]')
    code, _, err = run(capsys, "replay", "--rule-exceptions", exceptions, events)
    assert code == 2
    assert err.startswith(f"error: --rule-exceptions {exceptions}[0]: field 'rule'")


def test_a_custom_rule_id_can_be_disabled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('[{"id": "mine", "title": "Mine", "severity": "low", "match": {}}]')
    code, _, _ = run(capsys, "replay", "--custom-rules", rules, "--disable-rule", "mine", EVENTS)
    assert code == 0


# ---- help, progress, memory ----


def test_help_runs_as_a_console_script() -> None:
    script = Path(sys.executable).parent / "eks-audit-bot"
    done = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "test-pattern" in done.stdout
    assert "replay" in done.stdout
    done = subprocess.run([script, "replay", "--help"], capture_output=True, text=True, check=False)
    assert "examples:" in done.stdout
    assert "loaded whole into memory" in done.stdout


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert re.fullmatch(r"eks-audit-bot \d+\.\d+\.\d+\S*\n", out)


def test_every_option_has_help() -> None:
    parser = build_parser()
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    for name, command in [("", parser), *commands.choices.items()]:
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def _progress_frames(size: int | None, events: int, name: str = "audit.jsonl") -> list[str]:
    """What the bar draws for `events` log events read at 10,000 a second (a fake clock)."""
    shown = io.StringIO()
    now = [0.0]
    read = [0]
    bar = Console(file=shown, force_terminal=True, width=120, color_system=None)
    progress = Progress(bar, clock=lambda: now[0])
    progress.start(name, size, lambda: read[0] * 1024)
    for _ in range(events):
        now[0] += 0.0001
        read[0] += 1
        progress.tick()
    progress.finish()
    return shown.getvalue().split("\r")


def test_progress_shows_rate_and_time_left_then_erases_itself() -> None:
    frames = _progress_frames(10 * 1024 * 1024, 10 * 1024)
    drawn = [frame for frame in frames if "events/s" in frame]
    assert len(drawn) >= 3
    assert "10,000 events/s" in drawn[0]  # the rate, from the clock
    assert "ETA" in drawn[-1]
    assert re.search(r"ETA 0:00:0\d", drawn[-2])  # time left, from the bytes still to read
    assert " 50%" in drawn[len(drawn) // 2 - 1] or " 50%" in drawn[len(drawn) // 2]
    assert "10,240 events" in drawn[-1]
    assert frames[-1].endswith("\x1b[2K")  # erased: the summary is what stays on screen


def test_progress_stays_hidden_on_short_inputs_and_pipes() -> None:
    assert "".join(_progress_frames(10 * 1024, 2000)) == ""  # read in 0.2 s
    quiet = Progress(None)
    quiet.start("audit.jsonl", None, lambda: None)
    for _ in range(5000):
        quiet.tick()
    quiet.finish()
    assert not quiet.enabled
    assert not Progress.on_stderr().enabled  # pytest's stderr is not a terminal


def test_progress_escapes_a_crafted_file_name() -> None:
    frames = _progress_frames(None, 10 * 1024, name="evil\x1b]0;title\x07.jsonl")
    assert any("evil\\x1b]0;title\\x07.jsonl" in frame for frame in frames)
    assert "\x07" not in "".join(frames)


@pytest.mark.parametrize(
    "command",
    [["test-pattern"], ["replay", "--chunk-size", "200"]],
    ids=["test-pattern", "replay"],
)
def test_memory_stays_flat_as_the_log_grows(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = EVENTS.read_text().splitlines()
    peaks = []
    for count in (1_500, 6_000):  # both fill several replay chunks (5 of 11 events pass)
        log = tmp_path / f"{count}.jsonl"
        log.write_text(numbered(lines, count))
        with open(tmp_path / "out", "w") as sink:
            monkeypatch.setattr(sys, "stdout", sink)
            tracemalloc.start()
            try:
                assert cli.main([*command, str(log)]) == 0
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0], peaks
