"""Each rendering of one critical alert and of a digest, and the JSON schema they promise."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from eks_audit_bot import handler
from eks_audit_bot.core.alert import Location
from eks_audit_bot.kube import noise
from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.pipeline import process
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output import message
from eks_audit_bot.settings import HttpsFormat, Settings
from lambda_context import FakeContext
from support import case_messages, case_names, delivered, load_case, subscription_event

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "lambda/eks_audit_bot/output/schema/alert.schema.json").read_text()
)
TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
LOCATION = Location("prod-eu", "/aws/eks/prod-eu/cluster", "111122223333", "prod", "eu-west-1")


def alerts(lines: list[str], settings: Settings) -> list[Alert]:
    records = [(str(index), line) for index, line in enumerate(lines)]
    return process(records, LOCATION, settings, RuleCatalog.load(settings)).alerts


def variants(item: Alert | noise.Digest, settings: Settings) -> dict[str, Any]:
    outgoing = message.build(item, settings)
    return {
        "subject": outgoing.subject,
        "attributes": dict(outgoing.attributes),
        "email": delivered(outgoing.message, "email"),
        "sqs": json.loads(delivered(outgoing.message, "sqs")),
        "https": json.loads(delivered(outgoing.message, "https")),
    }


def secret_deletions(count: int) -> list[str]:
    template = json.loads(case_messages(load_case("sso-access-entry-delete-secret"))[0])
    lines = []
    for index in range(count):
        event = copy.deepcopy(template)
        event["auditID"] = f"4f1c2a9e-6b1d-4c55-9a57-{index:012d}"
        event["objectRef"]["name"] = f"token-{index:02d}"
        event["requestURI"] = f"/api/v1/namespaces/payments/secrets/token-{index:02d}"
        lines.append(json.dumps(event))
    return lines


def test_a_critical_alert_in_every_format(snapshot: Any) -> None:
    settings = Settings(TOPIC, https_format=HttpsFormat.CHATBOT)
    case = load_case("iam-user-kubernetes-admin-create-clusterrolebinding")
    (alert,) = alerts(case_messages(case), settings)
    rendered = variants(alert, settings)
    assert rendered["https"]["source"] == "custom"
    assert rendered["https"]["metadata"]["threadId"] == "prod-eu/bob"
    assert rendered["sqs"]["severity"] == "critical"
    assert rendered == snapshot


def test_https_subscribers_get_the_json_document_unless_chat_is_chosen() -> None:
    settings = Settings(TOPIC)
    (alert,) = alerts(case_messages(load_case("sso-access-entry-delete-secret")), settings)
    rendered = variants(alert, settings)
    assert rendered["https"] == rendered["sqs"]


def test_twenty_five_deletions_fold_into_one_digest(snapshot: Any) -> None:
    settings = Settings(TOPIC)
    folded = noise.fold(alerts(secret_deletions(25), settings), settings)
    assert len(folded) == 1
    rendered = variants(folded[0], settings)
    assert rendered["subject"].startswith("[MEDIUM] prod-eu: alice@example.com deleted 25 secrets")
    assert rendered["sqs"]["summary"].endswith(": token-00, token-01, token-02, … and 22 more")
    assert rendered["sqs"]["count"] == 25
    assert rendered["attributes"]["digest"] == "repeated"
    jsonschema.validate(rendered["sqs"], SCHEMA)
    assert rendered == snapshot


def test_the_handler_publishes_one_message_for_twenty_five_deletions(inbox: Any) -> None:
    case = {**load_case("sso-access-entry-delete-secret"), "events": secret_deletions(25)}
    result = handler.lambda_handler(subscription_event(case), FakeContext())
    notes = inbox.received()
    assert result["alerts"] == 1
    assert len(notes) == 1
    assert json.loads(notes[0]["Message"])["count"] == 25


@pytest.mark.parametrize("name", case_names())
def test_every_document_validates_against_the_published_schema(name: str) -> None:
    settings = Settings(TOPIC)
    for alert in alerts(case_messages(load_case(name)), settings):
        jsonschema.validate(variants(alert, settings)["sqs"], SCHEMA)


def test_an_overflow_digest_validates_and_keeps_the_most_severe_alerts_single() -> None:
    settings = Settings(TOPIC, max_alerts_per_invocation=3, digest_threshold=100)
    lines = secret_deletions(4) + case_messages(
        load_case("iam-user-kubernetes-admin-create-clusterrolebinding")
    )
    folded = noise.fold(alerts(lines, settings), settings)
    assert len(folded) == 3
    assert any(isinstance(item, Alert) and item.severity == "critical" for item in folded)
    digest = variants(folded[-1], settings)["sqs"]
    assert digest["digest_kind"] == "overflow"
    jsonschema.validate(digest, SCHEMA)


def test_a_huge_change_list_still_fits_in_one_sns_message() -> None:
    settings = Settings(TOPIC)
    (alert,) = alerts(case_messages(load_case("sso-access-entry-delete-secret")), settings)
    bloated = Alert(
        alert.event, alert.actor, alert.rule, alert.location, changes=("x" * 1000,) * 400
    )
    outgoing = message.build(bloated, settings)
    assert outgoing.size < 256 * 1024
    jsonschema.validate(json.loads(delivered(outgoing.message, "sqs")), SCHEMA)
