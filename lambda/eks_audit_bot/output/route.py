"""Messages to their topics: alerts to the alert topic, pages to the PagerDuty topic.

Each topic has its own publisher (and client, in the topic's region); a message whose
`topic_arn` has no publisher is reported as a failure rather than sent somewhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.output.sns import Failure, Publisher, Report


@dataclass(frozen=True, slots=True)
class Router:
    main: Publisher
    by_topic: Mapping[str, Publisher] = field(default_factory=dict)

    def publish(self, messages: Sequence[Outgoing]) -> Report:
        """Publish each group with its topic's publisher, alerts first, and add up the reports."""
        groups: dict[str, list[Outgoing]] = {}
        for message in messages:
            groups.setdefault(message.topic_arn, []).append(message)
        report = Report()
        for topic, group in groups.items():
            publisher = self.by_topic.get(topic) if topic else self.main
            if publisher is None:
                detail = f"no publisher for topic {topic}"
                report.failures += [Failure(message, "NoPublisher", detail) for message in group]
                continue
            part = publisher.publish(group)
            report.published += part.published
            report.failures += part.failures
        return report
