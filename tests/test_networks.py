"""Untrusted networks by default: automation calling from outside the private ranges and AWS's
published ranges of the cluster's region alerts with no configuration; `trusted_source_cidrs`
narrows the trust to the user's own networks.

Through the handler (a subscription payload in, SNS notifications out through an SQS
subscriber), then the trusted networks themselves and the snapshot they come from.
"""

from __future__ import annotations

import copy
import importlib.util
import ipaddress
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from eks_audit_bot import handler
from eks_audit_bot.kube.context import RuleContext
from eks_audit_bot.kube.networks import PRIVATE, TrustedNetworks, aws_ranges
from lambda_context import FakeContext
from support import Inbox, subscription_event

ROOT = Path(__file__).parents[1]
DATA = ROOT / "lambda" / "eks_audit_bot" / "kube" / "aws_ip_ranges.json"
# 52.16.0.0/14 is EC2 in eu-west-1 (the tests' region) in the committed snapshot: a NAT gateway.
NAT_GATEWAY = "52.16.4.9"
PUBLIC = "203.0.113.45"  # TEST-NET-3: nobody's cloud
COREDNS = {
    "username": "system:serviceaccount:kube-system:coredns",
    "uid": "6741ceab-0961-5fa3-80d3-6401b136c7eb",
    "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system"],
    "extra": {"authentication.kubernetes.io/pod-name": ["coredns-7c9d8f6b5-q2w3e"]},
}
NODE = {"username": "system:node:ip-10-0-1-23.eu-west-1.compute.internal", "groups": []}


def coredns_read(*source_ips: str, user: dict[str, Any] = COREDNS) -> dict[str, Any]:
    """CoreDNS listing endpoint slices, as it does all day, from `source_ips`."""
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": f"f840d03f-6cec-52e2-b545-{abs(hash(source_ips)) % 10**12:012d}",
        "stage": "ResponseComplete",
        "requestURI": "/apis/discovery.k8s.io/v1/endpointslices?limit=500",
        "verb": "list",
        "user": copy.deepcopy(user),
        "sourceIPs": list(source_ips),
        "userAgent": "coredns/1.11.1",
        "objectRef": {"resource": "endpointslices", "apiGroup": "discovery.k8s.io"},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": "2026-11-20T14:16:11.512345Z",
        "stageTimestamp": "2026-11-20T14:16:11.530123Z",
        "annotations": {"authorization.k8s.io/decision": "allow"},
    }


def deliver(*events: dict[str, Any]) -> None:
    case = {
        "logGroup": "/aws/eks/prod/cluster",
        "logStream": "kube-apiserver-audit-0123456789abcdef",
        "events": list(events),
    }
    handler.lambda_handler(subscription_event(case), FakeContext())


def rules_of(inbox: Inbox) -> list[str]:
    return [n["MessageAttributes"]["rule"]["Value"] for n in inbox.received()]


def test_coredns_from_a_public_address_alerts_with_a_default_deployment(inbox: Inbox) -> None:
    deliver(coredns_read(PUBLIC))
    notifications = inbox.received()
    assert [n["MessageAttributes"]["rule"]["Value"] for n in notifications] == [
        "automation-outside-trusted-networks"
    ]
    assert notifications[0]["MessageAttributes"]["severity"]["Value"] == "high"
    assert PUBLIC in notifications[0]["Message"]


def test_a_node_behind_a_spoofed_forwarded_for_alerts(inbox: Inbox) -> None:
    """The real peer comes last; a client-chosen private X-Forwarded-For entry hides nothing."""
    deliver(coredns_read("10.0.1.23", PUBLIC, user=NODE))
    assert rules_of(inbox) == ["automation-outside-trusted-networks"]


@pytest.mark.parametrize(
    "address",
    [NAT_GATEWAY, "10.0.1.23", "172.20.3.4", "192.168.7.1", "100.64.3.17", "fd12:3456::7", "::1"],
)
def test_nat_gateways_and_private_addresses_stay_quiet(inbox: Inbox, address: str) -> None:
    deliver(coredns_read(address))
    assert rules_of(inbox) == []


def test_an_aws_address_of_another_region_is_not_the_clusters_nat(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same NAT-like address alerts for a cluster in us-east-1: only the cluster's region's
    AWS ranges are trusted (an instance anywhere else in AWS is somebody else's)."""
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    deliver(coredns_read(NAT_GATEWAY))
    assert rules_of(inbox) == ["automation-outside-trusted-networks"]


def test_trusted_source_cidrs_narrow_the_trust(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listed networks replace the defaults: another private range and AWS's addresses are no
    longer trusted, the listed VPC and a listed NAT gateway still are."""
    monkeypatch.setenv("TRUSTED_SOURCE_CIDRS", json.dumps(["10.0.0.0/16", "52.16.4.0/24"]))
    deliver(coredns_read("10.0.1.23"), coredns_read(NAT_GATEWAY))
    assert rules_of(inbox) == []
    deliver(coredns_read("10.9.1.23"), coredns_read("52.17.0.1"), coredns_read(PUBLIC))
    assert rules_of(inbox) == ["automation-outside-trusted-networks"] * 3


def test_people_are_not_judged_by_where_they_call_from(inbox: Inbox) -> None:
    person = {
        "username": "arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com",
        "groups": ["system:authenticated"],
        "extra": {"sessionName": ["alice@example.com"]},
    }
    deliver(coredns_read(PUBLIC, user=person))
    assert rules_of(inbox) == []  # a read by a person: no rule names it


# ---- the networks ----


def test_the_defaults_trust_private_ranges_and_the_regions_aws_ranges() -> None:
    context = RuleContext(region="eu-west-1")
    trusted = ["10.1.2.3", "172.31.255.1", "100.127.0.1", "169.254.169.254", "fe80::1", NAT_GATEWAY]
    assert context.untrusted_addresses(tuple(trusted)) == []
    outside = [PUBLIC, "172.32.0.1", "100.128.0.1", "2001:db8::1", "not-an-ip", ""]
    assert context.untrusted_addresses(tuple(outside)) == outside


def test_an_unknown_region_trusts_every_regions_aws_ranges() -> None:
    """A region newer than the snapshot (or none known, as in `replay` without --region) is
    judged as leniently as possible rather than noisily."""
    assert TrustedNetworks.default("").contains(NAT_GATEWAY)
    assert TrustedNetworks.default("xx-nowhere-9").contains(NAT_GATEWAY)
    assert not TrustedNetworks.default("xx-nowhere-9").contains(PUBLIC)


def test_listed_networks_keep_loopback_only() -> None:
    listed = TrustedNetworks.listed((ipaddress.ip_network("10.0.0.0/16"),))
    assert listed.contains("10.0.200.1")
    assert listed.contains("127.0.0.1")
    assert not listed.contains("10.1.0.1")
    assert not listed.contains(NAT_GATEWAY)


def test_the_private_ranges_are_the_documented_ones() -> None:
    assert {str(net) for net in PRIVATE} >= {
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "fc00::/7",
    }


# ---- the snapshot ----


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "aws_ip_ranges", ROOT / "scripts" / "aws_ip_ranges.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_collapses_each_regions_amazon_and_ec2_prefixes() -> None:
    document = {
        "createDate": "2026-08-22-15-17-05",
        "prefixes": [
            {"ip_prefix": "3.5.0.0/24", "region": "eu-west-1", "service": "AMAZON"},
            {"ip_prefix": "3.5.1.0/24", "region": "eu-west-1", "service": "EC2"},
            {"ip_prefix": "3.5.0.128/25", "region": "eu-west-1", "service": "EC2"},
            {"ip_prefix": "9.9.9.0/24", "region": "eu-west-1", "service": "S3"},
            {"ip_prefix": "13.32.0.0/15", "region": "GLOBAL", "service": "AMAZON"},
            {"ip_prefix": "18.0.0.0/16", "region": "us-east-1", "service": "EC2"},
        ],
        "ipv6_prefixes": [
            {"ipv6_prefix": "2a05:d000::/25", "region": "eu-west-1", "service": "AMAZON"},
        ],
    }
    generator = _generator()
    assert generator.by_region(document) == {
        "eu-west-1": ["3.5.0.0/23", "2a05:d000::/25"],  # S3 alone is within AMAZON anyway
        "us-east-1": ["18.0.0.0/16"],
    }
    rendered = json.loads(generator.render(document))
    assert rendered["regions"]["eu-west-1"] == "3.5.0.0/23 2a05:d000::/25"
    assert rendered["createDate"] == "2026-08-22-15-17-05"


def test_the_committed_snapshot_is_collapsed_and_covers_the_regions() -> None:
    document = json.loads(DATA.read_text())
    regions: dict[str, str] = document["regions"]
    assert {"eu-west-1", "us-east-1", "us-gov-west-1", "cn-north-1"} <= set(regions)
    assert "GLOBAL" not in regions
    for region in regions:
        networks = aws_ranges(region)
        v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
        assert list(ipaddress.collapse_addresses(v4)) == v4, region
    assert document["createDate"]
