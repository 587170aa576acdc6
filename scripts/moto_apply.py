"""Apply an example on a local moto_server: `make example-apply EXAMPLE=complete`.

    python scripts/moto_apply.py complete                 # apply, show the outputs, destroy
    python scripts/moto_apply.py complete --keep          # ... and keep moto up until Ctrl-C
    python scripts/moto_apply.py pagerduty --var pagerduty_integration_url=https://...

No AWS account and no network beyond 127.0.0.1: moto_server stands in for AWS. The example is
copied to build/moto/<example> with its module source pointing back here and a provider
override that sends every AWS endpoint to moto. What the example expects to exist already is
created in moto first: the EKS log groups its subscription filters name (EKS creates them with
a cluster; read from the plan), and the AWS-managed Powertools layer, which moto resolves by
name and version in its own account, so versions 1 to the module's are published empty.

tests/test_terraform.py uses the same server, provider override and layers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
SERVICES = ("sts", "iam", "lambda", "logs", "sns", "sqs", "kms", "cloudwatch", "events")
# The provider aliases each example configures besides the default one (the override must
# name them all, or they would reach for real AWS); examples/organization needs three
# accounts and has its own test (tests/fleet.py).
EXAMPLES: dict[str, tuple[str, ...]] = {"complete": ("chat",), "pagerduty": (), "terragrunt": ()}
LAYER_NAME = "AWSLambdaPowertoolsPythonV3-python313-arm64"
_EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "moto_server"
    if script.exists():
        return [str(script), "-H", "127.0.0.1", "-p", str(port)]
    return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]


@contextmanager
def moto_server(startup_seconds: float = 30) -> Iterator[str]:
    """A moto_server on 127.0.0.1 and a free port; its URL while the block runs."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        _server_command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + startup_seconds
        while not _answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not answer on {url}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
            return True
    except (urllib.error.URLError, ConnectionError):
        return False


def reset(url: str) -> None:
    """Forget every resource moto holds."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def clients(url: str) -> dict[str, Any]:
    """boto3 clients on the moto server, with the fake credentials terraform gets too."""
    session: Any = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    return {name: session.client(name, endpoint_url=url) for name in SERVICES}


def provider_block(url: str, alias: str | None = None) -> str:
    """An `aws` provider with every endpoint on moto (written to an override file)."""
    width = max(map(len, SERVICES))  # aligned as `terraform fmt` writes it
    endpoints = "\n".join(f'    {name:<{width}} = "{url}"' for name in SERVICES)
    alias_line = f'  alias                       = "{alias}"\n' if alias else ""
    return f"""provider "aws" {{
{alias_line}  region                      = "{REGION}"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
{endpoints}
  }}
}}
"""


def powertools_layer_version() -> int:
    """The Powertools layer version the module pins (`local.powertools_layer_version`)."""
    main_tf = (ROOT / "main.tf").read_text(encoding="utf-8")
    found = re.search(r"powertools_layer_version\s*=\s*(\d+)", main_tf)
    if found is None:
        raise RuntimeError("main.tf must set local.powertools_layer_version")
    return int(found.group(1))


def publish_powertools_layers(lambda_client: Any) -> None:
    """The AWS-managed layer's name in moto, published up to the version the module uses."""
    for _ in range(powertools_layer_version()):
        lambda_client.publish_layer_version(
            LayerName=LAYER_NAME,
            Content={"ZipFile": _EMPTY_ZIP},
            CompatibleRuntimes=["python3.13"],
        )


def create_log_groups(logs: Any, names: list[str]) -> None:
    """The EKS log groups belong to EKS, not to the module: create those still missing."""
    for name in names:
        found = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        if not any(group["logGroupName"] == name for group in found):
            logs.create_log_group(logGroupName=name)


def copy_example(example: str, dest: Path, url: str, override: str = "override.tf") -> Path:
    """The example in `dest`, sourcing this module, with every provider on moto."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(
        ROOT / "examples" / example,
        dest,
        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*"),
    )
    main_tf = dest / "main.tf"
    source = os.path.relpath(ROOT, dest)
    text = main_tf.read_text(encoding="utf-8").replace('source = "../.."', f'source = "{source}"')
    main_tf.write_text(text, encoding="utf-8")
    aliases = EXAMPLES.get(example, ())
    blocks = [provider_block(url), *(provider_block(url, alias) for alias in aliases)]
    (dest / override).write_text("\n".join(blocks), encoding="utf-8")
    return dest


def terraform_env() -> dict[str, str]:
    """Fake credentials, and the repository's provider mirror config when it has one."""
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    local_config = ROOT / "build" / "terraform.tfrc"
    if "TF_CLI_CONFIG_FILE" not in env and local_config.is_file():
        env["TF_CLI_CONFIG_FILE"] = str(local_config)
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def planned_log_groups(plan: Mapping[str, Any]) -> list[str]:
    """The log groups the plan's subscription filters go on (`terraform show -json`)."""
    names = {
        change["change"]["after"]["log_group_name"]
        for change in plan.get("resource_changes", [])
        if change["type"] == "aws_cloudwatch_log_subscription_filter"
        and "create" in change["change"]["actions"]
    }
    return sorted(names)


def _terraform(work: Path, env: Mapping[str, str], *args: str, show: bool = True) -> str:
    print(f"==> terraform {' '.join(args)}", file=sys.stderr, flush=True)
    done = subprocess.run(
        ["terraform", *args, "-no-color"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"terraform {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    if show:
        print(done.stdout, end="", file=sys.stderr, flush=True)
    return done.stdout


def apply(example: str, url: str, variables: list[str]) -> Path:
    """Plan the example, create what it expects to exist, apply the plan; the work dir."""
    work = copy_example(example, ROOT / "build" / "moto" / example, url)
    env = terraform_env()
    var_args = [arg for variable in variables for arg in ("-var", variable)]
    _terraform(work, env, "init", "-backend=false", "-input=false", show=False)
    _terraform(work, env, "plan", "-input=false", "-out=moto.tfplan", *var_args, show=False)
    plan = json.loads(_terraform(work, env, "show", "-json", "moto.tfplan", show=False))
    aws = clients(url)
    create_log_groups(aws["logs"], planned_log_groups(plan))
    publish_powertools_layers(aws["lambda"])
    _terraform(work, env, "apply", "-input=false", "moto.tfplan")
    print(_terraform(work, env, "output", show=False), end="")
    return work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", choices=sorted(EXAMPLES), help="a folder under examples/")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--keep", action="store_true", help="keep moto_server running until Ctrl-C")
    args = parser.parse_args(argv)
    with moto_server() as url:
        work = apply(args.example, url, args.var)
        if args.keep:
            print(f"moto_server on {url}; work dir {work}. Ctrl-C stops it.", file=sys.stderr)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        var_args = [arg for variable in args.var for arg in ("-var", variable)]
        _terraform(work, terraform_env(), "destroy", "-auto-approve", "-input=false", *var_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
