"""The `eks-audit-bot` command line: arguments, help and examples (the commands are in `cli`).

Values are checked here, where argparse can name the option the user typed; `SETTING_FLAGS`
maps the Lambda's settings back to these options for the errors only the settings can find.
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn

from eks_audit_bot.cli.helptext import DESCRIPTION, REPLAY_EPILOG, TEST_PATTERN_EPILOG
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.settings import HttpsFormat, Settings
from eks_audit_bot.settings.table import SETTINGS

# The Lambda's setting (environment variable) each replay option stands for.
SETTING_FLAGS = {row.env: row.cli for row in SETTINGS if row.cli}
SEVERITIES = tuple(severity.value for severity in Severity)
_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[\w.-]{1,256}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")
_DEFAULTS = Settings("replay")


class _Parser(argparse.ArgumentParser):
    """Errors in two lines: what is wrong with which option, and where the help is (argparse
    would print the whole usage, twenty lines, before the one that matters)."""

    commands: dict[str, argparse.ArgumentParser]

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\nRun `{self.prog} --help` for the options.\n")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line parsed; an unknown option of a command gets that command's error,
    with the closest option it has (`--no-patern`: did you mean `--no-pattern`?)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        command = parser.commands[args.command]
        command.error(_unrecognized(unknown, command))
    return args


def _unrecognized(unknown: list[str], command: argparse.ArgumentParser) -> str:
    message = f"unrecognized argument{'s' if len(unknown) > 1 else ''}: {' '.join(unknown)}"
    first = unknown[0].split("=", 1)[0]
    if not first.startswith("-"):
        return message
    options = sorted(set(_OPTION.findall(command.format_help())))
    close = difflib.get_close_matches(first, options, n=1, cutoff=0.6)
    return message + (f"; did you mean {close[0]}?" if close else "")


def build_parser() -> _Parser:
    parser = _Parser(
        prog="eks-audit-bot",
        description=DESCRIPTION,
        epilog="Run `eks-audit-bot COMMAND --help` for a command's options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
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
        "--show-matches",
        action="store_true",
        help="list each matching request once on stdout (time, stages, who, verb, resource,"
        " object, where; tab-separated in a pipe); the report then goes to stderr",
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
    parser.commands = {"test-pattern": test, "replay": replay}
    return parser


def package_version() -> str:
    try:
        return version("eks-audit-bot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


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
        "--sns-topic-arn",
        type=_topic_arn,
        metavar="ARN",
        help="publish the alerts to this topic instead of printing them (AWS credentials needed)",
    )
    group.add_argument(
        "--region",
        type=_region,
        help="the cluster's AWS region, for Logs Insights links (default: the topic's)",
    )
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
    group.add_argument(
        "--account-id",
        type=_account_id,
        metavar="ID",
        help="12-digit AWS account id shown in alerts (default: the log payload's owner)",
    )
    group.add_argument(
        "--account-name", default="", metavar="NAME", help="account name shown in alerts"
    )
    group.add_argument(
        "--min-severity",
        type=str.lower,
        choices=SEVERITIES,
        default="",
        help="send only alerts at or above this severity (default: low, everything)",
    )
    group.add_argument(
        "--alert-on-automation",
        action="store_true",
        help="alert on service accounts, nodes, controllers and EKS too (normally quiet)",
    )
    group.add_argument(
        "--automation-principal",
        action="append",
        default=[],
        metavar="GLOB",
        help="treat this user, IAM ARN or role name as automation (repeatable)",
    )
    group.add_argument(
        "--automation-user-agent",
        action="append",
        default=[],
        metavar="GLOB",
        help="narrow --automation-principal to this user agent, e.g. 'Helm/*' (repeatable)",
    )
    group.add_argument(
        "--disable-rule",
        action="append",
        default=[],
        metavar="RULE_ID",
        help="turn a rule off, e.g. namespace-deleted (repeatable; ids: docs/detection.md)",
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
    group.add_argument(
        "--rule-severity",
        action="append",
        default=[],
        type=_rule_severity,
        metavar="RULE_ID=SEVERITY",
        help="override a rule's severity, e.g. secret-changed=high (repeatable)",
    )
    group.add_argument(
        "--custom-rules",
        metavar="FILE",
        help="a JSON list of your own rules (the module's custom_rules; see lambda/README.md)",
    )
    group.add_argument(
        "--rule-exceptions",
        metavar="FILE",
        help='a JSON list of {"rule", "principal", "namespace"} a rule spares (the module\'s '
        "rule_exceptions; see docs/automation-and-identity.md)",
    )
    group.add_argument(
        "--digest-threshold",
        type=_positive,
        metavar="N",
        help="fold more than N alike alerts of one batch into one digest "
        f"(default {_DEFAULTS.digest_threshold})",
    )
    group.add_argument(
        "--max-alerts-per-invocation",
        type=_positive,
        metavar="N",
        help="at most N messages per batch; the rest go out as one summary "
        f"(default {_DEFAULTS.max_alerts_per_invocation})",
    )
    group.add_argument(
        "--https-format",
        type=str.lower,
        choices=[f.value for f in HttpsFormat],
        default="",
        help="body for https subscribers: the JSON document or Amazon Q chat (default json)",
    )


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT", help="audit log files, or - for stdin (default)"
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def _account_id(text: str) -> str:
    if not (len(text) == 12 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"expected 12 digits, e.g. 111122223333, got {text!r}")
    return text


def _region(text: str) -> str:
    if not _REGION.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected a region such as eu-west-1, got {text!r}")
    return text


def _topic_arn(text: str) -> str:
    if not _TOPIC_ARN.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"expected an SNS topic ARN such as arn:aws:sns:eu-west-1:111122223333:eks-alerts,"
            f" got {text!r}"
        )
    return text


def _rule_severity(text: str) -> tuple[str, str]:
    rule_id, sep, severity = text.partition("=")
    if not sep or not rule_id or severity.lower() not in SEVERITIES:
        choices = ", ".join(SEVERITIES)
        raise argparse.ArgumentTypeError(f"expected RULE_ID=SEVERITY ({choices}), got {text!r}")
    return rule_id, severity.lower()
