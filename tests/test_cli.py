"""`eks-audit-bot test-pattern` and `replay`: every input format, bad input, output and publishing.

The fixtures under `fixtures/cli/` hold the same eleven EKS audit events in each input format
(see `make_fixtures.py`): alice (SSO) deletes a secret and execs into a pod, bob (IAM user
behind `kubernetes-admin`) creates a ClusterRoleBinding, carol is denied deleting a namespace,
and Argo CD, a node and `eks:addon-manager` do their usual work.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot.cli import main as cli
from eks_audit_bot.cli.progress import Progress
from support import FIXTURES, Inbox

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
    code = cli.main([str(arg) for arg in args])
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


# ---- test-pattern ----


@pytest.mark.parametrize("name", FORMATS)
def test_every_input_format_gives_the_same_matches(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "test-pattern", CLI / name)
    assert code == 0
    assert "5 matched" in out
    assert "bad lines: 0" in out
    assert "Matched by user:     alice@example.com 3, bob 1, carol@example.com 1" in out
    assert " 1  create  clusterrolebindings  bob" in out
    assert "system:serviceaccount" not in out  # Argo CD is excluded by the default pattern


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
    assert "Read 11 log events: 5 matched, 6 not matched; bad lines: 0" in out


def test_stdin_and_several_inputs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_stdin(monkeypatch, gzip.compress((CLI / "insights.csv").read_bytes()))
    code, out, _ = run(capsys, "test-pattern", "-", EVENTS)
    assert code == 0
    assert "Read 22 log events: 10 matched" in out


def test_show_matches_lists_events_without_bodies(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "test-pattern", "--show-matches", CLI / "filter-log-events.json")
    lines = out.splitlines()
    assert (
        "2026-11-20T14:03:11.512345Z  alice@example.com  delete  secrets  payments/db-creds"
        "  (tests/fixtures/cli/filter-log-events.json:1 events[1])"
    ) in [line.replace(str(FIXTURES.parent.parent) + "/", "") for line in lines]
    assert sum("pods/exec  payments/api-7d9f8c6b5-x2x9k" in line for line in lines) == 2
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
    assert "Read 6 log events: 2 matched, 4 not matched; bad lines: 5" in out
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
    assert "5 matched" in out


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
    with pytest.raises(SystemExit) as exited:
        cli.main(["test-pattern", "--pattern", "x", "--pattern-file", "y"])
    assert exited.value.code == 2
    code, _, err = run(capsys, "replay", "--disable-rule", "no-such-rule", EVENTS)
    assert code == 2
    assert "no-such-rule" in err


# ---- replay ----


@pytest.mark.parametrize("name", FORMATS)
def test_replay_json_shows_who_did_what(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", "--json", CLI / name)
    assert code == 0
    assert alerts_seen(out) == EXPECTED_ALERTS
    assert "Alerts: 4 (1 high, 3 medium)" in err


def test_replay_text_is_what_an_email_subscriber_reads(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", CLI / "subscription.jsonl")
    assert code == 0
    subjects = [line for line in out.splitlines() if line.startswith("Subject: ")]
    assert subjects == [
        "Subject: [MEDIUM] alice@example.com deleted secrets payments/db-creds in prod-eu",
        "Subject: [HIGH] bob created clusterrolebindings temp-admin in prod-eu",
        "Subject: [MEDIUM] alice@example.com exec'd into pods payments/api-7d9f8c6b5-x2x9k"
        " in prod-eu",
        "Subject: [MEDIUM] carol@example.com was denied: delete namespaces staging in prod-eu",
    ]
    assert "IAM identity:     arn:aws:iam::111122223333:user/bob" in out
    assert "Account:   111122223333" in out  # the payload's owner
    assert "1 from non-audit streams (skipped)" in err
    assert "Not alerted: duplicate_stage 1" in err


def test_replay_cluster_option_and_unknown_default(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "replay", "--json", EVENTS)
    assert {json.loads(line)["where"]["cluster"] for line in out.splitlines()} == {"unknown"}
    _, out, _ = run(capsys, "replay", "--json", "--cluster", "payments-prod", EVENTS)
    where = json.loads(out.splitlines()[0])["where"]
    assert where == where | {
        "cluster": "payments-prod",
        "log_group": "/aws/eks/payments-prod/cluster",
    }


def test_replay_pattern_and_settings(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run(capsys, "replay", "--json", "--pattern", '{ $.verb = "delete" }', EVENTS)
    assert alerts_seen(out) == [EXPECTED_ALERTS[0], EXPECTED_ALERTS[3]]
    assert "3 passed the pattern, 8 did not" in err  # with the RequestReceived stage
    _, out, _ = run(capsys, "replay", "--json", "--min-severity", "high", EVENTS)
    assert alerts_seen(out) == [EXPECTED_ALERTS[1]]
    _, out, _ = run(capsys, "replay", "--json", "--no-pattern", "--alert-on-automation", EVENTS)
    assert "system:serviceaccount:argocd:argocd-application-controller" in out
    _, out, _ = run(
        capsys, "replay", "--json", "--automation-principal", "arn:aws:iam::*:user/bob", EVENTS
    )
    assert EXPECTED_ALERTS[1] not in alerts_seen(out)


def test_replay_folds_repeats_into_digests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text(_numbered(EVENTS.read_text().splitlines()[1:2], 12))
    _, out, err = run(capsys, "replay", "--json", many)
    (digest,) = [json.loads(line) for line in out.splitlines()]
    assert digest["kind"] == "digest"
    assert "Alerts: 1 (1 medium)" in err


def test_replay_publishes_to_sns(inbox: Inbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", "--sns-topic-arn", inbox.topic_arn, CLI / "insights.csv")
    assert code == 0
    assert out == ""
    assert f"Published 4 messages to {inbox.topic_arn}" in err
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


def test_replay_publish_failure_exits_1(inbox: Inbox, capsys: pytest.CaptureFixture[str]) -> None:
    missing = inbox.topic_arn + "-gone"
    code, _, err = run(capsys, "replay", "--sns-topic-arn", missing, EVENTS)
    assert code == 1
    assert "Published 0 messages" in err
    assert "error: not published" in err


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


def test_progress_line_only_on_a_terminal() -> None:
    seconds = iter(range(100))
    shown = io.StringIO()
    progress = Progress(shown, enabled=True, clock=lambda: next(seconds) / 10)
    progress.start("audit.jsonl", 10 * 1_048_576, lambda: 5 * 1_048_576)
    for _ in range(10 * 1024):  # the clock is read every 1,024 events: 1 second in all
        progress.tick()
    progress.finish()
    drawn = shown.getvalue().split("\r\x1b[K")
    assert drawn == [
        "",
        "audit.jsonl: 5,120 events, 50% of 10.0 MiB",  # redrawn at most every half second
        "audit.jsonl: 10,240 events, 50% of 10.0 MiB",
        "",  # erased at the end
    ]
    quiet = io.StringIO()
    silent = Progress(quiet, enabled=False)
    silent.start("audit.jsonl", None, lambda: None)
    for _ in range(5000):
        silent.tick()
    silent.finish()
    assert quiet.getvalue() == ""


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
        log.write_text(_numbered(lines, count))
        with open(tmp_path / "out", "w") as sink:
            monkeypatch.setattr(sys, "stdout", sink)
            tracemalloc.start()
            try:
                assert cli.main([*command, str(log)]) == 0
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
    assert peaks[1] < 1.5 * peaks[0], peaks


def _numbered(lines: list[str], count: int) -> str:
    """`count` events cycling through `lines`, each with its own auditID."""
    out = []
    for index in range(count):
        event = json.loads(lines[index % len(lines)])
        event["auditID"] = f"{index:08x}-0000-4000-8000-000000000000"
        out.append(json.dumps(event))
    return "\n".join(out) + "\n"
