"""`eks-audit-bot`: `test-pattern` and `replay` on local audit logs (see `--help`).

Output that a user reads or pipes goes to stdout; replay's summary, bad lines and errors go to
stderr, and so does the progress bar (only on a terminal). Errors name the option the user
typed and say what to do; they never name the Lambda's environment variables.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TextIO

from eks_audit_bot import flow
from eks_audit_bot.cli import publishing, replay, summary, testpattern
from eks_audit_bot.cli.inputs import STDIN, read_inputs
from eks_audit_bot.cli.parser import parse_arguments
from eks_audit_bot.cli.progress import Progress
from eks_audit_bot.cli.usage import UsageError, check_rule_ids, flag_error
from eks_audit_bot.filter_pattern import CompiledPattern, FilterPatternError, compile_pattern
from eks_audit_bot.settings import ConfigError, Settings
from eks_audit_bot.settings.table import SETTINGS

DEFAULT_PATTERN_FILE = "default_filter_pattern.txt"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    try:
        check_stdin(args, sys.stdin)
        if args.command == "test-pattern":
            return test_pattern(args, sys.stdout)
        return replay_command(args, sys.stdout)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_FAILED
    except (FilterPatternError, UsageError, ConfigError, publishing.NotConfigured, OSError) as err:
        message, code = _explain(err, args)
        sys.stderr.write(f"error: {message}\n")
        return code


def _explain(err: Exception, args: argparse.Namespace) -> tuple[str, int]:
    """The message and exit status for an error, in the user's terms."""
    if isinstance(err, FilterPatternError):
        return f"bad filter pattern: {err}", EXIT_USAGE
    if isinstance(err, ConfigError):
        return flag_error(str(err), args), EXIT_USAGE
    if isinstance(err, UsageError):
        return str(err), EXIT_USAGE
    if isinstance(err, OSError):
        return f"cannot read {err.filename or 'input'}: {err.strerror or err}", EXIT_FAILED
    return str(err), EXIT_FAILED


def check_stdin(args: argparse.Namespace, stdin: TextIO) -> None:
    """No INPUT and a terminal on stdin: say what is expected instead of waiting in silence."""
    if not stdin.isatty() or (args.inputs and STDIN not in args.inputs):
        return
    command = f"eks-audit-bot {args.command}"
    if not args.inputs:
        raise UsageError(
            f"{args.command}: no INPUT given, and stdin is a terminal. Name audit log files"
            f" (`{command} audit.jsonl`), or pipe one in (`... | {command} -`). Run"
            f" `{command} --help` for the formats."
        )
    sys.stderr.write(
        f"{command}: reading audit log lines from the terminal; end with Ctrl-D"
        " (Ctrl-Z Enter on Windows).\n"
    )


def test_pattern(args: argparse.Namespace, out: TextIO) -> int:
    """The report goes to stdout; with `--show-matches` the matches do, and the report stderr."""
    pattern, label = load_pattern(args)
    items = read_inputs(args.inputs, sys.stdin.buffer, Progress.on_stderr())
    shown = testpattern.Shown() if args.show_matches else None
    tally = testpattern.run(pattern, items, shown)
    report = out
    if shown is not None:
        shown.write(out)
        out.flush()
        report = sys.stderr
    testpattern.write_report(tally, label, report)
    return EXIT_OK


def replay_command(args: argparse.Namespace, out: TextIO) -> int:
    pattern = None if args.no_pattern else load_pattern(args)[0]
    settings = settings_from(args)
    check_rule_ids(args, settings)
    job = replay.Replay(settings, flow.Catalogs(settings), pattern, args.cluster, args.chunk_size)
    sink: replay.PrintSink | replay.PublishSink = replay.PrintSink(out, args.json)
    if args.sns_topic_arn:
        sink = replay.PublishSink(publishing.publisher(args.sns_topic_arn))
    items = read_inputs(args.inputs, sys.stdin.buffer, Progress.on_stderr())
    try:
        tally = replay.run(job, items, sink)
    except replay.PublishingStopped as stopped:
        raise publishing.not_configured(stopped.failure, args.sns_topic_arn) from stopped
    summary.write(tally, sys.stderr, with_pattern=pattern is not None)
    if isinstance(sink, replay.PublishSink):
        return publishing.report(sink, args.sns_topic_arn, sys.stderr)
    return EXIT_OK


def load_pattern(args: argparse.Namespace) -> tuple[CompiledPattern, str]:
    """The pattern to test and how to name it; the default is the module's own file."""
    if args.pattern is not None:
        text, source = args.pattern, "--pattern"
    elif args.pattern_file:
        try:
            text = Path(args.pattern_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as err:
            raise UsageError(
                f"--pattern-file: cannot read {args.pattern_file}: {err.strerror or err}"
            ) from err
        source = args.pattern_file
    else:
        text, source = default_pattern(), f"default (eks_audit_bot/cli/{DEFAULT_PATTERN_FILE})"
    pattern = compile_pattern(text)
    return pattern, f"{source}, {len(text)} characters, {pattern.kind} pattern"


def default_pattern() -> str:
    """The pattern the Terraform module generates by default (kept in sync by `make pattern`)."""
    resource = resources.files("eks_audit_bot.cli").joinpath(DEFAULT_PATTERN_FILE)
    return resource.read_text(encoding="utf-8").rstrip("\r\n")


def settings_from(args: argparse.Namespace) -> Settings:
    """The Lambda's settings from the options (one per setting of the table that has one),
    validated exactly as its environment is."""
    env = {
        row.env: _env_value(getattr(args, row.cli.removeprefix("--").replace("-", "_")))
        for row in SETTINGS
        if row.cli
    }
    env["SNS_TOPIC_ARN"] = env["SNS_TOPIC_ARN"] or "replay"
    env["CUSTOM_RULES"] = _read_option_file("--custom-rules", args.custom_rules)
    env["RULE_EXCEPTIONS"] = _read_option_file("--rule-exceptions", args.rule_exceptions)
    return Settings.from_env(env)


def _env_value(value: object) -> str:
    """An option's value as its environment variable holds it: lists as JSON (`KEY=VALUE`
    pairs as an object), true as `true`, unset or empty as empty (the setting's default)."""
    if not value or value is True:
        return "true" if value is True else ""
    if isinstance(value, list):
        pairs = all(isinstance(item, tuple) for item in value)
        return json.dumps(dict(value) if pairs else value)
    return str(value)


def _read_option_file(option: str, path: str | None) -> str:
    if path is None:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{option}: cannot read {path}: {err.strerror or err}") from err


def _silence_stdout() -> None:
    """After `| head`: no second BrokenPipeError when Python flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
