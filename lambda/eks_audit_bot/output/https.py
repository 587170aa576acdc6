"""The `https` body per HTTPS_FORMAT: what HTTPS subscribers (chat integrations, webhooks) get
instead of the JSON document. Each format renders from the alert view alone, so a new one is
its `HttpsFormat` value and one entry here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eks_audit_bot.core.view import AlertView
from eks_audit_bot.settings import HttpsFormat

type HttpsBody = Callable[[AlertView], dict[str, Any]] | None

# None: no body of its own, HTTPS subscribers get the JSON document (`default`).
BODIES: dict[HttpsFormat, HttpsBody] = {
    HttpsFormat.JSON: None,
    # Amazon Q Developer in chat applications' custom notification (Slack, Teams).
    HttpsFormat.CHATBOT: lambda item: item.chat(),
}
