"""Typed reads of decoded JSON: the value when it has the expected type, else an empty one.

Audit events and CloudWatch exports are untrusted input; these keep every reader total.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def mapping(value: object) -> Mapping[str, Any]:
    # Decoded JSON holds plain dicts: asked first, before the slower check of the ABC.
    return value if type(value) is dict or isinstance(value, Mapping) else {}


def mappings(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if type(item) is dict or isinstance(item, Mapping)]


def strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def text(value: object) -> str:
    return value if isinstance(value, str) else ""
