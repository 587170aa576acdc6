"""Every fixture case through the real handler into a moto SNS topic, read back from SQS.

The snapshot holds what subscribers receive: Subject, message attributes, the JSON document
(queues and webhooks) and the email text. Review snapshot diffs like code.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto.sns.models import sns_backends

from eks_audit_bot import handler
from lambda_context import FakeContext
from support import ACCOUNT, REGION, Inbox, case_names, load_case, subscription_event


def delivered(inbox: Inbox) -> list[dict[str, Any]]:
    """Each notification as subscribers see it: email text beside the SQS envelope."""
    topic = sns_backends[ACCOUNT][REGION].topics[inbox.topic_arn]
    emails = {
        subject: json.loads(body)["email"] for _, body, subject, _, _ in topic.sent_notifications
    }
    return [
        {
            "subject": note["Subject"],
            "attributes": {k: v["Value"] for k, v in sorted(note["MessageAttributes"].items())},
            "document": json.loads(note["Message"]),
            "email": emails[note["Subject"]],
        }
        for note in inbox.received()
    ]


@pytest.mark.parametrize("name", case_names())
def test_case_renders_the_expected_alerts(name: str, inbox: Inbox, snapshot: Any) -> None:
    result = handler.lambda_handler(subscription_event(load_case(name)), FakeContext())
    notifications = delivered(inbox)
    assert result["alerts"] == len(notifications)
    for note in notifications:
        assert len(note["subject"]) <= 100
        assert note["subject"].isascii()
        assert note["subject"].isprintable()
        assert "ASIA" not in json.dumps(note)
        assert "AKIA" not in json.dumps(note)
    assert {"result": result, "notifications": notifications} == snapshot
