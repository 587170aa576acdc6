"""How big the SNS messages are: the whole request SNS counts, and each body in it.

    .venv/bin/python benchmarks/bench_messages.py

Every alert the test fixture cases (`tests/fixtures/cases/`) produce is rendered as the Lambda
publishes it; the size is what SNS counts against its 256 KiB limit (Subject, the
`MessageStructure=json` message with every protocol body, the attributes).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from eks_audit_bot.kube.pipeline import process
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output import message
from eks_audit_bot.settings import HttpsFormat, Settings

CASES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "cases"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"


def sizes(settings: Settings) -> tuple[list[int], dict[str, list[int]]]:
    catalog = RuleCatalog.load(settings)
    totals: list[int] = []
    bodies: dict[str, list[int]] = {}
    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text())
        lines = [e if isinstance(e, str) else json.dumps(e) for e in case["events"]]
        location = settings.location(case["logGroup"], owner="111122223333")
        records = [(str(index), line) for index, line in enumerate(lines)]
        for alert in process(records, location, settings, catalog).alerts:
            outgoing = message.build(alert, settings)
            totals.append(outgoing.size)
            for protocol, body in json.loads(outgoing.message).items():
                bodies.setdefault(protocol, []).append(len(body.encode()))
    return totals, bodies


def main() -> None:
    for https in HttpsFormat:
        totals, bodies = sizes(Settings(TOPIC, https_format=https))
        print(f"HTTPS_FORMAT={https}: {len(totals)} alerts from the fixture cases")
        median = statistics.median(totals)
        print(f"  message (SNS request) bytes: median {median:,.0f}, max {max(totals):,}")
        for protocol, values in bodies.items():
            print(f"  {protocol:<11} median {statistics.median(values):>7,.0f} bytes")


if __name__ == "__main__":
    main()
