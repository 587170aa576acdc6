"""The CloudWatch filter pattern the Terraform module generates, read from terraform itself.

The module builds its default pattern in HCL (filter_pattern.tf). The Python CLI reads the same
default from lambda/eks_audit_bot/cli/default_filter_pattern.txt (no trailing newline). This helper
asks `terraform console` what the module produces, so that file and the tests can never drift:

    python -m tests.terraform_pattern            # print the generated default pattern
    python -m tests.terraform_pattern --write    # rewrite default_filter_pattern.txt (make pattern)
    python -m tests.terraform_pattern --check    # exit 1 when the file differs from terraform

Nothing is planned or applied and no AWS credentials are needed: the fixture under
tests/fixtures/pattern/ is copied to a temporary directory (so the checkout stays clean) and
initialised there, from the provider mirror when TF_CLI_CONFIG_FILE or build/terraform.tfrc
points at one.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "pattern" / "main.tf"
DEFAULT_PATTERN_FILE = ROOT / "lambda" / "eks_audit_bot" / "cli" / "default_filter_pattern.txt"
LOCAL_CLI_CONFIG = ROOT / "build" / "terraform.tfrc"


# A plan of the module with no AWS account: `terraform test` runs over a mocked provider.
MOCK_PROVIDER = """mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1" }
  }
}

variables {
  sns_topic_arn            = "arn:aws:sns:eu-west-1:123456789012:alerts"
  aws_cloudwatch_log_group = "/aws/eks/prod/cluster"
}
"""


class TerraformError(RuntimeError):
    """terraform failed; the message carries its output."""


def terraform_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for running terraform: the repository's mirror config when present."""
    env = dict(os.environ)
    if "TF_CLI_CONFIG_FILE" not in env and LOCAL_CLI_CONFIG.is_file():
        env["TF_CLI_CONFIG_FILE"] = str(LOCAL_CLI_CONFIG)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    env.update(extra or {})
    return env


def run_terraform(
    args: Sequence[str], cwd: Path, stdin: str | None = None, timeout: float = 300
) -> str:
    """Run terraform with `args` in `cwd`; return stdout, raise TerraformError on failure."""
    terraform = shutil.which("terraform")
    if terraform is None:
        raise TerraformError("terraform is not on PATH")
    result = subprocess.run(
        [terraform, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=terraform_env(),
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise TerraformError(
            f"terraform {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def module_test(
    work: Path, tests: Mapping[str, str], *options: str
) -> subprocess.CompletedProcess[str]:
    """`terraform test` on a copy of the root module in `work` (its files and data, the
    package linked) with `tests` (file name -> HCL) as its only test files."""
    for path in [*ROOT.glob("*.tf"), *ROOT.glob("*.json")]:
        shutil.copy(path, work / path.name)
    (work / "lambda").symlink_to(ROOT / "lambda")
    (work / "tests").mkdir()
    for name, text in tests.items():
        (work / "tests" / name).write_text(text, encoding="utf-8")
    run_terraform(["init", "-backend=false", "-input=false", "-no-color"], work)
    return subprocess.run(
        ["terraform", "test", *options],
        cwd=work,
        env=terraform_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


class PatternConsole:
    """An initialised copy of the fixture; `pattern(watch)` evaluates the module's output.

    Use as a context manager: the temporary copy is removed on exit.
    """

    def __init__(self) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="eks-audit-bot-pattern-"))
        source = FIXTURE.read_text(encoding="utf-8")
        module_source = json.dumps(ROOT.as_posix())
        (self._tmp / "main.tf").write_text(
            source.replace('source = "../../.."', f"source = {module_source}"), encoding="utf-8"
        )
        run_terraform(["init", "-backend=false", "-input=false", "-no-color"], self._tmp)

    def __enter__(self) -> PatternConsole:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    def pattern(
        self, watch: Mapping[str, object] | None = None, trusted_source_cidrs: Sequence[str] = ()
    ) -> str:
        """The effective filter pattern for a `watch` input (None: the module default) and
        `trusted_source_cidrs`."""
        var_file = self._tmp / "watch.tfvars.json"
        var_file.write_text(
            json.dumps(
                {
                    "watch_json": json.dumps(dict(watch or {})),
                    "trusted_source_cidrs": list(trusted_source_cidrs),
                }
            )
        )
        # base64 sidesteps HCL string escaping in the console's output.
        out = run_terraform(
            ["console", "-no-color", f"-var-file={var_file}"],
            self._tmp,
            stdin="base64encode(module.bot.filter_pattern)\n",
        )
        encoded = out.strip().splitlines()[-1].strip().strip('"')
        return base64.b64decode(encoded).decode("utf-8")


def generated_pattern(watch: Mapping[str, object] | None = None) -> str:
    """One-shot: the pattern terraform generates for `watch` (None: the default)."""
    with PatternConsole() as console:
        return console.pattern(watch)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"rewrite {DEFAULT_PATTERN_FILE.name}")
    mode.add_argument("--check", action="store_true", help="fail when the file is out of date")
    args = parser.parse_args(argv)
    pattern = generated_pattern()
    rel = DEFAULT_PATTERN_FILE.relative_to(ROOT)
    if args.write:
        DEFAULT_PATTERN_FILE.write_text(pattern, encoding="utf-8")
        print(f"wrote {rel} ({len(pattern)} characters)")
        return 0
    if args.check:
        current = (
            DEFAULT_PATTERN_FILE.read_text(encoding="utf-8")
            if DEFAULT_PATTERN_FILE.exists()
            else ""
        )
        if current != pattern:
            print(f"{rel} differs from terraform's pattern: run `make pattern`", file=sys.stderr)
            return 1
        print(f"{rel} is current ({len(pattern)} characters)")
        return 0
    print(pattern)
    return 0


if __name__ == "__main__":
    sys.exit(main())
