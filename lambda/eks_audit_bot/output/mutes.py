"""Mutes: a rule silenced for a while, optionally for one actor, cluster or namespace.

A mute is an item in the state table (`DEDUP_TABLE_NAME`): `id` `eks-audit-bot#mute#<id>`,
its scope, who set it and why, `until` (epoch seconds) and the TTL `expiration`, a day after
`until`: DynamoDB deletes expired items lazily (minutes to days later), so the item outlives
the mute long enough for the scheduled tick to announce its end. One index item
(`eks-audit-bot#mutes`, a string set `ids`) lists the mutes still to be read, so the function
reads two items instead of scanning the table. Mutes as code (`MUTES`, from Terraform) are
written into the table the same way with ids derived from their content, so one path reads,
announces and ends them all.

A mute matches an outgoing message by its SNS attributes (`rule`, `cluster`, `namespace`,
`severity`) and its document's actor: whatever the alert's kind, the message says all this.
A `critical` message is muted only by a mute made with `include_critical`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from fnmatch import fnmatchcase
from typing import Any

from eks_audit_bot.core.outgoing import Outgoing

PREFIX = "eks-audit-bot#mute#"
INDEX_KEY = "eks-audit-bot#mutes"
END_GRACE_SECONDS = 86400  # how long an ended mute's item outlives it (see the docstring)
# Written only once they happen: the conditional writes test for their absence.
_UNSET_WHEN_ZERO = frozenset({"ended", "announced_start", "announced_end", "muted"})
_ACTOR_FIELDS = ("display_name", "username", "iam_arn", "canonical_arn", "session_name")


@dataclass(frozen=True, slots=True)
class Mute:
    mute_id: str
    rule: str
    until: int
    reason: str
    set_by: str
    actor: str = ""  # a glob; empty: anyone
    cluster: str = ""
    namespace: str = ""
    include_critical: bool = False
    created: int = 0
    origin: str = "cli"  # or "terraform"
    ended: int = 0  # when `unmute` (or removal from MUTES) ended it early
    ended_by: str = ""
    announced_start: int = 0
    announced_end: int = 0
    muted: int = 0  # alerts it kept back so far (announced when it ends)

    def active(self, now: float) -> bool:
        return not self.ended and now < self.until

    @property
    def end_time(self) -> int:
        return min(self.ended, self.until) if self.ended else self.until

    def matches(self, message: Outgoing) -> bool:
        values = message.attributes
        if values.get("rule") != self.rule:
            return False
        if values.get("severity") == "critical" and not self.include_critical:
            return False
        if self.cluster and values.get("cluster", "") != self.cluster:
            return False
        if self.namespace and values.get("namespace", "") != self.namespace:
            return False
        document = document_of(message)
        # A digest may fold several rules: muted only when every one of them is this rule.
        if any(rule != self.rule for rule in document.get("rule_ids") or ()):
            return False
        return not self.actor or any(
            fnmatchcase(name, self.actor) for name in actors(message, document)
        )

    def scope(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "actor": self.actor or "anyone",
            "cluster": self.cluster or "every cluster",
            "namespace": self.namespace or "every namespace",
        }


def actors(message: Outgoing, document: Mapping[str, Any]) -> list[str]:
    """The names an actor glob may match: the `actor` attribute and the document's identities."""
    names = [message.attributes.get("actor", "")]
    actor = document.get("actor")
    if isinstance(actor, dict):
        names += [str(actor.get(key) or "") for key in _ACTOR_FIELDS]
    return [name for name in names if name]


def document_of(message: Outgoing) -> dict[str, Any]:
    """The message's JSON document (its `default` body)."""
    try:
        document = json.loads(json.loads(message.message)["default"])
    except (ValueError, KeyError, TypeError):
        return {}
    return document if isinstance(document, dict) else {}


def code_mute(spec: Mapping[str, Any]) -> Mute:
    """A mute from the `MUTES` setting; its id follows from its content, so every cold start
    finds the same one (and an edited mute is a new one)."""
    scope = {key: str(spec.get(key) or "") for key in ("rule", "actor", "cluster", "namespace")}
    text = json.dumps({**scope, "until": spec["until"], "crit": spec["include_critical"]})
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Mute(
        mute_id=f"tf-{digest}",
        rule=scope["rule"],
        until=int(spec["until"]),
        reason=str(spec.get("reason") or ""),
        set_by=str(spec.get("set_by") or "Terraform"),
        actor=scope["actor"],
        cluster=scope["cluster"],
        namespace=scope["namespace"],
        include_critical=bool(spec["include_critical"]),
        origin="terraform",
    )


def to_item(mute: Mute) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": {"S": PREFIX + mute.mute_id},
        "expiration": {"N": str(mute.until + END_GRACE_SECONDS)},
    }
    for name, value in asdict(mute).items():
        if isinstance(value, bool):
            item[name] = {"BOOL": value}
        elif isinstance(value, int) and (value or name not in _UNSET_WHEN_ZERO):
            item[name] = {"N": str(value)}
        elif value:
            item[name] = {"S": value}
    return item


def from_item(item: Mapping[str, Any]) -> Mute:
    values: dict[str, Any] = {}
    for spec in fields(Mute):
        cell = item.get(spec.name) or {}
        if "N" in cell:
            values[spec.name] = int(cell["N"])
        elif "BOOL" in cell:
            values[spec.name] = bool(cell["BOOL"])
        elif "S" in cell:
            values[spec.name] = cell["S"]
    values.setdefault("mute_id", str(item["id"]["S"]).removeprefix(PREFIX))
    for name in ("rule", "reason", "set_by"):
        values.setdefault(name, "")
    values.setdefault("until", 0)
    return Mute(**values)


def first_match(mutes: Iterable[Mute], message: Outgoing, now: float) -> Mute | None:
    return next((mute for mute in mutes if mute.active(now) and mute.matches(message)), None)
