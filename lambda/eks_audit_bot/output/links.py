"""Credential-to-person links in the state table, and the resolver that finds them.

The state table (`DEDUP_TABLE_NAME`, DESIGN decision 8) keeps one item per credential an STS
call issued: id `credential#<sha256 of the access key id>` (never the key), the person and
how we know, and `expiration` (its TTL) the credential's own expiry, so a link lives exactly
as long as the credential can be used. The function writes them from the STS calls EventBridge
delivers (`aws.credentials`); `Resolver` reads them, and where the table knows nothing asks a
lookup (CloudTrail LookupEvents, `aws.lookup`) a few times per invocation, writing back what it
found. Whatever fails, the answer is "unknown", never an exception: the alert goes out anyway.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from eks_audit_bot.core.credential import CredentialLink, credential_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

type Found = tuple[CredentialLink, datetime]  # a link, and when its credential expires
type Lookup = Callable[[str, str, datetime], Found | None]

_FIELDS = ("person", "operation", "role_arn", "issued_at", "basis", "found_by")
# Lookups per invocation (LookupEvents answers 2 per second; an alert must not wait long).
MAX_LOOKUPS = 3
MAX_CACHED = 1000


class Table(Protocol):
    def put(self, access_key_id: str, link: CredentialLink, expires: datetime) -> None: ...

    def get(self, access_key_id: str, at: datetime) -> CredentialLink | None: ...


class LinkTable:
    """The links in the state table; the DynamoDB client is made on first use."""

    __slots__ = ("clients", "region", "table")

    def __init__(self, table: str, region: str = "", client: DynamoDBClient | None = None) -> None:
        self.table = table
        self.region = region
        self.clients = [client] if client is not None else []

    @property
    def client(self) -> DynamoDBClient:
        if not self.clients:
            import boto3  # noqa: PLC0415 - with the first link
            from botocore.config import Config  # noqa: PLC0415

            config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5)
            self.clients.append(
                boto3.client("dynamodb", region_name=self.region or None, config=config)
            )
        return self.clients[0]

    def put(self, access_key_id: str, link: CredentialLink, expires: datetime) -> None:
        item = {name: {"S": value[:1024] or "-"} for name, value in asdict(link).items()}
        item["id"] = {"S": credential_key(access_key_id)}
        item["expiration"] = {"N": str(int(expires.timestamp()))}
        self.client.put_item(TableName=self.table, Item=item)

    def get(self, access_key_id: str, at: datetime) -> CredentialLink | None:
        """The link of a credential used `at` (the request's time), unless missing or already
        expired then (TTL deletes items only eventually)."""
        found = self.client.get_item(
            TableName=self.table, Key={"id": {"S": credential_key(access_key_id)}}
        ).get("Item")
        if not found or int(found.get("expiration", {}).get("N", "0")) <= at.timestamp():
            return None
        values = {name: found.get(name, {}).get("S", "") for name in _FIELDS}
        return CredentialLink(**{k: "" if v == "-" else v for k, v in values.items()})


class MemoryTable:
    """Links kept in memory: `replay` of CloudTrail records beside audit events."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: dict[str, tuple[CredentialLink, datetime]] = {}

    def put(self, access_key_id: str, link: CredentialLink, expires: datetime) -> None:
        self.items[credential_key(access_key_id)] = (link, expires)

    def get(self, access_key_id: str, at: datetime) -> CredentialLink | None:
        link, expires = self.items.get(credential_key(access_key_id), (None, at))
        return link if expires > at else None


class Links:
    """What a cold start builds: the table (if any), the lookup (if any), and the links found
    so far (a credential's person never changes)."""

    __slots__ = ("known", "lookup", "table")

    def __init__(self, table: Table | None, lookup: Lookup | None) -> None:
        self.table = table
        self.lookup = lookup
        self.known: dict[str, CredentialLink] = {}

    def resolver(self) -> Resolver:
        """A resolver for one invocation (its own lookup budget)."""
        return Resolver(self)


class Resolver:
    """`core.credential.CredentialResolver` over the cache, the table and the lookup."""

    __slots__ = ("failures", "links", "lookups_left")

    def __init__(self, links: Links) -> None:
        self.links = links
        self.lookups_left = MAX_LOOKUPS
        self.failures: Counter[str] = Counter()  # by reason, for the handler to account for

    def resolve(self, access_key_id: str, role_arn: str, when: str) -> CredentialLink | None:
        key = credential_key(access_key_id)
        known = self.links.known.get(key)
        if known is not None:
            return known
        at = _time(when)
        found = self._from_table(access_key_id, at) or self._looked_up(access_key_id, role_arn, at)
        if found is not None and len(self.links.known) < MAX_CACHED:
            self.links.known[key] = found
        return found

    def _from_table(self, access_key_id: str, at: datetime) -> CredentialLink | None:
        if self.links.table is None:
            return None
        try:
            return self.links.table.get(access_key_id, at)
        except Exception:  # noqa: BLE001 - unknown, never a lost alert
            self.failures["table_read"] += 1
            return None

    def _looked_up(self, access_key_id: str, role_arn: str, at: datetime) -> CredentialLink | None:
        if self.links.lookup is None or not role_arn or self.lookups_left <= 0:
            return None
        self.lookups_left -= 1
        try:
            found = self.links.lookup(access_key_id, role_arn, at)
        except Exception:  # noqa: BLE001 - throttled past the retries, denied, offline
            self.failures["lookup"] += 1
            return None
        if found is None:
            return None
        link, expires = found
        if self.links.table is not None:
            try:
                self.links.table.put(access_key_id, link, expires)
            except Exception:  # noqa: BLE001 - found all the same
                self.failures["table_write"] += 1
        return link


def _time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
