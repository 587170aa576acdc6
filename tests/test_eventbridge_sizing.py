"""An AWS API call too big for one SNS message still alerts: its largest fields shortened, each
named in the document's `shortened`, the rule and severity kept (`aws/fields.py`)."""

from __future__ import annotations

import copy
import json
from typing import Any

from eks_audit_bot import handler
from lambda_context import FakeContext
from support import Inbox, load_eventbridge_case

SNS_REQUEST_LIMIT = 256 * 1024
PERSON = "alice@example.com"
SESSION = PERSON + "-x" * 40_000  # what a forged or replayed record may claim
USER_AGENT = "aws-cli/2.17.4 " + "A" * 300_000


def bloated() -> dict[str, Any]:
    """The SSO user's cluster-admin grant with a huge user agent and session name."""
    event = copy.deepcopy(load_eventbridge_case("sso-user-grants-cluster-admin")["event"])
    detail = event["detail"]
    detail["userAgent"] = USER_AGENT
    identity = detail["userIdentity"]
    for key in ("arn", "principalId"):
        identity[key] = identity[key].replace(PERSON, SESSION)
    return event


def test_a_call_too_big_for_one_sns_message_alerts_with_its_largest_fields_shortened(
    inbox: Inbox,
) -> None:
    assert handler.lambda_handler(bloated(), FakeContext())["alerts"] == 1
    (note,) = inbox.received()
    attributes = {name: value["Value"] for name, value in note["MessageAttributes"].items()}
    assert (attributes["rule"], attributes["severity"]) == ("eks-cluster-admin-granted", "critical")
    assert len(json.dumps(note).encode()) <= SNS_REQUEST_LIMIT
    document = json.loads(note["Message"])
    assert {note.split(":")[0] for note in document["shortened"]} >= {
        "user agent",
        "person",
        "session",
    }
    assert document["source"]["user_agent"] == USER_AGENT[:1023] + "…"
    actor = document["actor"]
    assert actor["display_name"] == actor["session_name"] == SESSION[:1023] + "…"
