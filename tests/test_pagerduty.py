"""PagerDuty pages, checked against the format PagerDuty's Amazon CloudWatch integration reads.

Documents the assertions come from:
- PagerDuty, Amazon CloudWatch integration guide (SNS topic, HTTPS subscription to
  `https://events.pagerduty.com/integration/<key>/enqueue`, confirmed by PagerDuty):
  https://www.pagerduty.com/docs/guides/aws-cloudwatch-integration-guide/
- How that integration parses a notification published by something other than CloudWatch:
  the Subject must start with `ALARM: ` and that state must equal the body's `NewStateValue`,
  the body must be strict JSON, other fields are kept and shown:
  http://cetinich.net/content/2022/cloudwatch-pagerduty-sns/
- The CloudWatch alarm notification body (`AlarmName`, `AlarmDescription`, `AWSAccountId`,
  `NewStateValue`, `NewStateReason`, `StateChangeTime`, `Region`, `OldStateValue`), as AWS's
  own Lambda library types it (events.CloudWatchAlarmSNSPayload):
  https://github.com/aws/aws-lambda-go/blob/main/events/sns.go
  with the limits of CloudWatch alarms (name ≤ 255, description ≤ 1024, reason ≤ 1023):
  https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
- The SNS HTTPS envelope PagerDuty receives (`Type`, `Subject`, `Message`, ...):
  https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
- PagerDuty's event fields (PD-CEF), for Event Orchestration rules: `severity` one of
  critical, error, warning, info; `summary` ≤ 1024 characters; `dedup_key` ≤ 255:
  https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import jsonschema
import pytest

from eks_audit_bot import handler
from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import noise
from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.pipeline import process
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output import pagerduty
from eks_audit_bot.output.route import Router
from eks_audit_bot.output.sns import Publisher, PublishError
from eks_audit_bot.settings import ConfigError, Settings
from lambda_context import FakeContext
from support import REGION, Inbox, case_messages, load_case, subscribed_queue, subscription_event

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
PAGES = "arn:aws:sns:eu-west-1:111122223333:eks-pages"
LOCATION = Location("prod-eu", "/aws/eks/prod-eu/cluster", "111122223333", "prod", "eu-west-1")
BINDING = "iam-user-kubernetes-admin-create-clusterrolebinding"

# The body PagerDuty's CloudWatch integration reads, from the documents above.
ALARM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "AlarmName",
        "AlarmDescription",
        "AWSAccountId",
        "NewStateValue",
        "NewStateReason",
        "StateChangeTime",
        "Region",
        "OldStateValue",
        "summary",
        "severity",
        "source",
        "dedup_key",
    ],
    "properties": {
        "AlarmName": {"type": "string", "minLength": 1, "maxLength": 255},
        "AlarmDescription": {"type": "string", "maxLength": 1024},
        "AWSAccountId": {"type": "string"},
        "NewStateValue": {"const": "ALARM"},
        "NewStateReason": {"type": "string", "minLength": 1, "maxLength": 1023},
        "StateChangeTime": {
            "type": "string",
            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$",
        },
        "Region": {"type": "string"},
        "OldStateValue": {"enum": ["OK", "INSUFFICIENT_DATA"]},
        "summary": {"type": "string", "minLength": 1, "maxLength": 1024},
        "severity": {"enum": ["critical", "error", "warning", "info"]},
        "source": {"type": "string", "minLength": 1},
        "dedup_key": {"type": "string", "minLength": 1, "maxLength": 255},
        "custom_details": {"type": "object"},
    },
}


def settings(**overrides: Any) -> Settings:
    return Settings(TOPIC, pagerduty_topic_arn=PAGES, **overrides)


def binding_event(**changes: Any) -> dict[str, Any]:
    event = json.loads(case_messages(load_case(BINDING))[0])
    event.update(changes)
    return event


def alerts(
    events: list[dict[str, Any]], config: Settings, where: Location = LOCATION
) -> list[Alert]:
    records = [(str(index), json.dumps(event)) for index, event in enumerate(events)]
    return process(records, where, config, RuleCatalog.load(config)).alerts


def rated_as(alert: Alert, severity: Severity) -> Alert:
    return alert._replace(rule=alert.rule._replace(severity=severity))


def alarm_of(page: Outgoing) -> dict[str, Any]:
    body = json.loads(page.message)
    assert set(body) == {"default"}  # the same body for every protocol
    alarm: dict[str, Any] = json.loads(body["default"])
    return alarm


def assert_documented(page: Outgoing) -> dict[str, Any]:
    """Subject and body as PagerDuty's CloudWatch integration reads them."""
    alarm = alarm_of(page)
    jsonschema.validate(alarm, ALARM_SCHEMA)
    assert page.subject.startswith(f"{alarm['NewStateValue']}: ")
    assert page.subject.isascii()
    assert page.subject.isprintable()
    assert len(page.subject) <= 100
    assert alarm["dedup_key"] in alarm["AlarmName"]  # the incident key survives any cut
    return alarm


def test_a_critical_alert_pages_in_the_cloudwatch_alarm_format() -> None:
    config = settings()
    (page,) = pagerduty.pages(alerts([binding_event()], config), config)
    alarm = assert_documented(page)
    assert page.topic_arn == PAGES
    assert page.subject == (
        'ALARM: "[CRITICAL] bob created clusterrolebindings bob-admin in prod-eu" in eu-west-1'
    )
    assert alarm["severity"] == "critical"
    assert alarm["source"] == "prod-eu"
    assert alarm["class"] == "binding-privileged-role"
    assert alarm["StateChangeTime"] == "2026-11-20T14:03:11.512+0000"
    assert alarm["dedup_key"].startswith(
        "prod-eu/0b7d9c1e-2f3a-4b5c-8d6e-7f8091a2b3c4/binding-privileged-role/"
    )
    assert alarm["custom_details"]["actor"] == "bob"
    assert alarm["custom_details"]["changes"] == [
        "role: ClusterRole cluster-admin",
        "subjects: User bob",
    ]
    assert page.attributes["severity"] == "critical"


@pytest.mark.parametrize(
    ("severity", "expected"),
    [("critical", "critical"), ("high", "error"), ("medium", "warning"), ("low", "info")],
)
def test_severity_maps_to_pagerduty_severity(severity: str, expected: str) -> None:
    config = settings(pagerduty_min_severity=Severity.LOW)
    (alert,) = alerts([binding_event()], config)
    rated = rated_as(alert, Severity(severity))
    (page,) = pagerduty.pages([rated], config)
    alarm = assert_documented(page)
    assert alarm["severity"] == expected
    assert alarm["summary"].startswith(f"[{severity.upper()}] ")


def test_only_alerts_at_or_above_the_minimum_page() -> None:
    config = settings()
    found = [rated_as(alert, Severity.MEDIUM) for alert in alerts([binding_event()], config)]
    assert found
    assert pagerduty.pages(found, config) == []
    assert len(pagerduty.pages(found, settings(pagerduty_min_severity=Severity.MEDIUM))) == 1
    assert pagerduty.pages(found, Settings(TOPIC, pagerduty_min_severity=Severity.LOW)) == []


def test_a_retried_batch_is_the_same_incident_and_every_other_action_its_own() -> None:
    config = settings()
    first = alarm_of(pagerduty.pages(alerts([binding_event()], config), config)[0])
    again = alarm_of(pagerduty.pages(alerts([binding_event()], config), config)[0])
    assert again["AlarmName"] == first["AlarmName"]
    assert again["dedup_key"] == first["dedup_key"]
    # The same client-chosen auditID on another request: another incident.
    other = copy.deepcopy(binding_event())
    other["objectRef"]["name"] = "quiet-admin"
    other["requestObject"]["metadata"]["name"] = "quiet-admin"
    other["requestReceivedTimestamp"] = "2026-11-20T14:09:00.000000Z"
    reused = alarm_of(pagerduty.pages(alerts([other], config), config)[0])
    assert reused["custom_details"]["audit_id"] == first["custom_details"]["audit_id"]
    assert reused["dedup_key"] != first["dedup_key"]
    assert reused["AlarmName"] != first["AlarmName"]
    # The same action seen in another cluster.
    staging = Location("staging", "/aws/eks/staging/cluster", "111122223333", "", "eu-west-1")
    elsewhere = alarm_of(pagerduty.pages(alerts([binding_event()], config, staging), config)[0])
    assert elsewhere["dedup_key"] != first["dedup_key"]


def test_absurd_names_still_fit_the_documented_limits() -> None:
    config = settings()
    event = binding_event(auditID="a" * 5000, userAgent="x" * 100_000)
    event["user"]["username"] = "kubernetes-admin"
    event["user"]["extra"]["sessionName"] = ["é\n" * 3000]
    event["objectRef"]["name"] = "n" * 3000
    where = Location("c" * 300, "/aws/eks/x/cluster", "111122223333", "", "eu-west-1")
    (page,) = pagerduty.pages(alerts([event], config, where), config)
    alarm = assert_documented(page)
    assert len(alarm["AlarmName"]) <= 255
    assert len(alarm["summary"]) <= 1024
    assert len(alarm["custom_details"]["user_agent"]) <= 1024
    assert page.size < 64 * 1024
    assert "\n" not in alarm["summary"]
    assert "\\n" in alarm["summary"]


def test_a_digest_pages_once_with_its_own_key() -> None:
    config = settings(rule_severities={"binding-privileged-role": Severity.HIGH})
    events = []
    for index in range(8):
        event = copy.deepcopy(binding_event(auditID=f"0b7d9c1e-2f3a-4b5c-8d6e-{index:012d}"))
        event["objectRef"]["name"] = f"admin-{index}"
        events.append(event)
    folded = noise.fold(alerts(events, config), config)
    assert len(folded) == 1
    (page,) = pagerduty.pages(folded, config)
    alarm = assert_documented(page)
    assert alarm["severity"] == "error"
    assert alarm["dedup_key"].endswith("/digest-repeated")
    assert alarm["custom_details"]["digest"] == {"kind": "repeated", "count": 8}
    assert "8 clusterrolebindings" in alarm["summary"]


def test_page_topic_settings_are_checked_at_cold_start() -> None:
    env = {"SNS_TOPIC_ARN": TOPIC, "PAGERDUTY_TOPIC_ARN": PAGES + ".fifo"}
    with pytest.raises(ConfigError, match="PAGERDUTY_TOPIC_ARN"):
        Settings.from_env(env)
    with pytest.raises(ConfigError, match="PAGERDUTY_MIN_SEVERITY"):
        Settings.from_env({"SNS_TOPIC_ARN": TOPIC, "PAGERDUTY_MIN_SEVERITY": "urgent"})
    loaded = Settings.from_env({**env, "PAGERDUTY_TOPIC_ARN": PAGES})
    assert loaded.pagerduty_topic_arn == PAGES
    assert loaded.pagerduty_min_severity == "high"


# ---- through the handler, as PagerDuty's HTTPS subscription would receive it ----


@pytest.fixture
def pager(inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> Inbox:
    """A second topic with an SQS tap: SQS gets the same SNS envelope an HTTPS endpoint does."""
    pages = subscribed_queue("eks-pages", "eks-pages-tap")
    monkeypatch.setenv("PAGERDUTY_TOPIC_ARN", pages.topic_arn)
    return pages


class FakePagerDuty(BaseHTTPRequestHandler):
    """Stands in for the integration endpoint: keeps what SNS POSTs, answers 202 like it."""

    received: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((dict(self.headers), body))
        self.send_response(202)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@pytest.fixture
def pagerduty_endpoint(pager: Inbox) -> Iterator[list[tuple[dict[str, str], bytes]]]:
    """An HTTP endpoint on 127.0.0.1 subscribed to the page topic, as PagerDuty's would be."""
    received: list[tuple[dict[str, str], bytes]] = []
    handler_class = type("Endpoint", (FakePagerDuty,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler_class)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sns = boto3.client("sns", region_name=REGION)
        endpoint = f"http://127.0.0.1:{server.server_port}/integration/{'0' * 32}/enqueue"
        sns.subscribe(TopicArn=pager.topic_arn, Protocol="http", Endpoint=endpoint)
        yield received
    finally:
        server.shutdown()
        server.server_close()


def test_pagerduty_receives_the_sns_envelope_it_parses(
    inbox: Inbox, pagerduty_endpoint: list[tuple[dict[str, str], bytes]]
) -> None:
    """The POST body SNS sends an HTTP(S) subscriber: Type, MessageId, TopicArn, Subject,
    Message, Timestamp and the signature fields; Subject and Message as PagerDuty reads them."""
    case = {**load_case(BINDING), "events": [json.dumps(binding_event())]}
    handler.lambda_handler(subscription_event(case), FakeContext())
    (posted,) = pagerduty_endpoint
    envelope = json.loads(posted[1])
    assert envelope["Type"] == "Notification"
    assert {"MessageId", "TopicArn", "Subject", "Message", "Timestamp", "Signature"} <= set(
        envelope
    )
    alarm = json.loads(envelope["Message"])
    jsonschema.validate(alarm, ALARM_SCHEMA)
    assert envelope["Subject"] == (
        'ALARM: "[CRITICAL] bob created clusterrolebindings bob-admin in prod-eu" in eu-west-1'
    )
    assert envelope["Subject"].startswith(f"{alarm['NewStateValue']}: ")
    assert alarm["AlarmName"].endswith(f"| {alarm['dedup_key']}")
    assert len(inbox.received()) == 1  # the alert itself, on the alert topic


def test_the_handler_pages_pagerduty_and_alerts_everyone_else(inbox: Inbox, pager: Inbox) -> None:
    case = {**load_case(BINDING), "events": [json.dumps(binding_event())]}
    case["events"] += case_messages(load_case("sso-access-entry-delete-secret"))  # medium
    result = handler.lambda_handler(subscription_event(case), FakeContext())
    alerts_seen, pages_seen = inbox.received(), pager.received()
    assert result["alerts"] == 3  # two alerts, one page
    assert len(alerts_seen) == 2
    assert all(not note["Subject"].startswith("ALARM: ") for note in alerts_seen)
    (envelope,) = pages_seen
    assert envelope["Type"] == "Notification"
    assert envelope["TopicArn"] == pager.topic_arn
    alarm = json.loads(envelope["Message"])
    jsonschema.validate(alarm, ALARM_SCHEMA)
    assert envelope["Subject"].startswith(f"{alarm['NewStateValue']}: ")
    assert alarm["severity"] == "critical"
    assert envelope["MessageAttributes"]["severity"]["Value"] == "critical"


def test_a_page_that_cannot_be_published_fails_the_invocation(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = f"arn:aws:sns:{REGION}:123456789012:no-such-topic"
    monkeypatch.setenv("PAGERDUTY_TOPIC_ARN", missing)
    case = {**load_case(BINDING), "events": [json.dumps(binding_event())]}
    with pytest.raises(PublishError):
        handler.lambda_handler(subscription_event(case), FakeContext())
    assert len(inbox.received()) == 1  # the alert itself went out; Lambda retries the batch


def test_a_message_for_a_topic_without_publisher_is_a_failure_not_a_misdelivery(
    inbox: Inbox,
) -> None:
    main = Publisher(boto3.client("sns", region_name=REGION), inbox.topic_arn)
    stray = Outgoing("s", json.dumps({"default": "x"}), {"severity": "high"}, "id", PAGES)
    report = Router(main).publish([stray])
    assert report.published == 0
    assert [failure.code for failure in report.failures] == ["NoPublisher"]
    assert inbox.received() == []
