"""The Terragrunt example's `inputs` block, applied as Terragrunt passes it (`TF_VAR_<name>`)
with terraform against a local moto_server: the function, its settings and the subscription
are what the inputs say, and destroy leaves nothing behind. (Apart from `test_terraform.py` so
that the two slow applies run side by side.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from moto_examples import (
    Workdir,
    eks_log_groups,
    pattern_filter,
    powertools_layers,
    subscription_filters,
    terragrunt_inputs,
)

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH"),
]


def test_terragrunt_inputs_apply_unchanged(aws: dict[str, Any], tmp_path: Path) -> None:
    inputs = terragrunt_inputs()
    assert sorted(inputs) == sorted(
        [
            "eks_bot_name",
            "timeout",
            "memory_limit",
            "aws_cloudwatch_log_group",
            "account_id",
            "account_name",
            "sns_topic_arn",
            "filter_pattern",
        ]
    )
    eks_log_groups(aws["logs"], inputs["aws_cloudwatch_log_group"])
    powertools_layers(aws["lambda"])
    aws["sns"].create_topic(Name=inputs["sns_topic_arn"].rsplit(":", 1)[-1])
    work = Workdir("terragrunt", tmp_path, aws["sts"].meta.endpoint_url, "moto_provider.tf")
    # Exactly what Terragrunt does with `inputs`: TF_VAR_<name>, JSON-encoded for non-strings.
    work.env.update(
        {
            f"TF_VAR_{key}": value if isinstance(value, str) else json.dumps(value)
            for key, value in inputs.items()
        }
    )
    work.run("init", "-backend=false", "-input=false")
    work.run("apply", "-auto-approve", "-input=false")

    function = aws["lambda"].get_function(FunctionName=inputs["eks_bot_name"])["Configuration"]
    assert function["Timeout"] == inputs["timeout"]
    assert function["MemorySize"] == inputs["memory_limit"]
    env = function["Environment"]["Variables"]
    assert env["ACCOUNT_ID"] == inputs["account_id"]
    assert env["ACCOUNT_NAME"] == inputs["account_name"]
    assert env["SNS_TOPIC_ARN"] == inputs["sns_topic_arn"]
    subscription = pattern_filter(aws["logs"], inputs["aws_cloudwatch_log_group"])
    assert subscription["filterPattern"] == inputs["filter_pattern"]
    assert subscription["filterName"] == inputs["eks_bot_name"]

    work.run("destroy", "-auto-approve", "-input=false")
    assert not aws["lambda"].list_functions()["Functions"]
    assert subscription_filters(aws["logs"], inputs["aws_cloudwatch_log_group"]) == []
