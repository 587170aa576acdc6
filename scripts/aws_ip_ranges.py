"""Write the per-region AWS address ranges the function trusts, from AWS's ip-ranges.json.

    .venv/bin/python scripts/aws_ip_ranges.py                      # download, then write
    .venv/bin/python scripts/aws_ip_ranges.py --source ip-ranges.json

`make ip-ranges` runs the first form. The output, `kube/aws_ip_ranges.json` in the function
zip, holds for each region the prefixes of the services AMAZON (every AWS address, NAT
gateways and the EKS public endpoint included) and EC2, collapsed with
`ipaddress.collapse_addresses` (adjacent and nested prefixes merged): about 100 KB for every
region, where one region's prefixes alone would not fit Lambda's 4 KB of environment.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

URL = "https://ip-ranges.amazonaws.com/ip-ranges.json"
OUTPUT = Path(__file__).parents[1] / "lambda" / "eks_audit_bot" / "kube" / "aws_ip_ranges.json"
SERVICES = frozenset({"AMAZON", "EC2"})
# Not a region: CloudFront, Global Accelerator and Route 53 edges, never a NAT gateway.
GLOBAL = "GLOBAL"

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def by_region(document: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each region's AMAZON and EC2 prefixes (IPv4 then IPv6), collapsed and sorted."""
    found: defaultdict[str, list[Network]] = defaultdict(list)
    for key, entries in (("ip_prefix", "prefixes"), ("ipv6_prefix", "ipv6_prefixes")):
        for entry in document.get(entries, []):
            if entry.get("service") in SERVICES and entry.get("region") != GLOBAL:
                found[str(entry["region"])].append(ipaddress.ip_network(entry[key]))
    return {region: _collapsed(networks) for region, networks in sorted(found.items())}


def _collapsed(networks: Iterable[Network]) -> list[str]:
    v4 = [net for net in networks if isinstance(net, ipaddress.IPv4Network)]
    v6 = [net for net in networks if isinstance(net, ipaddress.IPv6Network)]
    merged: list[Network] = [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]
    return [str(net) for net in merged]


def render(document: Mapping[str, Any]) -> str:
    """The data file: where it came from, then one line per region (reviewable diffs)."""
    regions = by_region(document)
    lines = [
        "{",
        f'  "source": {json.dumps(URL)},',
        f'  "createDate": {json.dumps(str(document.get("createDate", "")))},',
        f'  "syncToken": {json.dumps(str(document.get("syncToken", "")))},',
        f'  "services": {json.dumps(sorted(SERVICES))},',
        '  "regions": {',
    ]
    rows = [
        f"    {json.dumps(name)}: {json.dumps(' '.join(nets))}" for name, nets in regions.items()
    ]
    lines.append(",\n".join(rows))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, help="a saved ip-ranges.json (default: download)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if args.source:
        document = json.loads(args.source.read_text(encoding="utf-8"))
    else:
        with urllib.request.urlopen(URL, timeout=30) as response:
            document = json.load(response)
    args.output.write_text(render(document), encoding="utf-8")
    print(f"{args.output}: {len(by_region(document))} regions from {document.get('createDate')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
