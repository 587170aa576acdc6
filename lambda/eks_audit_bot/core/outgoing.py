"""A message ready for SNS: what rendering produces and delivery sends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Outgoing:
    subject: str
    message: str
    attributes: Mapping[str, str]
    audit_id: str
    # The topic it goes to; empty means the alert topic (SNS_TOPIC_ARN).
    topic_arn: str = ""
    # What a FIFO topic deduplicates on: a digest of the alert's action identity (the dedup
    # ledger's key), so two different actions never share it. Worked out only for a FIFO alert
    # topic (`Settings.fifo_topic`); empty otherwise, and for a message not rendered from an
    # alert (a FIFO topic then gets the auditID and Subject).
    dedup_id: str = ""

    @property
    def size(self) -> int:
        """Bytes SNS counts against its limit: body, attribute names, types and values."""
        attrs = sum(
            len(k.encode()) + len(v.encode()) + len("String") for k, v in self.attributes.items()
        )
        return len(self.message.encode()) + len(self.subject.encode()) + attrs
