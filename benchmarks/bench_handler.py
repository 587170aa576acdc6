"""The Lambda handler against the bare cost of reading its input, its import cost and memory.

    .venv/bin/python benchmarks/bench_handler.py                  # 10,000 events, ~1 minute
    .venv/bin/python benchmarks/bench_handler.py --repeat 7       # more runs (best kept)

Every figure is a ratio to a baseline measured in the same run, never an absolute time; times
are CPU time of the measuring process (steadier than wall time on a shared machine):

- throughput: the handler (`lambda_handler` with a stand-in SNS client that accepts every
  entry) on a realistic 10,000-event subscription payload (`eventgen.py`), against the floor:
  base64 + gunzip + `json.loads` of the payload and of every message;
- import: `import eks_audit_bot.handler` from the function zip in a fresh interpreter, with the
  zip's bytecode (as on Lambda) and compiled from source, against importing boto3 and
  Powertools' Logger and Metrics (what any Powertools function pays);
- memory: peak RSS of a fresh interpreter that runs the handler on the largest payload
  CloudWatch Logs sends (about 1 MB compressed), against the 256 MB default function memory.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import eventgen
from eks_audit_bot import flow, handler
from eks_audit_bot.kube import cloudwatch
from eks_audit_bot.output.sns import Publisher
from eks_audit_bot.settings import Settings

HERE = Path(__file__).resolve().parent
TOPIC = f"arn:aws:sns:eu-west-1:{eventgen.ACCOUNT}:eks-alerts"
LOG_GROUP = "/aws/eks/prod-eu/cluster"
LOG_STREAM = "kube-apiserver-audit-0123456789abcdef0123456789abcdef"
MAX_COMPRESSED = 1_000_000  # what one subscription delivery holds at most
FUNCTION_MEMORY_MIB = 256
IMPORT_BASELINE = "import boto3; from aws_lambda_powertools import Logger, Metrics"
IMPORT_HANDLER = "import eks_audit_bot.handler"


def payload(count: int) -> dict[str, Any]:
    """The Lambda event CloudWatch Logs sends for `count` lines of the realistic mix."""
    events = [
        {
            "id": f"{36_000_000 + index:056d}",
            "timestamp": 1_795_183_391_512 + index,
            "message": line,
        }
        for index, line in enumerate(eventgen.lines(count))
    ]
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": eventgen.ACCOUNT,
        "logGroup": LOG_GROUP,
        "logStream": LOG_STREAM,
        "subscriptionFilters": ["eks-audit-bot"],
        "logEvents": events,
    }
    raw = gzip.compress(json.dumps(document, separators=(",", ":")).encode(), mtime=0)
    return {"awslogs": {"data": base64.b64encode(raw).decode()}}


def inflated_size(event: dict[str, Any]) -> int:
    return len(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))


def largest_payload() -> tuple[dict[str, Any], int]:
    """The most events of the mix whose compressed payload still fits in one delivery."""
    low, high = 1_000, 200_000
    while high - low > 250:
        middle = (low + high) // 2
        if _compressed_size(payload(middle)) <= MAX_COMPRESSED:
            low = middle
        else:
            high = middle
    return payload(low), low


def _compressed_size(event: dict[str, Any]) -> int:
    return len(base64.b64decode(event["awslogs"]["data"]))


def floor(event: dict[str, Any]) -> int:
    document = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    for log_event in document["logEvents"]:
        json.loads(log_event["message"])
    return len(document["logEvents"])


class AcceptingSns:
    """An SNS client stand-in: PublishBatch accepts every entry (no network in the timing)."""

    def publish_batch(self, **request: Any) -> dict[str, Any]:
        entries = request["PublishBatchRequestEntries"]
        return {"Successful": [{"Id": entry["Id"], "MessageId": "m"} for entry in entries]}


def handler_runner() -> Callable[[dict[str, Any]], int]:
    settings = Settings(TOPIC, account_id=eventgen.ACCOUNT, region="eu-west-1")
    env = handler.Runtime(settings, flow.Catalogs(settings), Publisher(AcceptingSns(), TOPIC))
    handler.runtime = lambda: env

    class Context:
        function_name = "eks-audit-bot"
        function_version = "$LATEST"
        invoked_function_arn = f"arn:aws:lambda:eu-west-1:{eventgen.ACCOUNT}:function:bench"
        memory_limit_in_mb = FUNCTION_MEMORY_MIB
        aws_request_id = "bench"

    def run(event: dict[str, Any]) -> int:
        return int(handler.lambda_handler(event, Context())["received"])

    return run


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the function's stdout (EMF metrics, logs) at the file descriptor level."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def throughput(count: int, repeat: int) -> None:
    event = payload(count)
    runners = {"floor": floor, "handler": handler_runner()}
    best = dict.fromkeys(runners, float("inf"))
    results = {}
    with quiet():
        for _ in range(repeat):
            for name, run in runners.items():
                started = time.process_time()
                results[name] = run(event)
                best[name] = min(best[name], time.process_time() - started)
    size = _compressed_size(event)
    print(f"throughput: {count:,} events, {size / 1024:,.0f} KiB compressed, best of {repeat}")
    for name in runners:
        rate = results[name] / best[name]
        print(f"  {name:<8} {best[name] * 1000:8.1f} ms {rate:10,.0f} events/s")
    print(f"  handler/floor speed: {best['floor'] / best['handler']:.2f}x (target >= 0.80)")


def import_seconds(statement: str, env: dict[str, str]) -> float:
    code = f"import time; t = time.process_time(); {statement}; print(time.process_time() - t)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(done.stdout.strip())


def imports(repeat: int) -> None:
    """The function zip's code imported in fresh interpreters, from an extracted copy that
    writes no bytecode (as /var/task, read-only): with the zip's own bytecode, as Lambda
    runs it, then with the pycs stripped, compiled from source. Fastest of `repeat` each,
    baseline and handler taking turns."""
    package = Path(handler.__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="eks-audit-imports-") as tmp:
        rows = {}
        for label, folder, strip in (
            ("from the zip (its bytecode, as on Lambda)", "zip", False),
            ("from source (no bytecode)", "source", True),
        ):
            zipped = package.parent / "eks-audit-bot.zip"
            rows[label] = zip_env(zipped, Path(tmp) / folder, strip=strip)
        print(f"import of the function zip (fastest of {repeat} fresh interpreters each):")
        for label, env in rows.items():
            samples: dict[str, list[float]] = {IMPORT_BASELINE: [], IMPORT_HANDLER: []}
            for _ in range(repeat):
                for statement, times in samples.items():
                    times.append(import_seconds(statement, env))
            base, ours = (min(samples[s]) for s in (IMPORT_BASELINE, IMPORT_HANDLER))
            paired = sorted(
                sum(pair) / pair[0] for pair in (paired_import(env) for _ in range(repeat))
            )
            target = " (target <= 1.10)" if label.startswith("from the zip") else ""
            print(
                f"  {label:<41} boto3 + Logger + Metrics {base * 1000:6.1f} ms, "
                f"handler {ours * 1000:6.1f} ms: {ours / base:.2f}x{target}; "
                f"paired, median {statistics.median(paired):.2f}x"
            )


def zip_env(zipped: Path, folder: Path, *, strip: bool = False) -> dict[str, str]:
    """The environment of an interpreter that imports the code of `zipped`, extracted into
    `folder` (its pycs removed with `strip`), writing no bytecode."""
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(folder)
    for pyc in folder.rglob("*.pyc") if strip else ():
        pyc.unlink()
    env = {**_env(), "PYTHONPATH": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def paired_import(env: dict[str, str]) -> tuple[float, float]:
    """One interpreter imports boto3 + Logger + Metrics, then the handler: the seconds of
    each part. Both are timed in the same process, moments apart, so a burst of load on this
    shared machine moves them together, where two separate interpreters' fastest runs may
    each meet a different one."""
    code = (
        f"import time; t = time.process_time(); {IMPORT_BASELINE}; b = time.process_time(); "
        f"{IMPORT_HANDLER}; print(b - t, time.process_time() - b)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    base, rest = map(float, done.stdout.split())
    return base, rest


def memory(path: Path, count: int, modes: tuple[str, ...] = ("floor", "handler")) -> None:
    event = json.loads(path.read_text())
    print(
        f"memory: {count:,} events, {_compressed_size(event) / 1024:,.0f} KiB compressed, "
        f"{inflated_size(event) / 1_048_576:,.1f} MiB inflated"
    )
    for mode in modes:
        idle, peak = _child_memory(mode, path)
        print(
            f"  {mode:<8} peak RSS {peak:6.1f} MiB ({peak - idle:+6.1f} over idle) "
            f"= {peak / FUNCTION_MEMORY_MIB:.0%} of {FUNCTION_MEMORY_MIB} MB"
        )


def _child_memory(mode: str, path: Path) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=_env(),
    )
    idle, peak = done.stdout.split()[-2:]
    return float(idle), float(peak)


def child(mode: str, path: Path) -> None:
    event = json.loads(path.read_text())
    run = floor if mode == "floor" else handler_runner()
    idle = _rss_mib("VmRSS")
    with quiet():
        run(event)
    print(idle, _rss_mib("VmHWM"))


def _rss_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Bench")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH", "")]))
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events in the timed payload")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (best kept)")
    parser.add_argument("--imports", type=int, default=15, help="fresh interpreters per import")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    print(f"Python {sys.version.split()[0]}")
    throughput(args.events, args.repeat)
    imports(args.imports)
    with tempfile.TemporaryDirectory(prefix="eks-audit-bench-") as tmp:
        event, count = largest_payload()
        path = Path(tmp) / "largest.json"
        path.write_text(json.dumps(event))
        memory(path, count)
        # The most a payload may inflate to: more than CloudWatch sends. (A version without
        # a ceiling, such as the one this benchmark was first run on, has nothing to show.)
        ceiling = getattr(cloudwatch, "MAX_INFLATED_BYTES", None)
        if ceiling is None:
            return
        count = int(ceiling * 0.97 / (inflated_size(event) / count))
        path.write_text(json.dumps(payload(count)))
        print("at the inflation ceiling (larger than any CloudWatch delivery):")
        memory(path, count, ("handler",))


if __name__ == "__main__":
    main()
