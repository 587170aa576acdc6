"""The `eks-audit-bot` command line: arguments, help and examples (the commands are in `cli`)."""

from __future__ import annotations

import argparse

from eks_audit_bot.model.severity import Severity
from eks_audit_bot.settings import HttpsFormat

DESCRIPTION = """\
Try eks-audit-bot on your own audit logs before deploying it: which events a CloudWatch Logs
filter pattern lets through (test-pattern), and which alerts the Lambda would send (replay)."""

INPUTS = """\
inputs (files, or - for stdin; several allowed; gzip is detected by its magic bytes):
  - JSON lines: one audit event per line (kube-apiserver audit log, `kubectl logs`, exports);
    lines may also be subscription payloads {"awslogs": {"data": ...}}, decoded payloads
    {"logEvents": [...]}, compact `filter-log-events` pages or Insights rows {"@message": ...}.
    Streamed line by line: memory stays flat however large the file.
  - `aws logs filter-log-events` output (pretty-printed JSON, several pages one after the
    other is fine) and JSON arrays of {"@message": ...} exported from the console or Logs
    Insights. These documents are loaded whole into memory.
  - CSV exported from Logs Insights or the console, with a @message column (streamed).
Bad lines are counted and listed by file and line (the first 20), never fatal.
exit status: 0 ok, 1 an input could not be read or an alert was not published,
2 usage error, bad filter pattern or bad setting."""

TEST_PATTERN_EPILOG = f"""\
examples:
  # the default pattern (the one the Terraform module generates) against a day of audit logs
  eks-audit-bot test-pattern audit-2025-06-01.jsonl.gz
  # your own pattern, listing every matching event (time, who, verb, resource, ns/name)
  eks-audit-bot test-pattern --pattern-file pattern.txt --show-matches audit.jsonl
  # straight from CloudWatch Logs
  aws logs filter-log-events --log-group-name /aws/eks/prod/cluster \\
      --log-stream-name-prefix kube-apiserver-audit --start-time 1735689600000 \\
    | eks-audit-bot test-pattern --pattern '{{ $.verb = "delete" }}' -

{INPUTS}"""

REPLAY_EPILOG = f"""\
examples:
  # the alerts last week's audit log would have sent, as email text
  eks-audit-bot replay --cluster prod audit.jsonl.gz
  # as the JSON documents queues and functions receive, one per line, high and critical only
  eks-audit-bot replay --json --min-severity high audit.jsonl | jq .summary
  # without the pattern: what the Lambda alone decides
  eks-audit-bot replay --no-pattern logs-insights-export.csv
  # publish them for real (normal AWS credential chain: env, profile, SSO, instance role)
  AWS_PROFILE=ops eks-audit-bot replay --sns-topic-arn arn:aws:sns:eu-west-1:111122223333:eks \\
      subscription-payloads.jsonl

Events that pass the pattern reach the Lambda's logic in chunks of --chunk-size from one log
group and stream, as subscription batches do: one alert per auditID (the stage that speaks for
it), digests of repeats and the per-invocation cap all apply within a chunk.

{INPUTS}"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eks-audit-bot",
        description=DESCRIPTION,
        epilog="Run `eks-audit-bot COMMAND --help` for a command's options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    test = commands.add_parser(
        "test-pattern",
        help="which log events a filter pattern matches, with counts by verb/resource/user",
        description="Evaluate a CloudWatch Logs filter pattern locally, as CloudWatch would.",
        epilog=TEST_PATTERN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _pattern_options(test, allow_none=False)
    test.add_argument(
        "--show-matches", action="store_true", help="list each matching event on one line"
    )
    _inputs(test)
    replay = commands.add_parser(
        "replay",
        help="the alerts the Lambda would send for an audit log (print or publish)",
        description="Run the pattern, then the Lambda's own pipeline, over audit logs.",
        epilog=REPLAY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _pattern_options(replay, allow_none=True)
    _replay_options(replay)
    _settings_options(replay)
    _inputs(replay)
    return parser


def _pattern_options(parser: argparse.ArgumentParser, *, allow_none: bool) -> None:
    group = parser.add_argument_group("filter pattern (default: the module's default pattern)")
    choice = group.add_mutually_exclusive_group()
    choice.add_argument("--pattern", metavar="TEXT", help="the filter pattern itself")
    choice.add_argument("--pattern-file", metavar="FILE", help="read the pattern from FILE")
    if allow_none:
        choice.add_argument(
            "--no-pattern", action="store_true", help="no pattern: every event reaches the Lambda"
        )


def _replay_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument(
        "--json", action="store_true", help="one JSON alert document per line (as SQS gets it)"
    )
    group.add_argument(
        "--sns-topic-arn", metavar="ARN", help="publish the alerts to this topic instead"
    )
    group.add_argument("--region", help="AWS region (default: the topic's, for links too)")
    group.add_argument(
        "--cluster",
        metavar="NAME",
        help="cluster name (default: from an /aws/eks/NAME/cluster log group, else 'unknown')",
    )
    group.add_argument(
        "--chunk-size",
        type=_positive,
        default=1000,
        metavar="N",
        help="delivered log events per simulated Lambda batch (default 1000)",
    )


def _settings_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Lambda settings (the module's variables)")
    group.add_argument("--account-id", default="", help="AWS account id shown in alerts")
    group.add_argument("--account-name", default="", help="account name shown in alerts")
    group.add_argument("--min-severity", choices=[s.value for s in Severity], default="")
    group.add_argument("--alert-on-automation", action="store_true")
    group.add_argument(
        "--automation-principal",
        action="append",
        default=[],
        metavar="GLOB",
        help="treat this user/role as automation (repeatable)",
    )
    group.add_argument(
        "--automation-user-agent",
        action="append",
        default=[],
        metavar="GLOB",
        help="narrow --automation-principal to these user agents (repeatable)",
    )
    group.add_argument(
        "--protected-namespace",
        action="append",
        default=[],
        metavar="NAMESPACE",
        help="protected namespace, replacing the defaults kube-system, kube-public and "
        "kube-node-lease (repeatable)",
    )
    group.add_argument(
        "--trusted-source-cidr",
        action="append",
        default=[],
        metavar="CIDR",
        help="where service accounts and nodes may call from (repeatable)",
    )
    group.add_argument("--disable-rule", action="append", default=[], metavar="RULE_ID")
    group.add_argument(
        "--rule-severity",
        action="append",
        default=[],
        type=_rule_severity,
        metavar="RULE_ID=SEVERITY",
        help="override a rule's severity (repeatable)",
    )
    group.add_argument(
        "--custom-rules", metavar="FILE", help="JSON list of custom rules (as CUSTOM_RULES)"
    )
    group.add_argument("--digest-threshold", type=_positive, metavar="N")
    group.add_argument("--max-alerts-per-invocation", type=_positive, metavar="N")
    group.add_argument("--https-format", choices=[f.value for f in HttpsFormat], default="")


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="audit log files, or - for stdin (default)"
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def _rule_severity(text: str) -> tuple[str, str]:
    rule_id, sep, severity = text.partition("=")
    if not sep or not rule_id or severity.lower() not in {s.value for s in Severity}:
        choices = ", ".join(s.value for s in Severity)
        raise argparse.ArgumentTypeError(f"expected RULE_ID=SEVERITY ({choices}), got {text!r}")
    return rule_id, severity.lower()
