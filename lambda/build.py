"""Build the Lambda function zip, byte for byte reproducibly.

The zip is committed so that `terraform apply` needs no Python, pip or archive provider on the
runner (split plan/apply, Terraform Cloud and Terragrunt's cache all just work). Reproducible
means: the same sources always give the same bytes, so `make test` can prove the committed zip
is current by building it again and comparing.

It carries the bytecode of each module (`__pycache__/<module>.cpython-313.pyc`): Lambda runs
the zip from a read-only /var/task, so without it every cold start compiles the sources
again. The pycs are checked-hash (PEP 552): no timestamp, so reproducible, and the runtime
compares the source's hash before using one, so a pyc can never run other code than the
source beside it. Only python3.13, the function's runtime, builds them; other versions do not
look for the `cpython-313` tag and compile the sources as before.

    python3.13 lambda/build.py            # write lambda/eks-audit-bot.zip
    python3.13 lambda/build.py --check    # exit 1 when the committed zip is stale

`--check` under another version compares the sources and data files (and that each module
has its pyc) but cannot compile the bytecode, and says so; it still exits 0, since a zip
with current sources was built by `make zip` under python3.13, and CI may lack python3.13.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import marshal
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "eks_audit_bot"
ZIP_PATH = HERE / "eks-audit-bot.zip"
CLI_ONLY = frozenset({"cli", "filter_pattern"})
RUNTIME_SUFFIXES = frozenset({".py", ".json", ".typed"})
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16
RUNTIME_PYTHON = (3, 13)  # the function's runtime, python3.13 in main.tf
CACHE_TAG = "cpython-313"
CHECKED_HASH_FLAGS = 0b11  # PEP 552: hash-based (bit 0), checked against the source (bit 1)

# A pyc's bytes from the source's zip entry name and bytes.
Compiler = Callable[[str, bytes], bytes]


def runtime_files(package: Path = PACKAGE) -> list[Path]:
    """Every module and data file of the package except the CLI-only packages, sorted.

    The function runs the runtime packages (core, the feeds kube and aws, output)
    and the top-level modules; `cli/` and `filter_pattern/` are for the command line only, and
    an import-linter contract keeps the runtime from importing them.
    """
    return sorted(
        path
        for path in package.rglob("*")
        if path.is_file()
        and path.suffix in RUNTIME_SUFFIXES
        and "__pycache__" not in path.parts
        and path.relative_to(package).parts[0] not in CLI_ONLY
    )


def pyc_name(source_name: str) -> str:
    """Where python3.13 looks for the bytecode of `source_name` (a zip entry name), as
    `importlib.util.cache_from_source` says without a PYTHONPYCACHEPREFIX."""
    source = PurePosixPath(source_name)
    return str(source.parent / "__pycache__" / f"{source.stem}.{CACHE_TAG}.pyc")


def checked_hash_pyc(source_name: str, source: bytes) -> bytes:
    """The pyc `py_compile` writes with `PycInvalidationMode.CHECKED_HASH`, in memory.

    The code records `source_name` (relative, the same on every machine) as its file name;
    the importer replaces it with the real path when it loads the pyc.
    """
    if sys.version_info[:2] != RUNTIME_PYTHON:
        raise RuntimeError(
            f"the zip's bytecode is for the function's runtime, python3.13; this is "
            f"python{sys.version_info[0]}.{sys.version_info[1]}: run `make zip` with "
            f"python3.13 (PYTHON=python3.13)"
        )
    # optimize=0: the runtime runs without -O, and the pyc name has no opt- tag.
    code = compile(source, source_name, "exec", dont_inherit=True, optimize=0)
    return b"".join(
        (
            importlib.util.MAGIC_NUMBER,
            CHECKED_HASH_FLAGS.to_bytes(4, "little"),
            importlib.util.source_hash(source),
            marshal.dumps(code),
        )
    )


def zip_entries(package: Path = PACKAGE, compiler: Compiler = checked_hash_pyc) -> dict[str, bytes]:
    """Each entry name with its bytes: the runtime files, and a pyc beside each module."""
    entries = {}
    for path in runtime_files(package):
        name = path.relative_to(package.parent).as_posix()
        entries[name] = path.read_bytes()
        if path.suffix == ".py":
            entries[pyc_name(name)] = compiler(name, entries[name])
    return entries


def build_zip(package: Path = PACKAGE, compiler: Compiler = checked_hash_pyc) -> bytes:
    """The zip's bytes: stored (no compression drift), sorted, fixed timestamps and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in sorted(zip_entries(package, compiler).items()):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = FILE_MODE
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


def committed_bytecode(current: bytes) -> Compiler:
    """A compiler that takes each pyc from the committed zip (missing: empty, so stale)."""
    try:
        with zipfile.ZipFile(io.BytesIO(current)) as archive:
            pycs = {n: archive.read(n) for n in archive.namelist() if n.endswith(".pyc")}
    except zipfile.BadZipFile:
        pycs = {}
    return lambda source_name, _source: pycs.get(pyc_name(source_name), b"")


def check(current: bytes) -> int:
    """0 when the committed zip is what a build gives; under another Python than the
    runtime's, only its sources and data files (and pyc names) are compared."""
    name = ZIP_PATH.relative_to(HERE.parent)
    full = sys.version_info[:2] == RUNTIME_PYTHON
    fresh = build_zip() if full else build_zip(compiler=committed_bytecode(current))
    if current != fresh:
        print(f"{name} is stale: run `make zip` (python3.13) and commit it", file=sys.stderr)
        return 1
    if full:
        print(f"{name} is current ({len(fresh)} bytes)")
        return 0
    print(
        f"{name}: sources and data files current ({len(fresh)} bytes); bytecode NOT checked: "
        f"only python3.13 (the function's runtime) can compile it, this is "
        f"python{sys.version_info[0]}.{sys.version_info[1]}",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the zip is not current")
    args = parser.parse_args(argv)
    if args.check:
        return check(ZIP_PATH.read_bytes() if ZIP_PATH.exists() else b"")
    try:
        fresh = build_zip()
    except RuntimeError as err:
        print(f"lambda/build.py: {err}", file=sys.stderr)
        return 2
    ZIP_PATH.write_bytes(fresh)
    print(f"wrote {ZIP_PATH.relative_to(HERE.parent)} ({len(fresh)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
