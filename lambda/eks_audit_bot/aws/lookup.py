"""Find the STS call that issued a credential with CloudTrail `LookupEvents`.

LookupEvents finds events by the key that *signed* them, not by the key a call *issued*, so
the search is by the role (`ResourceName` = the role ARN: an AssumeRole* record names the
role it assumed) over the longest a session lasts before the request, newest first, until a
record's `responseElements.credentials.accessKeyId` is the credential's. At most
`MAX_PAGES` pages (50 events each): LookupEvents answers 2 requests per second per account
and region, and the client's adaptive retry mode waits out throttling (`lookup_client`).

Used only where the state table knew nothing (`output.links`); a failed lookup is "unknown",
never a lost alert.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from eks_audit_bot.aws.api_call import api_call_from_dict
from eks_audit_bot.aws.credentials import ISSUING_CALLS, MAX_DURATION, Issued, issued_by
from eks_audit_bot.core.credential import CredentialLink
from eks_audit_bot.core.invalid import InvalidEvent

if TYPE_CHECKING:
    from mypy_boto3_cloudtrail.client import CloudTrailClient

MAX_PAGES = 3
PAGE_SIZE = 50
# CloudTrail delivers events to LookupEvents within minutes; the request itself is later.
_SLACK = timedelta(minutes=5)


def lookup_client(region: str) -> CloudTrailClient:
    """A CloudTrail client whose retries respect LookupEvents' 2 requests per second."""
    import boto3  # noqa: PLC0415 - only deployments that look credentials up
    from botocore.config import Config  # noqa: PLC0415

    config = Config(retries={"mode": "adaptive", "max_attempts": 4}, connect_timeout=5)
    return boto3.client("cloudtrail", region_name=region or None, config=config)


type Found = tuple[CredentialLink, datetime]


def lookup_in(region: str) -> Callable[[str, str, datetime], Found | None]:
    """`find_issuing_call` as `output.links` asks it, with a client made on first use."""
    clients: list[CloudTrailClient] = []

    def find(access_key_id: str, role_arn: str, when: datetime) -> Found | None:
        if not clients:
            clients.append(lookup_client(region))
        issued = find_issuing_call(clients[0], access_key_id, role_arn, when)
        return None if issued is None else (issued.link, issued.expires)

    return find


def find_issuing_call(
    client: CloudTrailClient, access_key_id: str, role_arn: str, when: datetime
) -> Issued | None:
    """The AssumeRole* call that issued `access_key_id` for `role_arn`, looked up around
    `when` (the request's time), or None."""
    pages = client.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": role_arn}],
        StartTime=when - MAX_DURATION,
        EndTime=when + _SLACK,
        PaginationConfig={"MaxItems": MAX_PAGES * PAGE_SIZE, "PageSize": PAGE_SIZE},
    )
    for page in pages:
        for event in page.get("Events", []):
            if event.get("EventName") not in ISSUING_CALLS:
                continue
            issued = _issued(event.get("CloudTrailEvent", ""))
            if issued is not None and hmac.compare_digest(issued.access_key_id, access_key_id):
                return issued
    return None


def _issued(record: str) -> Issued | None:
    try:
        call = api_call_from_dict(json.loads(record))
    except (ValueError, InvalidEvent):
        return None
    return issued_by(call, "CloudTrail LookupEvents")
