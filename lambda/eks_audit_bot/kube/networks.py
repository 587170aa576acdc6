"""Where automation may call from: the trusted networks, and a fast test of an address.

Without `trusted_source_cidrs`, the trusted networks are the private ranges (RFC 1918,
100.64.0.0/10 shared address space for custom pod networking, IPv6 unique local fc00::/7),
loopback and link-local, and AWS's own published ranges of the cluster's region
(`aws_ip_ranges.json`: services AMAZON and EC2, collapsed; NAT gateways and the EKS public
endpoint hold addresses there). With `trusted_source_cidrs`, those CIDRs (and loopback, the API
server's own host) are the whole list: the user narrows the trust to their own networks.

The AWS ranges are read on first use (the first address outside the private ranges), once per
region; an unknown or empty region takes every region's ranges (the union), so that a cluster
in a region newer than the snapshot is judged as leniently as possible, never noisily.
`make ip-ranges` refreshes the snapshot from ip-ranges.json.
"""

from __future__ import annotations

import ipaddress
import json
from bisect import bisect_right
from functools import cache
from importlib import resources

from eks_audit_bot.settings import Network

LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)
PRIVATE: tuple[Network, ...] = (
    ipaddress.ip_network("10.0.0.0/8"),
    ipaddress.ip_network("172.16.0.0/12"),
    ipaddress.ip_network("192.168.0.0/16"),
    ipaddress.ip_network("100.64.0.0/10"),  # shared address space: EKS custom networking
    ipaddress.ip_network("169.254.0.0/16"),  # link-local
    ipaddress.ip_network("fc00::/7"),  # unique local
    ipaddress.ip_network("fe80::/10"),  # link-local
    *LOOPBACK,
)

type Spans = tuple[tuple[int, ...], tuple[int, ...]]  # sorted starts, and each span's end


class TrustedNetworks:
    """A set of networks that answers "is this address inside?" by bisection.

    `region` names the AWS ranges to add on first need (`None`: none, the user's list only).
    """

    __slots__ = ("_aws", "_spans", "networks", "region")

    def __init__(self, networks: tuple[Network, ...], region: str | None = None) -> None:
        self.networks = networks
        self.region = region
        self._spans = _spans(networks)
        self._aws: dict[int, Spans] | None = None  # the region's AWS ranges, once needed

    @classmethod
    def default(cls, region: str) -> TrustedNetworks:
        """Private ranges, loopback, link-local and AWS's ranges of `region`."""
        return cls(PRIVATE, region)

    @classmethod
    def listed(cls, networks: tuple[Network, ...]) -> TrustedNetworks:
        """The user's `trusted_source_cidrs`, and loopback."""
        return cls(networks + LOOPBACK)

    def contains(self, address: str) -> bool:
        """Whether `address` lies in a trusted network; an address that does not parse is
        not trusted."""
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        value = int(ip)
        if _inside(self._spans.get(ip.version), value):
            return True
        if self.region is None:
            return False
        if self._aws is None:
            self._aws = _spans(aws_ranges(self.region))
        return _inside(self._aws.get(ip.version), value)


def _spans(networks: tuple[Network, ...]) -> dict[int, Spans]:
    """Per IP version, the networks as merged integer spans, sorted by start."""
    v4 = ipaddress.collapse_addresses(n for n in networks if isinstance(n, ipaddress.IPv4Network))
    v6 = ipaddress.collapse_addresses(n for n in networks if isinstance(n, ipaddress.IPv6Network))
    result: dict[int, Spans] = {}
    for version, merged in ((4, list(v4)), (6, list(v6))):
        pairs = [(int(n.network_address), int(n.broadcast_address)) for n in merged]
        if pairs:
            starts, ends = zip(*sorted(pairs), strict=True)
            result[version] = (starts, ends)
    return result


def _inside(spans: Spans | None, value: int) -> bool:
    if spans is None:
        return False
    starts, ends = spans
    index = bisect_right(starts, value) - 1
    return index >= 0 and value <= ends[index]


@cache
def aws_ranges(region: str) -> tuple[Network, ...]:
    """AWS's published ranges of `region`, or of every region when it is empty or unknown."""
    text = resources.files("eks_audit_bot.kube").joinpath("aws_ip_ranges.json").read_text()
    regions: dict[str, str] = json.loads(text)["regions"]
    chosen = [regions[region]] if region in regions else list(regions.values())
    return tuple(ipaddress.ip_network(prefix) for line in chosen for prefix in line.split())
