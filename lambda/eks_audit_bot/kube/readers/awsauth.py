"""The aws-auth ConfigMap: who its `mapRoles`/`mapUsers`/`mapAccounts` let into the cluster.

The values are YAML inside JSON strings (hand-written, or `yamlencode` with quoted keys, or
JSON). The Lambda has no YAML library, and needs none: the mappings are a flat list of
`rolearn`/`userarn`, `username` and `groups`, which this small reader understands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eks_audit_bot.core.jsonvalue import mapping, text

MAP_KEYS = ("mapRoles", "mapUsers", "mapAccounts")
_ACCOUNT = re.compile(r"\b\d{12}\b")
_KEY_VALUE = re.compile(r"""^["']?([A-Za-z]+)["']?\s*:\s*(.*)$""")


@dataclass(frozen=True, slots=True)
class MapEntry:
    """One entry of mapRoles or mapUsers."""

    arn: str
    username: str = ""
    groups: tuple[str, ...] = ()

    def describe(self, kind: str) -> str:
        line = f"maps {kind} {self.arn or '(no ARN)'} to username {self.username or '(none)'}"
        if self.groups:
            line += f", groups {', '.join(self.groups)}"
        if "system:masters" in self.groups:
            line += " (cluster admin)"
        return line


def entries(value: str) -> list[MapEntry]:
    """The entries of one mapRoles/mapUsers value; unreadable parts are skipped."""
    stripped = value.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError:
            return []
        raw = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    else:
        raw = _block_items(stripped.splitlines())
    return [_entry(item) for item in raw]


def accounts(value: str) -> list[str]:
    return _ACCOUNT.findall(value)


def changed_keys(request: Mapping[str, Any] | None) -> list[str]:
    """The map keys a patch or update wrote (a strategic-merge patch holds only those)."""
    data = mapping(mapping(request).get("data"))
    return [key for key in MAP_KEYS if key in data]


def _entry(item: Mapping[str, Any]) -> MapEntry:
    groups = item.get("groups")
    return MapEntry(
        arn=text(item.get("rolearn")) or text(item.get("userarn")),
        username=text(item.get("username")),
        groups=tuple(g for g in groups if isinstance(g, str)) if isinstance(groups, list) else (),
    )


def _block_items(lines: list[str]) -> list[dict[str, Any]]:
    """Top-level `- key: value` items of a YAML block sequence, with nested string lists."""
    items: list[dict[str, Any]] = []
    base: int | None = None
    list_key = ""
    for line in lines:
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if content.startswith("-") and (base is None or indent == base):
            base, list_key = indent, ""
            items.append({})
            content = content[1:].strip()
        if not items or not content:
            continue
        list_key = _add(items[-1], content, list_key)
    return items


def _add(item: dict[str, Any], content: str, list_key: str) -> str:
    """Add one `key: value` or `- value` line to `item`; return the list key still open."""
    if content.startswith("-") and list_key:
        item[list_key].append(_unquote(content[1:]))
        return list_key
    found = _KEY_VALUE.match(content)
    if not found:
        return list_key
    key, value = found.group(1), found.group(2).strip()
    if not value:
        item[key] = []
        return key
    if value.startswith("[") and value.endswith("]"):
        item[key] = [_unquote(part) for part in value[1:-1].split(",") if part.strip()]
    else:
        item[key] = _unquote(value)
    return ""


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
