"""The committed function zip runs on its own: only the runtime's boto3 and the Powertools layer.

The interpreter starts without site processing, so the editable install of the source tree is
invisible; third-party packages come from site-packages, our code only from the zip. The zip
carries python3.13's checked-hash bytecode beside each module, which Lambda (a read-only
/var/task) loads instead of compiling the sources at every cold start.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import py_compile
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

import pytest

from support import load_case, subscription_event

ROOT = Path(__file__).parents[1]
ZIP = ROOT / "lambda" / "eks-audit-bot.zip"
BUILD = ROOT / "lambda" / "build.py"
ON_RUNTIME_PYTHON = pytest.mark.skipif(
    sys.version_info[:2] != (3, 13), reason="the zip's bytecode is python3.13's (the runtime)"
)
CHECKED_HASH = 0b11  # PEP 552 flags: hash-based, checked against the source
PURELIB = sysconfig.get_paths()["purelib"]

PROGRAM = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from eks_audit_bot.kube import pipeline
from eks_audit_bot.settings import Settings
from eks_audit_bot.kube.cloudwatch import decode_payload
from eks_audit_bot.core.alert import Location, cluster_name
from eks_audit_bot.kube.rules import RuleCatalog
import eks_audit_bot.handler
assert eks_audit_bot.__file__.startswith(sys.argv[1]), eks_audit_bot.__file__
settings = Settings("arn:aws:sns:eu-west-1:111122223333:t")
batch = decode_payload(json.loads(sys.stdin.read()))
location = Location(cluster_name(batch.log_group), batch.log_group)
result = pipeline.process(batch.records, location, settings,
                          RuleCatalog.load(settings))
print(json.dumps([alert.rule.rule_id for alert in result.alerts]))
"""


def test_the_zip_alone_runs_the_pipeline() -> None:
    case = load_case("iam-user-kubernetes-admin-create-clusterrolebinding")
    completed = subprocess.run(
        [sys.executable, "-S", "-c", PROGRAM, str(ZIP), sysconfig.get_paths()["purelib"]],
        input=json.dumps(subscription_event(case)),
        capture_output=True,
        text=True,
        check=False,
        env={"AWS_REGION": "eu-west-1", "POWERTOOLS_METRICS_NAMESPACE": "Test"},
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == ["binding-privileged-role"]


def test_the_zip_leaves_out_what_the_function_never_runs() -> None:
    names = zipfile.ZipFile(ZIP).namelist()
    assert "eks_audit_bot/handler.py" in names
    assert "eks_audit_bot/kube/rules.json" in names
    assert not [
        name
        for name in names
        if name.startswith(("eks_audit_bot/cli/", "eks_audit_bot/filter_pattern/"))
    ]
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(ZIP).infolist())


def _pyc_of(source_name: str) -> str:
    folder, _, file = source_name.rpartition("/")
    return f"{folder}/__pycache__/{file.removesuffix('.py')}.cpython-313.pyc"


def test_every_runtime_module_has_its_bytecode_and_nothing_else_does() -> None:
    names = zipfile.ZipFile(ZIP).namelist()
    sources = sorted(name for name in names if name.endswith(".py"))
    pycs = sorted(name for name in names if name.endswith(".pyc"))
    assert len(sources) > 50
    assert pycs == sorted(_pyc_of(name) for name in sources)
    assert not [name for name in names if name.endswith(".pyc") and "/__pycache__/" not in name]


@ON_RUNTIME_PYTHON
def test_the_bytecode_is_checked_hash_for_the_very_source_beside_it() -> None:
    archive = zipfile.ZipFile(ZIP)
    for name in (n for n in archive.namelist() if n.endswith(".py")):
        pyc, source = archive.read(_pyc_of(name)), archive.read(name)
        assert pyc[:4] == importlib.util.MAGIC_NUMBER, name
        assert int.from_bytes(pyc[4:8], "little") == CHECKED_HASH, name
        assert pyc[8:16] == importlib.util.source_hash(source), name


@ON_RUNTIME_PYTHON
def test_the_bytecode_is_what_py_compile_writes_and_reproducible(tmp_path: Path) -> None:
    """Byte for byte py_compile's CHECKED_HASH output (file names relative), here in pytest
    with hundreds of modules loaded, and the same zip from fresh interpreters."""
    archive = zipfile.ZipFile(ZIP)
    for name in (n for n in archive.namelist() if n.endswith(".py")):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(archive.read(name))
        cfile = tmp_path / "out.pyc"
        py_compile.compile(
            str(tmp_path / name),
            cfile=str(cfile),
            dfile=name,
            doraise=True,
            optimize=0,
            invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
        )
        assert cfile.read_bytes() == archive.read(_pyc_of(name)), name
    program = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]); import build; "
        "print(hashlib.sha256(build.build_zip()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-I", "-c", program, str(BUILD.parent)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("0", "4242")
    }
    assert digests == {hashlib.sha256(ZIP.read_bytes()).hexdigest()}


IMPORT_PROGRAM = """
import importlib, importlib.machinery, json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
compiled = []
original = importlib.machinery.SourceFileLoader.source_to_code
def spy(self, data, path, *args, **kwargs):
    compiled.append(path)
    return original(self, data, path, *args, **kwargs)
importlib.machinery.SourceFileLoader.source_to_code = spy
modules = {name: importlib.import_module(name) for name in sys.argv[3:]}
print(json.dumps({
    "prefix": sys.pycache_prefix,
    "compiled": [path for path in compiled if path.startswith(sys.argv[1])],
    "cached": {name: module.__cached__ for name, module in modules.items()},
    "stale": getattr(modules["eks_audit_bot.core.severity"], "STALE", None),
}))
"""


def _import_from(code: Path, modules: list[str]) -> dict[str, object]:
    """Import `modules` from an extracted copy of the zip, read-only, writing no bytecode."""
    paths = [code, *code.rglob("*")]
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        completed = subprocess.run(
            [sys.executable, "-S", "-c", IMPORT_PROGRAM, str(code), PURELIB, *modules],
            capture_output=True,
            text=True,
            check=False,
            env={
                "AWS_REGION": "eu-west-1",
                "POWERTOOLS_METRICS_NAMESPACE": "Test",
                "PYTHONDONTWRITEBYTECODE": "1",
            },
        )
    finally:
        for path in paths:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout)
    return result


@ON_RUNTIME_PYTHON
def test_importing_the_extracted_zip_loads_its_bytecode_and_never_stale_bytecode(
    tmp_path: Path,
) -> None:
    code = tmp_path / "task"
    zipfile.ZipFile(ZIP).extractall(code)
    files = sorted(path for path in code.rglob("*") if path.is_file())
    modules = sorted(
        str(path.relative_to(code).with_suffix("")).replace(os.sep, ".").removesuffix(".__init__")
        for path in files
        if path.suffix == ".py"
    )
    result = _import_from(code, modules)
    assert result["prefix"] is None
    assert result["compiled"] == []
    cached = result["cached"]
    assert isinstance(cached, dict)
    assert sorted(cached) == modules
    assert all(Path(path).is_file() and str(path).startswith(str(code)) for path in cached.values())
    assert sorted(path for path in code.rglob("*") if path.is_file()) == files  # wrote nothing

    # A source that no longer matches its pyc is compiled and run, its pyc ignored.
    severity = code / "eks_audit_bot" / "core" / "severity.py"
    severity.write_text(severity.read_text() + "\nSTALE = 'the source ran'\n")
    result = _import_from(code, modules)
    assert result["compiled"] == [str(severity)]
    assert result["stale"] == "the source ran"


COLD_START_PROGRAM = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import eks_audit_bot.handler
from eks_audit_bot.kube import pipeline
from eks_audit_bot import flow
from eks_audit_bot.core.alert import Location
from eks_audit_bot.settings import Settings
settings = Settings("arn:aws:sns:eu-west-1:111122223333:t")
catalog = flow.Catalogs(settings).kube
lines = [json.dumps(event) for event in json.loads(sys.stdin.read())]
records = [(str(index), line) for index, line in enumerate(lines)]
result = pipeline.process(records, Location("prod", "/aws/eks/prod/cluster"), settings, catalog)
print(json.dumps({"alerts": len(result.alerts), "dropped": sum(result.dropped.values()),
                  "loaded": sorted(m for m in sys.modules if m.startswith("eks_audit_bot"))}))
"""
EVENTBRIDGE_ONLY = {
    "eks_audit_bot.aws.rules",
    "eks_audit_bot.aws.predicates",
    "eks_audit_bot.aws.alarm",
    "eks_audit_bot.aws.api_call",
}
BODY_READERS = {
    "eks_audit_bot.kube.readers.rbac",
    "eks_audit_bot.kube.readers.workloads",
    "eks_audit_bot.kube.readers.exposure",
    "eks_audit_bot.kube.readers.credentials",
}


def test_a_cold_start_and_a_quiet_batch_leave_the_aws_catalog_and_body_readers_out() -> None:
    """What only EventBridge events, or only changes with bodies, need loads with them."""
    automation = ["node-updates-lease", "eks-addon-manager-update", "service-account-argocd-sync"]
    person = load_case("iam-user-kubernetes-admin-create-clusterrolebinding")["events"]
    quiet = [event for name in automation for event in load_case(name)["events"]]
    quiet += [dict(event, verb="get") for event in person]  # a person reading
    result = _cold_start(COLD_START_PROGRAM, json.dumps(quiet))
    assert result["alerts"] == 0
    assert result["dropped"] == len(quiet)
    assert "eks_audit_bot.kube.rules" in result["loaded"]
    assert not (EVENTBRIDGE_ONLY | BODY_READERS) & set(result["loaded"])


DEFINED_AT_COLD_START = """
import dataclasses, inspect, json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import eks_audit_bot.handler
classes = [(name, value) for module_name, module in sorted(sys.modules.items())
           if module_name.startswith("eks_audit_bot")
           for name, value in vars(module).items()
           if inspect.isclass(value) and value.__module__ == module_name]
print(json.dumps({"classes": len(classes),
                  "dataclasses": [name for name, value in classes
                                  if dataclasses.is_dataclass(value)]}))
"""


def test_a_cold_start_defines_no_dataclass() -> None:
    """Every class the handler's import defines is made at each cold start, where a dataclass
    compiles its methods (about 0.6 ms each, `benchmarks/README.md`): the modules every
    invocation loads declare values as named tuples and state as slotted classes."""
    result = _cold_start(DEFINED_AT_COLD_START)
    assert result["classes"] > 30  # the handler, the audit-log feed, settings, core
    assert result["dataclasses"] == []


def _cold_start(program: str, stdin: str = "") -> dict[str, Any]:
    """What `program` printed (JSON), run in a fresh interpreter with the function zip's
    code first on its path, as Lambda imports it."""
    completed = subprocess.run(
        [sys.executable, "-S", "-c", program, str(ZIP), PURELIB],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={"AWS_REGION": "eu-west-1", "POWERTOOLS_METRICS_NAMESPACE": "Test"},
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    return result
