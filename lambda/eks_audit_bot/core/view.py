"""The alert view: what every alert kind (an audit-log alert, a digest of them, an AWS API call
or alarm alert, and any later feed's) tells rendering and delivery. `output/` and `flow` read
alerts only through it, so they never ask which kind they hold and never import a feed; each
kind implements it in its feed by delegating to the feed's own renderers.

Every value a view returns is raw (caller or audit data unmasked): each renderer in `output/`
makes it safe for its format, as `output.safety` says.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any, Protocol, Self

from eks_audit_bot.core.severity import Severity

# Where an alert came from: the `source` message attribute and the document's `alert_source`.
AUDIT_LOG = "audit-log"
CLOUDTRAIL = "cloudtrail"
HEALTH = "health"


class Page:
    """What a PagerDuty page says: the CloudWatch alarm notification PagerDuty reads (its
    `summary` and `NewStateValue` make the Subject), the message attributes (raw values) and
    the region the Subject names."""

    __slots__ = ("alarm", "attributes", "region")

    def __init__(self, alarm: dict[str, Any], attributes: dict[str, str], region: str) -> None:
        self.alarm = alarm
        self.attributes = attributes
        self.region = region


class AlertView(Protocol):
    """One alert or digest as rendering and delivery see it."""

    @property
    def severity(self) -> Severity: ...

    @property
    def audit_id(self) -> str:
        """The id of the request or event the outgoing message carries (a digest's lead's)."""
        ...

    @property
    def alerts(self) -> tuple[AlertView, ...]:
        """The alerts it stands for, each claimed and settled in the ledger: itself, or a
        digest's members."""
        ...

    @property
    def resolves(self) -> bool:
        """A recovery that resolves the incident its page opened: paged whatever its
        severity."""
        ...

    def subject(self) -> str:
        """The SNS Subject (and the SMS body): printable ASCII, one line, ≤ 100 characters."""
        ...

    def text(self) -> str:
        """The email body."""
        ...

    def document(self) -> dict[str, Any]:
        """The JSON document (`default` body), every string already made safe."""
        ...

    def chat(self) -> dict[str, Any]:
        """Amazon Q Developer in chat applications' custom notification, already inert."""
        ...

    def attribute_values(self) -> dict[str, str]:
        """The message attributes filter policies match on, raw (an empty value is left
        out by the renderer: SNS rejects it)."""
        ...

    def page(self) -> Page:
        """The PagerDuty page's content."""
        ...

    def least_size(self) -> int:
        """A lower bound of the rendered message's size, known without rendering it."""
        ...

    def smaller(self) -> Iterator[tuple[Self, str]]:
        """Ever smaller versions of itself (its largest fields shortened first), each with a
        note saying what that step cut."""
        ...

    def identity(self) -> dict[str, str]:
        """What makes its action this action and no other (the dedup ledger's key and the
        FIFO deduplication id): equal for a re-delivery and for the stages of one request,
        different for any two actions, whatever a client chose to repeat."""
        ...


def identity_key(identity: Mapping[str, str]) -> str:
    """A fixed-length digest of an identity (a FIFO topic's deduplication id: ≤ 128 chars)."""
    text = json.dumps(identity, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
