"""One settings table (`eks_audit_bot.settings.table.SETTINGS`): the function's settings, the
module's Terraform variables and the function's environment in Terraform, the CLI's options
and the README's inputs are held against it, so a setting added in one place and not the
others fails here."""

from __future__ import annotations

import json
from pathlib import Path

import hcl2
import pytest

from eks_audit_bot.cli.parser import build_parser
from eks_audit_bot.settings import Settings
from eks_audit_bot.settings.table import SETTINGS
from terraform_pattern import MOCK_PROVIDER, module_test

ROOT = Path(__file__).resolve().parent.parent
# Read by Powertools itself, not by our settings.
POWERTOOLS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL"}
DERIVED = {"partition"}  # from the topic's ARN: no variable of its own


def _variables(directory: Path) -> set[str]:
    names: set[str] = set()
    for path in directory.glob("*.tf"):
        with path.open(encoding="utf-8") as handle:
            for block in hcl2.load(handle).get("variable", []):
                names.update(name.strip('"') for name in block)
    return names


def test_every_setting_is_one_row_and_every_row_one_setting() -> None:
    fields = set(Settings._fields)
    rows = [row.field for row in SETTINGS]
    assert sorted(rows) == sorted(fields - DERIVED)
    envs = [row.env for row in SETTINGS]
    assert len(envs) == len(set(envs))


def test_every_row_reads_its_variable_and_unset_gives_the_fields_default() -> None:
    topic = "arn:aws:sns:eu-west-1:111122223333:alerts"
    defaults = Settings(topic)
    unset = Settings.from_env({"SNS_TOPIC_ARN": topic})
    for row in SETTINGS:
        if row.field not in ("account_id", "region"):  # these fall back on the topic's ARN
            assert getattr(unset, row.field) == getattr(defaults, row.field), row.field
    assert (unset.account_id, unset.region) == ("111122223333", "eu-west-1")


def test_every_terraform_variable_of_the_table_is_a_root_module_variable() -> None:
    missing = {row.terraform for row in SETTINGS if row.terraform} - _variables(ROOT)
    assert not missing, f"settings table names variables the module lacks: {sorted(missing)}"


def test_the_readme_inputs_list_every_variable_of_the_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        row.terraform for row in SETTINGS if row.terraform and f"`{row.terraform}`" not in readme
    ]
    assert not missing


def test_the_replay_options_are_the_tables() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    replay = commands.choices["replay"]  # type: ignore[index]
    groups = {group.title: group for group in replay._action_groups}
    options = {
        option
        for action in groups["Lambda settings (the module's variables)"]._group_actions
        for option in action.option_strings
    }
    table = {row.cli for row in SETTINGS if row.cli} - {"--sns-topic-arn", "--region"}
    assert options == table


@pytest.mark.terraform
def test_the_functions_environment_in_terraform_is_the_tables(tmp_path: Path) -> None:
    """A plan (mocked provider) with every optional setting on: the function's environment
    holds exactly the table's variables that a Terraform variable sets, and Powertools'."""
    expected = json.dumps(sorted({row.env for row in SETTINGS if row.terraform} | POWERTOOLS))
    env = "keys(aws_lambda_function.this.environment[0].variables)"
    plan = (
        MOCK_PROVIDER
        + f"""
run "environment" {{
  command = plan
  variables {{
    create_dedup_table  = true
    account_name        = "prod"
    account_names       = {{ "111122223333" = "prod" }}
    pagerduty_topic_arn = "arn:aws:sns:eu-west-1:123456789012:pages"
    group_window_minutes   = 10
    security_hub_findings  = true
    security_hub_role_name = "eks-audit-bot-securityhub"
    mutes = [{{ rule = "exec-into-pod", reason = "migration", expires = "2099-01-01T00:00:00Z" }}]
    organization_id     = "o-a1b2c3d4e5"
  }}
  assert {{
    condition     = toset({env}) == toset({expected})
    error_message = join(" ", [
      "The function's environment is not the settings table's:",
      "not in the table: ${{join(", ", setsubtract({env}, {expected}))}};",
      "not in the environment: ${{join(", ", setsubtract({expected}, {env}))}}.",
    ])
  }}
}}
"""
    )
    result = module_test(tmp_path, {"environment.tftest.hcl": plan}, "-no-color")
    assert result.returncode == 0, result.stdout + result.stderr
