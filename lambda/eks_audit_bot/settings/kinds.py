"""The settings' own enumerations."""

from __future__ import annotations

from enum import StrEnum


class HttpsFormat(StrEnum):
    JSON = "json"
    CHATBOT = "chatbot"
