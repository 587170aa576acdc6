"""The ids of the AWS rules, read from `rules.json` without building the rules or importing the
CloudTrail and alarm models they need: settings are checked against them at every cold start."""

from __future__ import annotations

import json
from importlib import resources


def rule_ids() -> set[str]:
    text = resources.files("eks_audit_bot.aws").joinpath("rules.json").read_text("utf-8")
    return {str(raw.get("id")) for raw in json.loads(text)["rules"]}
