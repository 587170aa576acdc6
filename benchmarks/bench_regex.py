"""How the function's regular expressions grow on text built to make them backtrack.

    .venv/bin/python benchmarks/bench_regex.py            # every pattern, ~10 seconds
    .venv/bin/python benchmarks/bench_regex.py --size 16000

Everything from the audit log or CloudTrail is attacker-controlled, and a pattern that
backtracks turns one long value into minutes of CPU: the batch times out and every alert in it
waits. This finds each compiled pattern the runtime package holds at module level (directly,
in a tuple, or in a tuple's rows), searches texts shaped to make patterns backtrack (long runs
of letters, digits, separators, `://`, `password ` ...) at two sizes, and reports the growth
of the worst text's time as a ratio: about 8 for a linear pattern when the text is 8 times
longer, about 64 for a quadratic one. Nothing here asserts a time; a ratio far above the size
ratio is a pattern to rewrite.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import time
from collections.abc import Iterator

import eks_audit_bot

UNITS = (
    "a", "a-", "a.", "a:", "a=", "a,", "a@", "ab/", "aA1_", "0", " ", "=", "\\", "%2", "<", "[",
    "*", "{", "a\n", "x+", "password ", '"a":', "ghp_", "-----BEGIN ",
)  # fmt: skip
SUFFIXES = ("", "://", "@", ":")


def patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern of the runtime package, once, with where it lives."""
    seen: set[int] = set()
    for info in pkgutil.walk_packages(eks_audit_bot.__path__, "eks_audit_bot."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            items = value if isinstance(value, tuple) else (value,)
            for index, item in enumerate(items):
                # A pattern, or one inside a row: (label, pattern), (pattern, replacement).
                for found in item if isinstance(item, tuple) else (item,):
                    if isinstance(found, re.Pattern) and id(found) not in seen:
                        seen.add(id(found))
                        where = f"{info.name}.{name}" + (f"[{index}]" if len(items) > 1 else "")
                        yield where, found


def worst(pattern: re.Pattern[str], size: int) -> tuple[float, str]:
    """The slowest search among the shaped texts of about `size` characters, and its shape."""
    slowest, shape = 0.0, ""
    for unit in UNITS:
        for suffix in SUFFIXES:
            text = unit * (size // len(unit)) + suffix
            started = time.perf_counter()
            pattern.search(text)
            spent = time.perf_counter() - started
            if spent > slowest:
                slowest, shape = spent, f"{unit!r} x {size // len(unit)} + {suffix!r}"
    return slowest, shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=8000, help="the smaller text's length")
    parser.add_argument("--factor", type=int, default=8, help="how much longer the larger is")
    args = parser.parse_args()
    large = args.size * args.factor
    print(f"growth of the worst search, {args.size:,} -> {large:,} characters "
          f"(linear ~{args.factor}, quadratic ~{args.factor ** 2}):")  # fmt: skip
    rows = []
    for where, pattern in patterns():
        small, _ = worst(pattern, args.size)
        big, shape = worst(pattern, large)
        rows.append((big / max(small, 1e-6), big, where, shape))
    for growth, big, where, shape in sorted(rows, reverse=True):
        flag = "  <- superlinear" if growth > 3 * args.factor and big > 0.01 else ""
        print(f"  {growth:7.1f}x {big * 1000:9.2f} ms  {where}  ({shape}){flag}")
    print(f"{len(rows)} patterns")


if __name__ == "__main__":
    main()
