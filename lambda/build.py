"""Build the Lambda function zip, byte for byte reproducibly.

The zip is committed so that `terraform apply` needs no Python, pip or archive provider on the
runner (split plan/apply, Terraform Cloud and Terragrunt's cache all just work). Reproducible
means: the same sources always give the same bytes, so `make test` can prove the committed zip
is current by building it again and comparing.

    python lambda/build.py            # write lambda/eks-audit-bot.zip
    python lambda/build.py --check    # exit 1 when the committed zip is stale
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "eks_audit_bot"
ZIP_PATH = HERE / "eks-audit-bot.zip"
ENTRY_MODULE = "eks_audit_bot.handler"
DATA_SUFFIXES = frozenset({".json", ".typed"})
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16


def runtime_files(package: Path = PACKAGE) -> list[Path]:
    """The handler's modules (what it imports, transitively) and the package data, sorted.

    The CLI, the demo and the filter-pattern evaluator stay out: the function never runs them.
    """
    modules = _imported_modules(ENTRY_MODULE, package)
    paths = {_module_path(name, package) for name in modules}
    paths |= {package / "__init__.py"}
    paths |= {path for path in package.rglob("*") if path.suffix in DATA_SUFFIXES}
    return sorted(path for path in paths if "__pycache__" not in path.parts)


def _imported_modules(entry: str, package: Path) -> set[str]:
    seen: set[str] = set()
    pending = [entry]
    while pending:
        name = pending.pop()
        if name in seen or not _module_path(name, package).exists():
            continue
        seen.add(name)
        tree = ast.parse(_module_path(name, package).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package.name):
                pending.append(node.module or "")
                pending += [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names]
    return seen


def _module_path(name: str, package: Path) -> Path:
    parts = name.split(".")
    if parts[0] != package.name:
        return package / "__not_ours__"
    base = package.joinpath(*parts[1:])
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def build_zip(package: Path = PACKAGE) -> bytes:
    """The zip's bytes: stored (no compression drift), sorted, fixed timestamps and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in runtime_files(package):
            info = zipfile.ZipInfo(path.relative_to(package.parent).as_posix(), FIXED_TIME)
            info.external_attr = FILE_MODE
            info.create_system = 3
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the zip is not current")
    args = parser.parse_args(argv)
    fresh = build_zip()
    if args.check:
        current = ZIP_PATH.read_bytes() if ZIP_PATH.exists() else b""
        if current != fresh:
            print(
                f"{ZIP_PATH.relative_to(HERE.parent)} is stale: run `make zip` and commit it",
                file=sys.stderr,
            )
            return 1
        print(f"{ZIP_PATH.relative_to(HERE.parent)} is current ({len(fresh)} bytes)")
        return 0
    ZIP_PATH.write_bytes(fresh)
    print(f"wrote {ZIP_PATH.relative_to(HERE.parent)} ({len(fresh)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
