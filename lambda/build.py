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
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "eks_audit_bot"
ZIP_PATH = HERE / "eks-audit-bot.zip"
CLI_ONLY = frozenset({"cli", "filter_pattern"})
RUNTIME_SUFFIXES = frozenset({".py", ".json", ".typed"})
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16


def runtime_files(package: Path = PACKAGE) -> list[Path]:
    """Every module and data file of the package except the CLI-only packages, sorted.

    The function runs the runtime packages (sources, model, detection, rendering, delivery)
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
