"""The handler's speed against the parse floor, for two versions of the code taking turns;
with `--imports`, the import of each version's function zip too.

    .venv/bin/python benchmarks/compare_throughput.py v0.2.0            # that tag vs this tree
    .venv/bin/python benchmarks/compare_throughput.py 8c38b3e HEAD --rounds 8
    .venv/bin/python benchmarks/compare_throughput.py v0.2.1 --rounds 0 --imports 20

Each version runs in fresh interpreters (`PYTHONPATH=<checkout>/lambda`; a revision is checked
out into a temporary git worktree), the two taking turns round after round, so a burst of
load on this shared machine falls on both. Each interpreter times the floor and the handler
one after the other (`bench_handler.floor` and `handler_runner`, the same 10,000-event mix)
several times. Reported per version: the ratio of the best times (what `bench_handler.py`
prints) and the median of the ratios of runs taken side by side (steadier). The import:
each version's committed zip, extracted, imported after boto3 + Logger + Metrics in fresh
interpreters (`bench_handler.paired_import`), the versions taking turns; the median of
(both parts) / baseline, and of the handler's own part.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKTREE = "this tree"


def child(runs: int) -> None:
    """In a fresh interpreter: [floor times, handler times] as JSON on stdout."""
    import bench_handler  # noqa: PLC0415 - after PYTHONPATH chose the version

    event = bench_handler.payload(10_000)
    run = bench_handler.handler_runner()
    times: tuple[list[float], list[float]] = ([], [])
    with bench_handler.quiet():
        for _ in range(2):  # warm: imports on the first alert, caches
            bench_handler.floor(event)
            run(event)
        for _ in range(runs):
            for side, step in zip(times, (bench_handler.floor, run), strict=True):
                started = time.process_time()
                step(event)
                side.append(time.process_time() - started)
    print(json.dumps(times))


def checkout(revision: str, tmp: Path) -> Path:
    if revision == WORKTREE:
        return ROOT / "lambda"
    tree = tmp / revision.replace("/", "_")
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision],
        check=True,
        capture_output=True,
    )
    return tree / "lambda"


def measure(code: Path, runs: int) -> tuple[list[float], list[float]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(code), str(HERE)]))
    env.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Bench")
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(runs)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    floor, handler = json.loads(done.stdout.strip().splitlines()[-1])
    return floor, handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", nargs="?", help="a git revision")
    parser.add_argument(
        "after", nargs="?", default=WORKTREE, help="a git revision (default: this tree)"
    )
    parser.add_argument("--rounds", type=int, default=6, help="turns each version takes")
    parser.add_argument("--runs", type=int, default=9, help="timed runs per interpreter")
    parser.add_argument(
        "--imports", type=int, default=0, help="fresh interpreters importing each zip (0: none)"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if not args.before:
        parser.error("name the revision to compare with")
    versions = [args.before, args.after]
    try:
        with tempfile.TemporaryDirectory(prefix="eks-audit-compare-") as tmp:
            code = {version: checkout(version, Path(tmp)) for version in versions}
            times = throughput(code, args.rounds, args.runs)
            imported = imports(code, args.imports, Path(tmp))
    finally:  # the temporary checkouts are gone: forget them
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)
    if args.rounds:
        print(f"throughput, 10,000 events, {args.rounds} turns x {args.runs} runs each:")
    for version, (floor, handler) in times.items():
        paired = statistics.median(f / h for f, h in zip(floor, handler, strict=True))
        print(
            f"  {version:<12} floor {min(floor) * 1000:6.1f} ms, handler {min(handler) * 1000:6.1f}"
            f" ms: best/best {min(floor) / min(handler):.2f}x, median side by side {paired:.2f}x"
        )
    if args.imports:
        print(f"import of each zip after boto3 + Logger + Metrics, {args.imports} interpreters:")
    for version, pairs in imported.items():
        ratio = statistics.median((base + ours) / base for base, ours in pairs)
        ours = statistics.median(ours for _, ours in pairs)
        base = statistics.median(base for base, _ in pairs)
        print(
            f"  {version:<12} baseline {base * 1000:6.1f} ms, handler's part {ours * 1000:5.1f} ms:"
            f" paired, median {ratio:.3f}x"
        )


def throughput(
    code: dict[str, Path], rounds: int, runs: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Floor and handler times of each version, the versions taking turns."""
    versions = list(code)
    times: dict[str, tuple[list[float], list[float]]] = {v: ([], []) for v in versions}
    for turn in range(rounds):
        for version in versions if turn % 2 == 0 else versions[::-1]:
            floor, handler = measure(code[version], runs)
            times[version][0].extend(floor)
            times[version][1].extend(handler)
    return times if rounds else {}


def imports(code: dict[str, Path], count: int, tmp: Path) -> dict[str, list[tuple[float, float]]]:
    """(baseline, handler) import seconds of each version's zip, the versions taking turns."""
    if not count:
        return {}
    import bench_handler  # noqa: PLC0415 - this tree's, only to start the interpreters

    versions = list(code)
    envs = {
        version: bench_handler.zip_env(code[version] / "eks-audit-bot.zip", tmp / f"zip{index}")
        for index, version in enumerate(versions)
    }
    pairs: dict[str, list[tuple[float, float]]] = {version: [] for version in versions}
    for turn in range(count):
        for version in versions if turn % 2 == 0 else versions[::-1]:
            pairs[version].append(bench_handler.paired_import(envs[version]))
    return pairs


if __name__ == "__main__":
    main()
