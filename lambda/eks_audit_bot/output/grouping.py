"""Bursts grouped across invocations: an actor's first alert on a cluster goes out at once and
opens a window (`GROUP_WINDOW_MINUTES`); the alerts that follow within it are folded into
the window's item in the state table and published as one summary when the scheduled tick
finds the window closed.

A window is one item, `eks-audit-bot#group#<hash of account, cluster, actor>`: the first
alert's SNS attributes, `opened`, `closes`, the TTL `expiration`, `count` and up to
`MEMBER_CAP` compact `members` (beyond that they are counted; the audit log has them).
Opening is a conditional put, folding a conditional update (the window is still open and not
being flushed), flushing a conditional claim then a delete, so concurrent invocations agree.
Nothing is dropped: when the table cannot be written the alert is published at once, a
critical alert or a page is never held, and a summary that could not be published stays for
the next tick. Only alerts with a cluster and an actor are grouped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.output.mutes import document_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

PREFIX = "eks-audit-bot#group#"
MEMBER_CAP = 100
STALE_FLUSH_SECONDS = 300  # a flush claimed longer ago than this crashed: take it over
GRACE_SECONDS = 86400  # the window's item outlives it a day, for a late tick
GROUPED_SOURCES = frozenset({"audit-log", "cloudtrail"})


def groupable(message: Outgoing) -> bool:
    values = message.attributes
    return (
        not message.topic_arn
        and values.get("severity") != "critical"
        and values.get("source") in GROUPED_SOURCES
        and bool(values.get("cluster"))
        and bool(values.get("actor"))
    )


def window_key(values: Mapping[str, str]) -> str:
    who = "\n".join(values.get(name, "") for name in ("account", "cluster", "actor"))
    return PREFIX + hashlib.sha256(who.encode()).hexdigest()[:32]


def member_of(message: Outgoing) -> dict[str, Any]:
    document = document_of(message)
    return {
        "severity": message.attributes.get("severity", ""),
        "rule": message.attributes.get("rule", ""),
        "summary": str(document.get("summary", ""))[:500],
        "time": str(document.get("time", ""))[:40],
        "audit_id": message.audit_id[:100],
        "count": int(document.get("count") or 1),
    }


def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, dict):
        return {"M": {key: _value(item) for key, item in value.items()}}
    return {"S": str(value)}


def _plain(cell: Mapping[str, Any]) -> Any:
    if "N" in cell:
        return int(cell["N"])
    if "M" in cell:
        return {key: _plain(item) for key, item in cell["M"].items()}
    if "L" in cell:
        return [_plain(item) for item in cell["L"]]
    return cell.get("S", "")


@dataclass(frozen=True, slots=True)
class Grouper:
    client: DynamoDBClient
    table: str
    window_seconds: int

    def hold(self, message: Outgoing, now: int) -> str:
        """`held` when `message` was folded into an open window (not to publish now), `first`
        when it opened one, `closed` when its window closed and awaits its flush (both: publish
        it now); raises `ClientError`/`BotoCoreError` when the table failed (publish it now)."""
        key = window_key(message.attributes)
        item = {
            "id": key,
            "opened": now,
            "closes": now + self.window_seconds,
            "expiration": now + self.window_seconds + GRACE_SECONDS,
            "count": 0,
            "attributes": dict(message.attributes),
        }
        try:
            self.client.put_item(
                TableName=self.table,
                Item={name: _value(value) for name, value in item.items()},
                ConditionExpression="attribute_not_exists(id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return "held" if self._fold(key, member_of(message), now) else "closed"
        return "first"

    def _fold(self, key: str, member: dict[str, Any], now: int) -> bool:
        open_now = "closes > :now AND attribute_not_exists(flushing)"
        values: dict[str, Any] = {":now": {"N": str(now)}, ":one": {"N": "1"}}
        try:
            self.client.update_item(
                TableName=self.table,
                Key={"id": {"S": key}},
                UpdateExpression="SET members = list_append(if_not_exists(members, :none), :m)"
                " ADD #count :one",
                ConditionExpression=f"{open_now} AND #count < :cap",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={
                    **values,
                    ":none": {"L": []},
                    ":m": {"L": [_value(member)]},
                    ":cap": {"N": str(MEMBER_CAP)},
                },
            )
            return True
        except self.client.exceptions.ConditionalCheckFailedException:
            pass
        try:  # past the cap: counted only
            self.client.update_item(
                TableName=self.table,
                Key={"id": {"S": key}},
                UpdateExpression="ADD #count :one",
                ConditionExpression=open_now,
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues=values,
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False  # closed, waiting for its tick: this one goes out on its own
        return True

    def due(self, now: int) -> Iterator[dict[str, Any]]:
        """Closed windows, each claimed for this invocation (another may be flushing it)."""
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="begins_with(id, :p) AND closes <= :now",
            ExpressionAttributeValues={":p": {"S": PREFIX}, ":now": {"N": str(now)}},
            ProjectionExpression="id",
        )
        for page in pages:
            for found in page.get("Items", []):
                claimed = self.claim(str(found["id"]["S"]), now)
                if claimed is not None:
                    yield claimed

    def claim(self, key: str, now: int) -> dict[str, Any] | None:
        """The closed window `key`, claimed for flushing; None when it is not closed or another
        invocation is flushing it."""
        try:
            answer = self.client.update_item(
                TableName=self.table,
                Key={"id": {"S": key}},
                UpdateExpression="SET flushing = :now",
                ConditionExpression="closes <= :now AND (attribute_not_exists(flushing)"
                " OR flushing < :stale)",
                ExpressionAttributeValues={
                    ":now": {"N": str(now)},
                    ":stale": {"N": str(now - STALE_FLUSH_SECONDS)},
                },
                ReturnValues="ALL_NEW",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return None
        return {name: _plain(cell) for name, cell in answer["Attributes"].items()}

    def done(self, window: Mapping[str, Any], *, published: bool) -> None:
        """Delete a flushed window, or give it back to the next tick."""
        key = {"id": {"S": str(window["id"])}}
        if published:
            self.client.delete_item(TableName=self.table, Key=key)
        else:
            self.client.update_item(
                TableName=self.table, Key=key, UpdateExpression="REMOVE flushing"
            )


STORE_ERRORS = (ClientError, BotoCoreError)
