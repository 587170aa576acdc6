"""`eks-audit-bot mute`, `mutes` and `unmute`: mutes in the state table, set by a person.

The CLI records who set or ended a mute from `sts get-caller-identity` (the caller's ARN);
the function announces each mute when it takes effect and when it ends.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import time
from datetime import UTC, datetime
from importlib.resources import files
from typing import TYPE_CHECKING, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from eks_audit_bot.output.mutes import Mute
from eks_audit_bot.output.mutetable import MuteNotFound, MuteTable
from eks_audit_bot.output.safety import line

if TYPE_CHECKING:
    from collections.abc import Iterable

COMMANDS = ("mute", "mutes", "unmute")
MAX_SECONDS = 90 * 86400
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(\d{1,9})([smhdw])")


class MuteError(ValueError):
    """A mute command failed (the table, credentials); the message says how."""


class MuteUsageError(MuteError):
    """A mute command's input is wrong; the message says how."""


def duration(text: str) -> int:
    """Seconds in `90m`, `2h`, `1h30m`, `3d`, `1w`."""
    parts = _DURATION.findall(text.strip())
    if not parts or "".join(a + b for a, b in parts) != text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 30m, 2h, 1h30m or 3d")
    seconds = sum(int(count) * _UNITS[unit] for count, unit in parts)
    if not 60 <= seconds <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{text!r}: a mute lasts from 1m to 90d")
    return seconds


def add_parsers[P: argparse.ArgumentParser](commands: argparse._SubParsersAction[P]) -> None:
    mute = commands.add_parser(
        "mute",
        help="silence a rule for a while (announced when it starts and ends)",
        description="Mute a rule, optionally for one actor, cluster or namespace; prints its id.",
    )
    _table(mute)
    mute.add_argument("--rule", required=True, help="the rule id (eks-audit-bot's catalogs)")
    mute.add_argument("--actor", default="", help="glob on the actor's name or ARN")
    mute.add_argument("--cluster", default="", help="only this cluster")
    mute.add_argument("--namespace", default="", help="only this namespace")
    mute.add_argument(
        "--for", dest="duration", required=True, type=duration, help="30m, 2h, 1h30m, 3d (≤ 90d)"
    )
    mute.add_argument("--reason", required=True, help="why: shown in the announcement")
    mute.add_argument("--include-critical", action="store_true", help="mute critical alerts too")
    mute.add_argument("--custom", action="store_true", help="the rule is one of your custom_rules")
    _table(commands.add_parser("mutes", help="list active mutes", description="Active mutes."))
    unmute = commands.add_parser("unmute", help="end a mute now", description="End a mute now.")
    _table(unmute)
    unmute.add_argument("mute_id", metavar="ID", help="the id `mute` printed")


def _table(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", required=True, help="the state table (DEDUP_TABLE_NAME)")
    parser.add_argument("--region", default=None, help="its region (default: your AWS config)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        return _run(args, out)
    except (BotoCoreError, ClientError) as err:
        raise MuteError(f"{args.command} --table {args.table}: {err}") from err


def _run(args: argparse.Namespace, out: TextIO) -> int:
    region = args.region
    table = MuteTable(boto3.client("dynamodb", region_name=region), args.table)
    now = int(time.time())
    if args.command == "mutes":
        out.write(show(mute for mute in table.load() if mute.active(now)))
        return 0
    caller = boto3.client("sts", region_name=region).get_caller_identity()["Arn"]
    if args.command == "unmute":
        try:
            ended = table.end(args.mute_id, caller, now)
        except MuteNotFound as err:
            raise MuteError(
                f"{err}: `eks-audit-bot mutes --table {args.table}` lists them"
            ) from None
        out.write(f"{ended.mute_id} ended; the function announces it within a minute\n")
        return 0
    check_rule(args.rule, custom=args.custom)
    mute = Mute(
        mute_id=secrets.token_hex(6),
        rule=args.rule,
        until=now + args.duration,
        reason=args.reason,
        set_by=caller,
        actor=args.actor,
        cluster=args.cluster,
        namespace=args.namespace,
        include_critical=args.include_critical,
        created=now,
    )
    table.add(mute)
    out.write(f"{mute.mute_id}\n")
    return 0


def rule_ids() -> set[str]:
    ids = set()
    for feed in ("kube", "aws"):
        catalog = json.loads(files(f"eks_audit_bot.{feed}").joinpath("rules.json").read_text())
        ids |= {str(rule["id"]) for rule in catalog["rules"]}
    return ids


def check_rule(rule: str, *, custom: bool) -> None:
    if custom:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule):
            raise MuteUsageError(f"--rule {rule!r}: a rule id is lower-case letters, digits and -")
        return
    if rule not in rule_ids():
        raise MuteUsageError(
            f"--rule {rule!r} is not a rule of the catalogs (see `docs/operator-controls.md`); "
            "add --custom for one of your custom_rules"
        )


def show(mutes: Iterable[Mute]) -> str:
    rows = [("ID", "RULE", "SCOPE", "UNTIL", "SET BY", "REASON")]
    for mute in mutes:
        scope = ", ".join(
            f"{key}={value}" for key, value in mute.scope().items() if key != "rule"
        ) + (", critical too" if mute.include_critical else "")
        until = datetime.fromtimestamp(mute.until, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append((mute.mute_id, mute.rule, scope, until, mute.set_by, mute.reason))
    if len(rows) == 1:
        return "no active mutes\n"
    cells = [[line(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]) - 1)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + f"  {row[-1]}\n"
        for row in cells
    )
