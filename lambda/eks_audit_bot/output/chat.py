"""The envelope of a chat notification (Amazon Q Developer in chat applications' custom
notification, for Slack and Teams), shared by every feed's chat rendering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from eks_audit_bot.core.actor import Actor
from eks_audit_bot.core.alert import Location, RuleHit
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.output.safety import chat_text, line

CHAT_DESCRIPTION_LIMIT = 3500
_TRUNCATED = "\n… (truncated)"
_SEVERITY_EMOJI = {
    "critical": ":rotating_light:",
    "high": ":warning:",
    "medium": ":large_orange_diamond:",
    "low": ":information_source:",
}


@dataclass(frozen=True, slots=True)
class Thread:
    """What an alert's notification is filed under: its id, keywords and thread (raw)."""

    severity: str
    audit_id: str
    cluster: str
    person: str
    rule_id: str
    outcome: str

    @classmethod
    def of(cls, alert: Filed) -> Thread:
        """The thread of an alert of any feed."""
        return cls(
            severity=str(alert.severity),
            audit_id=alert.audit_id,
            cluster=alert.location.cluster,
            person=alert.actor.display_name,
            rule_id=alert.rule.rule_id,
            outcome=alert.outcome,
        )


class Filed(Protocol):
    """What every feed's alert has that its chat notification is filed under."""

    @property
    def severity(self) -> Severity: ...

    @property
    def audit_id(self) -> str: ...

    @property
    def location(self) -> Location: ...

    @property
    def actor(self) -> Actor: ...

    @property
    def rule(self) -> RuleHit: ...

    @property
    def outcome(self) -> str: ...


def chat_message(
    about: Thread, *, title: str, text: str, next_steps: list[str], resources: list[str]
) -> dict[str, Any]:
    """The custom-notification envelope, threaded per cluster and person. `text` is markdown
    already safe for chat; everything else is made safe here."""
    emoji = _SEVERITY_EMOJI.get(about.severity, "")
    shown = chat_text(title)
    return {
        "version": "1.0",
        "source": "custom",
        "id": line(about.audit_id),
        "content": {
            "textType": "client-markdown",
            "title": f"{emoji} {shown}".strip(),
            "description": fitted(text),
            "nextSteps": [line(step) for step in next_steps],
            "keywords": [about.severity, chat_text(about.cluster), about.rule_id, about.outcome],
        },
        "metadata": {
            "threadId": line(f"{about.cluster}/{about.person}"),
            "summary": shown,
            "eventType": about.rule_id,
            "relatedResources": [chat_text(resource) for resource in resources],
            "additionalContext": {"auditID": chat_text(about.audit_id)},
        },
    }


def fitted(text: str) -> str:
    """At most CHAT_DESCRIPTION_LIMIT characters, cut between lines so no span is broken."""
    if len(text) <= CHAT_DESCRIPTION_LIMIT:
        return text
    kept: list[str] = []
    size = len(_TRUNCATED) + len("\n```")
    for row in text.split("\n"):
        if size + len(row) + 1 > CHAT_DESCRIPTION_LIMIT:
            break
        kept.append(row)
        size += len(row) + 1
    if kept.count("```") % 2:
        kept.append("```")  # a digest cut inside its code block: close it
    return "\n".join([*kept, _TRUNCATED.strip()])
