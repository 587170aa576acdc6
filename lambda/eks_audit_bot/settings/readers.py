"""Readers of one environment variable each, all `(env, name, default) -> value`: an unset or
empty variable gives the default; a malformed one raises `ConfigError` naming the variable
and what it expects."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from eks_audit_bot.core.rule_schema import ConfigError
from eks_audit_bot.core.severity import Severity

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network
type Env = Mapping[str, str]


def text(env: Env, name: str, default: str) -> str:
    return env.get(name, "").strip() or default


def enum[E: StrEnum](kind: type[E]) -> Callable[[Env, str, E], E]:
    def read(env: Env, name: str, default: E) -> E:
        raw = env.get(name, "").strip().lower()
        if not raw:
            return default
        try:
            return kind(raw)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise ConfigError(f"{name}={raw!r}: expected one of {allowed}") from None

    return read


def boolean(env: Env, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise ConfigError(f"{name}={raw!r}: expected true or false")


def positive(env: Env, name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name}={raw!r}: expected a positive whole number")
    return int(raw)


def _json(env: Env, name: str, kind: type, example: str) -> Any:
    raw = env.get(name, "").strip()
    if not raw:
        return kind()
    try:
        value = json.loads(raw)
    except ValueError as err:
        raise ConfigError(f"{name}: invalid JSON ({err}); expected e.g. {example}") from err
    if not isinstance(value, kind):
        raise ConfigError(f"{name}: expected a JSON {kind.__name__}, e.g. {example}")
    return value


def _strings(env: Env, name: str) -> list[str]:
    values = _json(env, name, list, '["argocd-*"]')
    if not all(isinstance(value, str) for value in values):
        raise ConfigError(f"{name}: every item must be a string")
    return list(values)


def strings(env: Env, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_strings(env, name)) or default


def string_set(env: Env, name: str, default: frozenset[str]) -> frozenset[str]:
    return frozenset(_strings(env, name)) or default


def objects(
    env: Env, name: str, default: tuple[Mapping[str, Any], ...]
) -> tuple[Mapping[str, Any], ...]:
    values = _json(env, name, list, '[{"id": "my-rule", ...}]')
    if not all(isinstance(value, dict) for value in values):
        raise ConfigError(f"{name}: every item must be a JSON object")
    return tuple(values) or default


def namespaces(env: Env, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Unset: the defaults; `[]`: none (every namespace alike)."""
    if not env.get(name, "").strip():
        return default
    names = _strings(env, name)
    if not all(names):
        raise ConfigError(f"{name}: every item must be a non-empty namespace name")
    return tuple(names)


def networks(env: Env, name: str, default: tuple[Network, ...]) -> tuple[Network, ...]:
    found = []
    for value in _strings(env, name):
        try:
            found.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ConfigError(
                f'{name}: {value!r} is not a CIDR block, e.g. "10.0.0.0/16"'
            ) from None
    return tuple(found) or default


def severity_map(env: Env, name: str, default: Mapping[str, Severity]) -> Mapping[str, Severity]:
    values = _json(env, name, dict, '{"configmap-kube-system": "high"}')
    result = {}
    for rule_id, severity in values.items():
        try:
            result[str(rule_id)] = Severity(str(severity).lower())
        except ValueError:
            raise ConfigError(f"{name}: {rule_id}={severity!r} is not a severity") from None
    return result or default


def account_names(env: Env, name: str, default: Mapping[str, str]) -> Mapping[str, str]:
    values = _json(env, name, dict, '{"111122223333": "prod"}')
    for account, label in values.items():
        if not (len(account) == 12 and account.isdigit()) or not isinstance(label, str):
            raise ConfigError(f"{name}: {account!r} must be a 12-digit account id with a name")
    return dict(values) or default


def standard_topic(env: Env, name: str, default: str) -> str:
    """A standard SNS topic: PagerDuty subscribes over HTTPS, which FIFO topics do not offer."""
    arn = env.get(name, "").strip()
    if arn and (arn_part(arn, 2) != "sns" or arn.endswith(".fifo")):
        raise ConfigError(f"{name}={arn!r}: expected the ARN of a standard (not FIFO) SNS topic")
    return arn or default


def arn_part(arn: str, index: int) -> str:
    parts = arn.split(":")
    return parts[index] if len(parts) > 5 and parts[0] == "arn" else ""
