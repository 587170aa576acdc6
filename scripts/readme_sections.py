"""Keep the generated parts of README.md and docs/ in step with the code.

- docs/detection.md: the alert rules tables, from the catalogs (`kube/rules.json` and
  `aws/rules.json` under `lambda/eks_audit_bot/`);
- README.md, "What an alert looks like": rendered by the real pipeline from the demo's events;
- docs/operations.md: the summary `eks-audit-bot replay` ends with, for the sample command.

    python scripts/readme_sections.py           # print the sections
    python scripts/readme_sections.py --write   # rewrite them in their files
    python scripts/readme_sections.py --check   # exit 1 when a file is out of date
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

from eks_audit_bot.aws.rules import builtin_aws_rules
from eks_audit_bot.cli import main as cli
from eks_audit_bot.cli.demo import ACCOUNT, REGION, sample_payload
from eks_audit_bot.kube.cloudwatch import decode_payload
from eks_audit_bot.kube.pipeline import process
from eks_audit_bot.kube.rules import RuleCatalog, builtin_rules
from eks_audit_bot.kube.text import alert_subject, render_text
from eks_audit_bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DETECTION = ROOT / "docs" / "detection.md"
OPERATIONS = ROOT / "docs" / "operations.md"
# Which generated section lives in which file.
FILES = {"RULES": DETECTION, "AWS_RULES": DETECTION, "EXAMPLE_ALERT": README}
FILES["REPLAY_SUMMARY"] = OPERATIONS
REPLAY_SAMPLE = "tests/fixtures/cli/subscription.jsonl"


def rules_table() -> str:
    rows = [
        f"| `{rule.id}` | {rule.severity} | {rule.title} | {rule.explanation} |"
        for rule in builtin_rules()
    ]
    return "\n".join(
        ["| Rule | Severity | Title | Why it matters |", "| --- | --- | --- | --- |", *rows]
    )


def aws_rules_table() -> str:
    rows = [
        f"| `{rule.id}` | {rule.source} | {rule.severity} | {rule.title} | {rule.explanation} |"
        for rule in builtin_aws_rules()
    ]
    header = "| Rule | Source | Severity | Title | Why it matters |"
    return "\n".join([header, "| --- | --- | --- | --- | --- |", *rows])


def example_alert() -> str:
    """The most severe alert the demo's sample events produce, as an email subscriber sees it."""
    settings = Settings(
        f"arn:aws:sns:{REGION}:{ACCOUNT}:eks-alerts", account_name="demo", region=REGION
    )
    batch = decode_payload(sample_payload())
    location = settings.location(batch.log_group, owner=batch.owner)
    result = process(batch.records, location, settings, RuleCatalog.load(settings))
    alert = max(result.alerts, key=lambda item: item.severity.rank)
    return f"```text\nSubject: {alert_subject(alert)}\n\n{render_text(alert)}```"


def replay_summary() -> str:
    """What `replay --no-pattern` prints on stderr for the sample file (trailing blanks cut)."""
    summary = io.StringIO()
    with contextlib.redirect_stderr(summary), contextlib.redirect_stdout(io.StringIO()):
        cli.main(["replay", "--no-pattern", str(ROOT / REPLAY_SAMPLE)])
    lines = [line.rstrip() for line in summary.getvalue().splitlines()]
    return "```text\n" + "\n".join(lines) + "\n```"


def sections() -> dict[str, str]:
    return {
        "RULES": rules_table(),
        "AWS_RULES": aws_rules_table(),
        "EXAMPLE_ALERT": example_alert(),
        "REPLAY_SUMMARY": replay_summary(),
    }


def render(text: str, path: Path, fresh: dict[str, str] | None = None) -> str:
    """`text` (the contents of `path`) with each of its generated sections made current."""
    fresh = sections() if fresh is None else fresh
    for name, body in fresh.items():
        if FILES[name] != path:
            continue
        begin, end = f"<!-- BEGIN_{name} -->", f"<!-- END_{name} -->"
        head, _, rest = text.partition(begin)
        _, found, tail = rest.partition(end)
        if not found:
            raise SystemExit(f"{path.relative_to(ROOT)} lacks the {begin} ... {end} markers")
        text = f"{head}{begin}\n{body}\n{end}{tail}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the files")
    mode.add_argument("--check", action="store_true", help="fail if a file is stale")
    args = parser.parse_args(argv)
    fresh = sections()
    stale = []
    for path in sorted(set(FILES.values())):
        current = path.read_text()
        updated = render(current, path, fresh)
        if updated != current:
            stale.append(str(path.relative_to(ROOT)))
            if args.write:
                path.write_text(updated)
    if args.check and stale:
        print(
            f"generated sections are stale in {', '.join(stale)}: run `make readme`",
            file=sys.stderr,
        )
        return 1
    if not args.write and not args.check:
        print("\n\n".join(fresh.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
