"""`eks-audit-bot`: `test-pattern` and `replay` on local audit logs (see `--help`).

Output that a user reads or pipes goes to stdout; replay's summary, bad lines and errors go to
stderr, and so does the progress line (only on a terminal).
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

import boto3

from eks_audit_bot.cli import replay, testpattern
from eks_audit_bot.cli.inputs import read_inputs
from eks_audit_bot.cli.parser import build_parser
from eks_audit_bot.cli.progress import Progress
from eks_audit_bot.delivery.sns import Publisher
from eks_audit_bot.detection.rules import RuleCatalog
from eks_audit_bot.filter_pattern import CompiledPattern, FilterPatternError, compile_pattern
from eks_audit_bot.settings import ConfigError, Settings

DEFAULT_PATTERN_FILE = "default_filter_pattern.txt"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with what the user asked for (exit 2)."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "test-pattern":
            return test_pattern(args, sys.stdout)
        return replay_command(args, sys.stdout)
    except FilterPatternError as err:
        return _fail(f"bad filter pattern: {err}", EXIT_USAGE)
    except (UsageError, ConfigError) as err:
        return _fail(str(err), EXIT_USAGE)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_FAILED
    except OSError as err:
        return _fail(f"cannot read {err.filename or 'input'}: {err.strerror or err}", EXIT_FAILED)


def test_pattern(args: argparse.Namespace, out: TextIO) -> int:
    pattern, label = load_pattern(args)
    items = read_inputs(args.inputs, sys.stdin.buffer, Progress.on_stderr())
    tally = testpattern.run(pattern, items, out if args.show_matches else None)
    if args.show_matches and tally.matched:
        out.write("\n")
    testpattern.write_report(tally, label, out)
    return EXIT_OK


def replay_command(args: argparse.Namespace, out: TextIO) -> int:
    pattern = None if args.no_pattern else load_pattern(args)[0]
    settings = settings_from(args)
    job = replay.Replay(
        settings, RuleCatalog.load(settings), pattern, args.cluster, args.chunk_size
    )
    sink: replay.PrintSink | replay.PublishSink = replay.PrintSink(out, args.json)
    if args.sns_topic_arn:
        sink = replay.PublishSink(_publisher(args.sns_topic_arn, settings.region))
    items = read_inputs(args.inputs, sys.stdin.buffer, Progress.on_stderr())
    tally = replay.run(job, items, sink)
    _write_replay_summary(tally, pattern is not None, sys.stderr)
    if isinstance(sink, replay.PublishSink):
        return _report_publishing(sink, args.sns_topic_arn, sys.stderr)
    return EXIT_OK


def load_pattern(args: argparse.Namespace) -> tuple[CompiledPattern, str]:
    """The pattern to test and how to name it; the default is the module's own file."""
    if args.pattern is not None:
        text, source = args.pattern, "--pattern"
    elif args.pattern_file:
        try:
            text = Path(args.pattern_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as err:
            raise UsageError(f"cannot read pattern file {args.pattern_file}: {err}") from err
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
    """The Lambda's settings from the options, validated exactly as its environment is."""
    env = {
        "SNS_TOPIC_ARN": args.sns_topic_arn or "replay",
        "ACCOUNT_ID": args.account_id,
        "ACCOUNT_NAME": args.account_name,
        "AWS_REGION": args.region or "",
        "MIN_SEVERITY": args.min_severity,
        "ALERT_ON_AUTOMATION": "true" if args.alert_on_automation else "",
        "AUTOMATION_PRINCIPALS": json.dumps(args.automation_principal),
        "AUTOMATION_USER_AGENTS": json.dumps(args.automation_user_agent),
        "DISABLED_RULES": json.dumps(args.disable_rule),
        "RULE_SEVERITIES": json.dumps(dict(args.rule_severity)),
        "CUSTOM_RULES": _read_option_file("--custom-rules", args.custom_rules),
        "DIGEST_THRESHOLD": str(args.digest_threshold or ""),
        "MAX_ALERTS_PER_INVOCATION": str(args.max_alerts_per_invocation or ""),
        "HTTPS_FORMAT": args.https_format,
    }
    return Settings.from_env(env)


def _read_option_file(option: str, path: str | None) -> str:
    if path is None:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{option}: cannot read {path}: {err.strerror or err}") from err


def _publisher(topic_arn: str, region: str) -> Publisher:
    """An SNS client from the default credential chain (env, profile, SSO, instance role)."""
    if not topic_arn.startswith("arn:") or topic_arn.count(":") != 5:
        raise UsageError(f"--sns-topic-arn: not an SNS topic ARN: {topic_arn!r}")
    return Publisher(boto3.session.Session().client("sns", region_name=region or None), topic_arn)


def _write_replay_summary(tally: replay.ReplayTally, with_pattern: bool, err: TextIO) -> None:
    line = f"Read {tally.read:,} log events"
    if tally.other_streams:
        line += f"; {tally.other_streams:,} from non-audit streams (skipped)"
    if with_pattern:
        line += f"; {tally.passed:,} passed the pattern, {tally.filtered:,} did not"
    err.write(f"{line}; {tally.events:,} audit events reached the Lambda's logic\n")
    if tally.aws_events:
        err.write(f"CloudTrail records and EventBridge events: {tally.aws_events:,}\n")
    severities = ", ".join(
        f"{tally.severities[s]:,} {s}"
        for s in ("critical", "high", "medium", "low")
        if tally.severities[s]
    )
    err.write(f"Alerts: {tally.messages:,}" + (f" ({severities})" if severities else "") + "\n")
    if tally.dropped:
        dropped = ", ".join(f"{why} {n:,}" for why, n in sorted(tally.dropped.items()))
        err.write(f"Not alerted: {dropped}\n")
    tally.bad.write(err)


def _report_publishing(sink: replay.PublishSink, topic_arn: str, err: TextIO) -> int:
    err.write(f"Published {sink.published:,} messages to {topic_arn}\n")
    for failure in sink.failures:
        err.write(f"error: not published ({failure.code}): {failure.detail[:200]}\n")
    return EXIT_FAILED if sink.failures else EXIT_OK


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"error: {message}\n")
    return code


def _silence_stdout() -> None:
    """After `| head`: no second BrokenPipeError when Python flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
