"""The mutes' items in the state table: adding and ending them (the CLI), reading them through
the index item, claiming each announcement once, and writing the mutes as code (`MUTES`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError

from eks_audit_bot.output.mutes import INDEX_KEY, PREFIX, Mute, from_item, to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class MuteNotFound(LookupError):
    """No such mute, or it has already ended."""


class UnreadMutes(BotoCoreError):
    """DynamoDB kept leaving mutes unread (throttling): treated like an unreachable table."""

    fmt = "{detail}"

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)


@dataclass(frozen=True, slots=True)
class MuteTable:
    """The mutes' items in the state table."""

    client: DynamoDBClient
    table: str

    def add(self, mute: Mute) -> None:
        self.client.put_item(
            TableName=self.table,
            Item=to_item(mute),
            ConditionExpression="attribute_not_exists(id)",
        )
        self._index("ADD", mute.mute_id)

    def end(self, mute_id: str, by: str, now: int) -> Mute:
        """End a mute early (`unmute`); the function announces it."""
        try:
            answer = self.client.update_item(
                TableName=self.table,
                Key={"id": {"S": PREFIX + mute_id}},
                UpdateExpression="SET ended = :now, ended_by = :by",
                ConditionExpression="attribute_exists(id) AND attribute_not_exists(ended)"
                " AND #until > :now",
                ExpressionAttributeNames={"#until": "until"},
                ExpressionAttributeValues={":now": {"N": str(now)}, ":by": {"S": by}},
                ReturnValues="ALL_NEW",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            raise MuteNotFound(f"no active mute {mute_id!r}") from None
        return from_item(answer["Attributes"])

    def load(self) -> list[Mute]:
        """Every mute not yet retired (active, or ended and not yet announced as ended)."""
        index = self.client.get_item(
            TableName=self.table, Key={"id": {"S": INDEX_KEY}}, ConsistentRead=True
        )
        ids = sorted(index.get("Item", {}).get("ids", {}).get("SS", []))
        mutes = []
        for start in range(0, len(ids), 100):
            mutes += self._fetch(ids[start : start + 100])
        for gone in set(ids) - {mute.mute_id for mute in mutes}:
            self.retire(gone)  # its item expired (TTL): nothing left to announce
        return sorted(mutes, key=lambda mute: (mute.created, mute.mute_id))

    def _fetch(self, ids: Sequence[str]) -> list[Mute]:
        """The mutes `ids` name; raises when DynamoDB leaves some unread after retries (so a
        mute is never taken for gone)."""
        request: Any = {self.table: {"Keys": [{"id": {"S": PREFIX + i}} for i in ids],
                                     "ConsistentRead": True}}  # fmt: skip
        found = []
        for _ in range(3):
            answer = self.client.batch_get_item(RequestItems=request)
            found += [from_item(item) for item in answer["Responses"].get(self.table, [])]
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return found
        raise UnreadMutes(f"{len(request[self.table]['Keys'])} mute(s) left unread")

    def claim(self, mute: Mute, which: str, now: int) -> bool:
        """Mark the mute's start or end as announced; False when another invocation did."""
        attribute = f"announced_{which}"
        try:
            self.client.update_item(
                TableName=self.table,
                Key={"id": {"S": PREFIX + mute.mute_id}},
                UpdateExpression=f"SET {attribute} = :now",
                ConditionExpression=f"attribute_exists(id) AND attribute_not_exists({attribute})",
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def unclaim(self, mute: Mute, which: str) -> None:
        """The announcement was not published: let the next invocation try again."""
        self.client.update_item(
            TableName=self.table,
            Key={"id": {"S": PREFIX + mute.mute_id}},
            UpdateExpression=f"REMOVE announced_{which}",
        )

    def count(self, mute_id: str, muted: int) -> None:
        """Add to the number of alerts the mute kept back."""
        self.client.update_item(
            TableName=self.table,
            Key={"id": {"S": PREFIX + mute_id}},
            UpdateExpression="ADD muted :n",
            ConditionExpression="attribute_exists(id)",
            ExpressionAttributeValues={":n": {"N": str(muted)}},
        )

    def retire(self, mute_id: str) -> None:
        self._index("DELETE", mute_id)

    def _index(self, action: str, mute_id: str) -> None:
        self.client.update_item(
            TableName=self.table,
            Key={"id": {"S": INDEX_KEY}},
            UpdateExpression=f"{action} ids :id",
            ExpressionAttributeValues={":id": {"SS": [mute_id]}},
        )


def reconcile(table: MuteTable, mutes: list[Mute], code: Sequence[Mute], now: int) -> list[Mute]:
    """Write the mutes as code the table lacks; end the ones no longer in `MUTES`."""
    known = {mute.mute_id for mute in mutes}
    wanted = {mute.mute_id for mute in code}
    result = list(mutes)
    for mute in code:
        if mute.mute_id not in known and mute.until > now:
            added = replace(mute, created=now)
            try:
                table.add(added)
            except table.client.exceptions.ConditionalCheckFailedException:
                continue  # another invocation wrote it, or it ended and was retired
            result.append(added)
    for index, mute in enumerate(result):
        if mute.origin == "terraform" and mute.mute_id not in wanted and mute.active(now):
            try:
                result[index] = table.end(mute.mute_id, "Terraform (removed from mutes)", now)
            except MuteNotFound:
                continue
    return result
