"""README.md as a contract: its inputs/outputs tables match variables.tf and outputs.tf, its
commands (and the examples' READMEs') run, and the files, links and module source it names exist."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _tfdocs() -> ModuleType:
    """scripts/tfdocs.py, loaded once (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("tfdocs", ROOT / "scripts" / "tfdocs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tfdocs"] = module
    spec.loader.exec_module(module)
    return module


def test_readme_inputs_outputs_in_sync() -> None:
    tfdocs = _tfdocs()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == tfdocs.replace_region(readme, tfdocs.render()), (
        "README.md inputs/outputs are stale: run `make readme`"
    )


def test_sub_module_readmes_in_sync() -> None:
    tfdocs = _tfdocs()
    modules = tfdocs.documented()[1:]
    assert [module.name for module in modules] == ["central", "destination", "member"]
    for module in modules:
        readme = (module / "README.md").read_text(encoding="utf-8")
        assert readme == tfdocs.replace_region(readme, tfdocs.render(module)), (
            f"modules/{module.name}/README.md inputs/outputs are stale: run `make readme`"
        )


@pytest.mark.parametrize("module", ["", "modules/central", "modules/member", "modules/destination"])
def test_every_variable_and_output_is_documented(module: str) -> None:
    tfdocs = _tfdocs()
    for name in ("variables.tf", "outputs.tf"):
        text = (ROOT / module / name).read_text(encoding="utf-8")
        blocks = tfdocs.parse_blocks(text)
        declared = re.findall(r'^(?:variable|output) "([^"]+)"', text, re.MULTILINE)
        assert [block.name for block in blocks] == declared
        undocumented = [block.name for block in blocks if not block.attributes.get("description")]
        assert undocumented == [], f"{name}: no description for {undocumented}"


def test_every_variable_has_a_default() -> None:
    # The topic is required as one of two (sns_topic_arn or create_sns_topic), which a
    # validation enforces, so no variable is required on its own.
    blocks = _tfdocs().parse_blocks((ROOT / "variables.tf").read_text(encoding="utf-8"))
    assert [block.name for block in blocks if "default" not in block.attributes] == []
    typed = [block.name for block in blocks if "type" in block.attributes]
    assert typed == [block.name for block in blocks], "every variable needs a type"


def test_generated_table_rows() -> None:
    tables = _tfdocs().render()
    assert '| <a name="input_timeout"></a> `timeout` | Function timeout in seconds. |' in tables
    assert "| `number` | `60` | no |" in tables
    sns_row = next(line for line in tables.splitlines() if "`sns_topic_arn`" in line)
    assert sns_row.endswith("| `string` | `null` | no |")
    assert "(or set `create_sns_topic`)" in sns_row
    watch_row = next(line for line in tables.splitlines() if 'name="input_watch"' in line)
    assert 'ignored_user_names = optional(list(string), ["system:*", "eks:*"])' in watch_row


# ---- README as a contract: its commands run, its files and links exist ----

# Shell blocks: ```sh runs on a fresh clone without an AWS account (this test runs it);
# ```sh aws needs an AWS account (this test checks the files it names exist).
# Pages under docs/ show commands run from the repository root; a README, from its folder.
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "examples").glob("*/README.md")),
    *sorted((ROOT / "modules").glob("*/README.md")),
]
_FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_FILE_ARGUMENT = re.compile(r"^[\w./-]+\.(tfvars|jsonl|json|csv|gz|txt|hcl|tf)$")


def _workdir(doc: Path) -> Path:
    return ROOT if doc.parent == ROOT / "docs" else doc.parent


def _shell_blocks() -> list[tuple[Path, int, list[str], str]]:
    blocks = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for found in _FENCE.finditer(text):
            if found[1] in ("sh", "bash", "shell", "console"):
                line = text.count("\n", 0, found.start()) + 1
                blocks.append((doc, line, found[2].split(), found[3]))
    return blocks


def _block_id(block: tuple[Path, int, list[str], str]) -> str:
    return f"{block[0].relative_to(ROOT)}:{block[1]}"


SHELL_BLOCKS = _shell_blocks()
RUNNABLE = [block for block in SHELL_BLOCKS if not block[2]]


def test_every_shell_block_is_run_or_marked_as_needing_aws() -> None:
    assert len(RUNNABLE) >= 2
    for block in SHELL_BLOCKS:
        assert block[2] in ([], ["aws"]), f"{_block_id(block)}: unknown tags {block[2]}"


@pytest.mark.parametrize("block", RUNNABLE, ids=_block_id)
def test_readme_commands_run_on_a_fresh_clone(block: tuple[Path, int, list[str], str]) -> None:
    doc, _, _, script = block
    # `make` targets are dry-run: `make test` is this very run and `make demo` has its own test.
    script = re.sub(r"^make ", "make --dry-run ", script, flags=re.MULTILINE)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=_workdir(doc),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{_block_id(block)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert "error:" not in done.stderr, done.stderr


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=_block_id)
def test_files_named_by_commands_exist(block: tuple[Path, int, list[str], str]) -> None:
    doc, _, _, script = block
    words = shlex.split(script, comments=True)
    for word in words:
        value = word.split("=", 1)[1] if word.startswith("-") and "=" in word else word
        if _FILE_ARGUMENT.match(value):
            assert (_workdir(doc) / value).exists(), (
                f"{_block_id(block)} names {value}: no such file"
            )


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_relative_links_lead_to_files_that_exist(doc: Path) -> None:
    for target in _LINK.findall(doc.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        path = (doc.parent / target).resolve()
        assert path.exists(), f"{doc.relative_to(ROOT)} links to {target}"


def test_module_source_is_one_real_repository_at_the_packaged_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    repository = project["urls"]["Homepage"]
    expected = f"git::{repository}.git?ref=v{project['version']}"
    texts = [doc.read_text(encoding="utf-8") for doc in DOCS]
    texts.append((ROOT / "examples/terragrunt/terragrunt.hcl").read_text(encoding="utf-8"))
    sources = [
        source
        for text in texts
        for source in re.findall(r'source\s*=\s*"([^"]+)"', text)
        if not source.startswith(".")
    ]
    assert sources, "the README shows how to source the module"
    # The root module, or one of its sub-modules (`//modules/<name>`) at the same version.
    modules = {path.parent.name for path in (ROOT / "modules").glob("*/variables.tf")}
    allowed = {expected} | {expected.replace("?ref=", f"//modules/{name}?ref=") for name in modules}
    assert expected in sources
    assert set(sources) <= allowed, set(sources) - allowed


@pytest.mark.terraform
def test_tf_fmt_writes_the_cli_config_before_terraform_reads_it(tmp_path: Path) -> None:
    """With a provider mirror, the Makefile points Terraform at a config file it writes."""
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io").mkdir(parents=True)
    work = tmp_path / "clone"
    work.mkdir()
    shutil.copy(ROOT / "Makefile", work / "Makefile")
    (work / "main.tf").write_text("locals {}\n")
    done = subprocess.run(
        ["make", "tf-fmt", f"TF_MIRROR={mirror}"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stdout + done.stderr
    assert (work / "build" / "terraform.tfrc").is_file()
