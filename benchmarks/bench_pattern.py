"""Throughput of `test-pattern` and `replay` against the bare cost of parsing, and their memory.

    .venv/bin/python benchmarks/bench_pattern.py                 # 1,000,000 events (~1 min)
    .venv/bin/python benchmarks/bench_pattern.py --events 50000  # a quick look

All figures come from one run on one generated log (see `eventgen.py`), so they are compared
as ratios to the baseline measured in the same run, never as absolute times:

- baseline:     read every line and `json.loads` it (the least any tool must do);
- evaluator:    baseline + the default pattern's `matches_parsed` on each parsed line;
- test-pattern: the CLI's own path (format detection, records, counts, the who/what table);
- replay:       the pattern, then the Lambda's pipeline, alerts rendered to /dev/null.

Peak memory (max RSS of a fresh process per measurement) is taken at two sizes, the full log
and a fifth of it, to show that it does not grow with the input.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import eventgen
from eks_audit_bot import flow
from eks_audit_bot.cli import replay, testpattern
from eks_audit_bot.cli.inputs import read_inputs
from eks_audit_bot.cli.main import default_pattern
from eks_audit_bot.cli.progress import Progress
from eks_audit_bot.cli.records import Item
from eks_audit_bot.filter_pattern import compile_pattern
from eks_audit_bot.settings import Settings

MODES = ("baseline", "evaluator", "test-pattern", "replay")


def baseline(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8") as log:
        for line in log:
            json.loads(line)
            count += 1
    return count


def evaluator(path: Path) -> int:
    matches_parsed = compile_pattern(default_pattern()).matches_parsed
    matched = 0
    with path.open(encoding="utf-8") as log:
        for line in log:
            matched += matches_parsed(line, json.loads(line))
    return matched


def test_pattern(path: Path) -> int:
    pattern = compile_pattern(default_pattern())
    tally = testpattern.run(pattern, _records(path), None)
    testpattern.write_report(tally, "default", io.StringIO())
    return tally.matched


def replay_log(path: Path) -> int:
    settings = Settings(sns_topic_arn="replay", account_id=eventgen.ACCOUNT, region="eu-west-1")
    job = replay.Replay(settings, flow.Catalogs(settings), compile_pattern(default_pattern()))
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        return replay.run(job, _records(path), replay.PrintSink(devnull)).messages


def _records(path: Path) -> Iterator[Item]:
    return read_inputs([str(path)], sys.stdin.buffer, Progress(None))


RUNNERS: dict[str, Callable[[Path], int]] = {
    "baseline": baseline,
    "evaluator": evaluator,
    "test-pattern": test_pattern,
    "replay": replay_log,
}


def timed(path: Path, repeat: int) -> dict[str, tuple[float, int]]:
    """Best wall time per mode and its result; modes take turns, so drift hits all alike."""
    best = {mode: (float("inf"), 0) for mode in MODES}
    for _ in range(repeat):
        for mode in MODES:
            started = time.perf_counter()
            result = RUNNERS[mode](path)
            best[mode] = (min(best[mode][0], time.perf_counter() - started), result)
    return best


def peak_rss_mib(mode: str, path: Path) -> float:
    """Max RSS of a fresh interpreter that runs `mode` over `path` once."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def child(mode: str, path: Path) -> None:
    RUNNERS[mode](path)
    print(_high_water_mib())


def _high_water_mib() -> float:
    """This process's peak RSS. Linux: VmHWM, since `ru_maxrss` survives fork+exec from a
    bigger parent; elsewhere `ru_maxrss` (KiB on Linux, bytes on macOS)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1_048_576 if sys.platform == "darwin" else maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="log lines to generate")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per mode (best kept)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="eks-audit-bench-") as tmp:
        report(Path(tmp), args.events, args.repeat)


def report(tmp: Path, events: int, repeat: int) -> None:
    big, small = tmp / "audit-big.jsonl", tmp / "audit-small.jsonl"
    size = eventgen.write(big, events)
    eventgen.write(small, events // 5)
    version = sys.version.split()[0]
    print(f"Generated {events:,} events ({size / 1_048_576:,.0f} MiB), Python {version}")
    print(f"\n{'mode':<13} {'seconds':>8} {'events/s':>10} {'x baseline':>10}  result")
    times = timed(big, repeat)
    base = times["baseline"][0]
    for mode, (seconds, result) in times.items():
        rate = events / seconds
        print(f"{mode:<13} {seconds:8.2f} {rate:10,.0f} {seconds / base:10.2f}  {result:,}")
    print(f"\npeak RSS (MiB) {events // 5:>12,} {events:>12,}   events")
    for mode in MODES:
        low, high = peak_rss_mib(mode, small), peak_rss_mib(mode, big)
        print(f"{mode:<14} {low:12.1f} {high:12.1f}")


if __name__ == "__main__":
    main()
