"""modules/central passes every input of the root module, or says why not.

The central deployment calls the root module for its function (`module "function"` in
modules/central/main.tf). A root input added without a pass-through would be out of reach of
organizations; this test fails until it is passed or listed below with its reason. Both files are
read with python-hcl2, a maintained HCL parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parent.parent

# Root inputs modules/central does not pass, with the reason.
NOT_PASSED = {
    # The central function reads Kinesis: member accounts' log groups are subscribed by
    # modules/member, which has its own filter_pattern, watch_truncated_lines and log groups.
    "aws_cloudwatch_log_group": "members subscribe their log groups (modules/member)",
    "aws_cloudwatch_log_groups": "members subscribe their log groups (modules/member)",
    "filter_pattern": "the pattern is the members' (modules/member filter_pattern)",
    "watch": "the pattern is the members' (modules/member)",
    "watch_truncated_lines": "the subscription filters are the members' (modules/member)",
    # Central publishes to a topic of the organization's own.
    "create_sns_topic": "central publishes to an existing topic (sns_topic_arn)",
    "sns_topic_name": "no topic is created centrally",
    "email_subscriptions": "no topic is created centrally",
    "https_subscriptions": "no topic is created centrally",
    "sns_topic_tags": "no topic is created centrally",
    "pagerduty_integration_url": "subscribe PagerDuty to a topic of yours: pagerduty_topic_arn",
    # create_on_failure_queue and create_dedup_table are passed as true: the Kinesis mapping's
    # on-failure destination, and exactly-once when several members deliver one event.
    "on_failure_destination_arn": "the created queue is the destination",
    "dedup_table_name": "always <eks_bot_name>-dedup",
}


def _blocks(path: Path, kind: str) -> dict[str, Any]:
    """The `kind` blocks of an HCL file by label (python-hcl2 keeps the quotes of labels)."""
    with path.open(encoding="utf-8") as handle:
        parsed = hcl2.load(handle)
    blocks = (item for block in parsed.get(kind, []) for item in block.items())
    # python-hcl2 adds bookkeeping keys (`__is_block__`, `__comments__`) beside the attributes.
    return {
        label.strip('"'): {key: value for key, value in body.items() if not key.startswith("__")}
        for label, body in blocks
    }


def test_central_passes_every_root_input_or_says_why_not() -> None:
    root_inputs = set(_blocks(ROOT / "variables.tf", "variable"))
    passed = set(_blocks(ROOT / "modules" / "central" / "main.tf", "module")["function"])
    missing = root_inputs - passed - set(NOT_PASSED)
    assert not missing, f"root inputs modules/central neither passes nor excludes: {missing}"
    stale = set(NOT_PASSED) & passed
    assert not stale, f"listed as not passed but passed: {stale}"
    unknown = (passed - {"source"}) - root_inputs
    assert not unknown, f"modules/central passes inputs the root module lacks: {unknown}"
    assert set(NOT_PASSED) <= root_inputs, "NOT_PASSED names inputs the root module lacks"


def test_central_function_settings_use_the_root_names() -> None:
    """The `function` object's attributes are root inputs, passed under their own names."""
    module = _blocks(ROOT / "modules" / "central" / "main.tf", "module")["function"]
    by_function = {
        name: value for name, value in module.items() if str(value).startswith("${local.function.")
    }
    assert by_function, "modules/central passes settings from var.function"
    for name, value in by_function.items():
        assert value == f"${{local.function.{name}}}", f"{name} is passed from {value}"
