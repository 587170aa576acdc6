"""The examples applied with terraform against a local moto_server (the one `make
example-apply` uses, `scripts/moto_apply.py`): a working copy of an example wired to it, what
a cluster would have created before, and the Terragrunt example's inputs. The `moto_url` and
`aws` fixtures are in `conftest.py`.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from support import load_script
from terraform_pattern import ROOT, terraform_env

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account

moto_apply = load_script("moto_apply")
MOTO_SERVICES = moto_apply.SERVICES


def powertools_layers(client: Any) -> None:
    """The AWS-managed Powertools layer in moto, up to the version the module uses."""
    moto_apply.publish_powertools_layers(client)


class Terraform:
    """terraform in a working copy, with the fake credentials moto takes."""

    def __init__(self, path: Path, region: str = REGION) -> None:
        self.path = path
        self.env = terraform_env(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": region,
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["terraform", *args, "-no-color"],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"terraform {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.run("output", "-json"))
        return {name: value["value"] for name, value in raw.items()}


class Workdir(Terraform):
    """A copy of an example wired to moto; runs terraform in it."""

    def __init__(
        self,
        example: str,
        tmp_path: Path,
        moto_url: str,
        override: str,
        aliases: tuple[str, ...] = (),
    ) -> None:
        super().__init__(moto_apply.copy_example(example, tmp_path / example, moto_url, override))
        assert tuple(aliases) == moto_apply.EXAMPLES[example]


def eks_log_groups(logs: Any, *names: str) -> None:
    """The EKS log groups belong to EKS, not to the module: create them like a cluster would."""
    for name in names:
        logs.create_log_group(logGroupName=name)


def subscription_filters(logs: Any, log_group: str) -> list[dict[str, Any]]:
    return list(logs.describe_subscription_filters(logGroupName=log_group)["subscriptionFilters"])


def pattern_filter(logs: Any, log_group: str) -> dict[str, Any]:
    """The filter with the module's pattern, after checking the second one delivers cut lines."""
    filters = {item["filterName"]: item for item in subscription_filters(logs, log_group)}
    (truncated,) = [item for name, item in filters.items() if name.endswith("-truncated")]
    assert truncated["filterPattern"] == '"[Truncated...]"'
    (pattern_filter,) = [item for name, item in filters.items() if item is not truncated]
    return pattern_filter


def terragrunt_inputs() -> dict[str, Any]:
    """The `inputs = { ... }` of examples/terragrunt/terragrunt.hcl (one `key = value` a line)."""
    text = (ROOT / "examples" / "terragrunt" / "terragrunt.hcl").read_text(encoding="utf-8")
    block = re.search(r"^inputs = \{\n(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    assert block, "terragrunt.hcl must have an inputs block"
    inputs = {}
    for line in block.group(1).splitlines():
        key, _, value = line.strip().partition("=")
        inputs[key.strip()] = json.loads(value.strip())  # HCL strings/numbers used here are JSON
    return inputs
