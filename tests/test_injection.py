"""Audit data cannot forge lines, hide text, move a terminal or reach anyone in chat.

Every field a requester controls (user and session names, groups, impersonation, namespace,
object name, exec command and container, user agent, source IPs, the auditID) and the
cluster and account names are set to adversarial strings; every renderer (email text and
Subject, digest text, JSON documents, chat notifications, SNS attributes, the PagerDuty
page and the CLI's printed output) must still produce the lines it would for a plain
value, with no control, separator, bidi, zero-width or invisible character, and in chat no
mention, Slack control sequence, link or code span the data opened.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import boto3
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_audit_bot import handler
from eks_audit_bot.cli.replay import PrintSink
from eks_audit_bot.core.alert import Location, RuleHit
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube import changes
from eks_audit_bot.kube.alert import Alert, Digest, DigestKind
from eks_audit_bot.kube.audit import event_from_dict
from eks_audit_bot.kube.digest import digest_subject, render_digest_text
from eks_audit_bot.kube.identity import actor_of
from eks_audit_bot.kube.text import alert_subject, render_text
from eks_audit_bot.output import message, pagerduty
from eks_audit_bot.output.route import Router
from eks_audit_bot.output.sns import Publisher
from eks_audit_bot.settings import HttpsFormat, Settings
from lambda_context import FakeContext
from support import REGION, Inbox, delivered, subscribed_queue, subscription_event
from test_pagerduty import ALARM_SCHEMA

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
PAGES = "arn:aws:sns:eu-west-1:111122223333:eks-pages"
CHAT = Settings(TOPIC, https_format=HttpsFormat.CHATBOT, pagerduty_topic_arn=PAGES)
ATOMS = [
    *("\n", "\r\n", "\r", "\x00", "\t", "\x0b", "\x0c", "\x1c", "\x7f", "\x85", "\x9b"),
    *("\x1b[2J", "\x1b[31m", "\x1b]8;;http://evil.example\x07", "\u2028", "\u2029"),
    *("\u202e", "\u2066", "\u061c", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad"),
    *("\ud800", "\udfff", "\U000e0041", "\u3164", "\u115f", "\u2800", "\ue000"),
    *("@here", "@channel", "@everyone", " @alice", "<!channel>", "<!here>", "<!subteam^S1>"),
    *("<@U123>", "<#C123>", "<http://evil.example|click>", "[click](http://evil.example)"),
    *("https://evil.example/x", "HTTP://EVIL", "www.evil.example", "mailto:a@b.c"),
    *("`", "```", "*", "_", "~", "&", "&lt;", ">", "<", "\\", "|", "]("),
    *("[CRITICAL] fake", "Subject: x", "é", "\uff43", " ", "x", "system:masters"),
]
adversarial = st.lists(
    st.one_of(st.sampled_from(ATOMS), st.text(min_size=1, max_size=3)), min_size=1, max_size=8
).map("".join)
examples = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_INVISIBLE = set("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
_MENTION = re.compile(r"(?<![A-Za-z0-9])@")
_CODE = re.compile(r"`[^`\n]*`")
_OUR_LINK = re.compile(r"https://eu-west-1\.console\.aws\.amazon\.com/cloudwatch/home\?\S+")


def raw_event(value: str, audit_id: str) -> dict[str, Any]:
    pairs = [("command", value), ("command", "sh"), ("container", value)]
    query = urlencode(pairs, errors="surrogatepass")
    path = quote(value, errors="surrogatepass")
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Request",
        "auditID": audit_id,
        "stage": "ResponseComplete",
        "requestURI": f"/api/v1/namespaces/{path}/pods/{path}/exec?{query}",
        "verb": "create",
        "user": {
            "username": "kubernetes-admin",
            "groups": [value, "system:authenticated"],
            "extra": {
                "arn": [f"arn:aws:sts::111122223333:assumed-role/{value}/{value}"],
                "canonicalArn": [f"arn:aws:iam::111122223333:role/{value}"],
                "sessionName": [value],
            },
        },
        "impersonatedUser": {"username": value, "groups": [value]},
        "sourceIPs": [value, "203.0.113.7"],
        "userAgent": value,
        "objectRef": {
            "resource": "pods",
            "namespace": value,
            "name": value,
            "subresource": "exec",
            "apiVersion": "v1",
        },
        "responseStatus": {"code": 101},
        "requestReceivedTimestamp": "2026-11-20T14:03:11.512345Z",
        "stageTimestamp": "2026-11-20T14:03:11.530123Z",
    }


def alert_with(value: str, audit_id: str | None = None) -> Alert:
    event = event_from_dict(raw_event(value, value if audit_id is None else audit_id))
    where = Location(value, f"/aws/eks/{value}/cluster", "111122223333", value, "eu-west-1")
    hit = RuleHit("exec-into-pod", "Exec or attach into a pod", Severity.HIGH, "Why.", "Do.")
    return Alert(event, actor_of(event), hit, where, changes.describe(event), client=value)


def digest_with(value: str, kind: DigestKind) -> Digest:
    return Digest(kind, (alert_with(value), alert_with(value, "second")), limit=1)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_one_printable_line(text: str) -> None:
    assert text.isprintable(), ascii(text)
    assert not _INVISIBLE.intersection(text), ascii(text)


def assert_lines(text: str, baseline: str) -> None:
    """As many lines as for a plain value; each of them printable."""
    assert len(text.splitlines()) == len(baseline.splitlines())
    assert text.count("\n") == baseline.count("\n")
    for row in text.split("\n"):
        assert_one_printable_line(row)


def assert_subject(subject: str) -> None:
    assert_one_printable_line(subject)
    assert subject.isascii()
    assert len(subject) <= 100


def assert_inert_in_chat(text: str) -> None:
    """No Slack control sequence, mention, markdown link, bare link or open code span; links
    only our own Logs Insights link, and (unrendered) in code."""
    assert "<" not in text
    assert ">" not in text
    assert not _MENTION.search(text), text
    in_block = False
    for row in _OUR_LINK.sub("", text).split("\n"):
        if row == "```":  # a digest's code fence, ours
            in_block = not in_block
            continue
        assert "`" not in row if in_block else row.count("`") % 2 == 0, row
        outside = "" if in_block else _CODE.sub("", row)
        assert "://" not in outside, row
        assert not re.search(r"(?i)\bwww\.", outside), row
        assert not re.search(r"(?<!\\)\]\(", outside), row


def chat_fields(chat: dict[str, Any]) -> list[str]:
    content, metadata = chat["content"], chat["metadata"]
    return [
        content["title"],
        content["description"],
        *content["keywords"],
        metadata["summary"],
        *metadata["relatedResources"],
        *metadata["additionalContext"].values(),
    ]


@examples
@given(adversarial)
def test_an_alert_is_safe_in_every_format(value: str) -> None:
    alert, plain = alert_with(value), alert_with("x")
    assert_lines(render_text(alert), render_text(plain))
    assert_subject(alert_subject(alert))
    outgoing = message.build(alert, CHAT)
    assert outgoing.size > 0  # encodable: no lone surrogate got through
    assert_subject(outgoing.subject)
    for name, attribute in outgoing.attributes.items():
        assert attribute, name
        assert len(attribute) <= 256
        assert_one_printable_line(attribute)
    for protocol in ("sqs", "lambda", "http", "email-json"):
        for text in strings(json.loads(delivered(outgoing.message, protocol))):
            assert_one_printable_line(text)
    assert_one_printable_line(delivered(outgoing.message, "sms"))
    chat, plain_chat = json.loads(delivered(outgoing.message, "https")), message.build(plain, CHAT)
    baseline = json.loads(delivered(plain_chat.message, "https"))["content"]["description"]
    assert_lines(chat["content"]["description"], baseline)
    for text in chat_fields(chat):
        assert_inert_in_chat(text)


@examples
@given(adversarial, st.sampled_from(DigestKind))
def test_a_digest_is_safe_in_every_format(value: str, kind: DigestKind) -> None:
    digest, plain = digest_with(value, kind), digest_with("x", kind)
    assert_lines(render_digest_text(digest), render_digest_text(plain))
    assert_subject(digest_subject(digest))
    built = message.build(digest, CHAT).message
    for text in strings(json.loads(delivered(built, "sqs"))):
        assert_one_printable_line(text)
    chat = json.loads(delivered(built, "https"))
    plain_chat = json.loads(delivered(message.build(plain, CHAT).message, "https"))
    assert_lines(chat["content"]["description"], plain_chat["content"]["description"])
    for text in chat_fields(chat):
        assert_inert_in_chat(text)


@examples
@given(adversarial)
def test_a_page_is_safe_and_keeps_the_documented_format(value: str) -> None:
    (page,) = pagerduty.pages([alert_with(value)], CHAT)
    assert_subject(page.subject)
    alarm = json.loads(json.loads(page.message)["default"])
    jsonschema.validate(alarm, ALARM_SCHEMA)
    assert page.subject.startswith("ALARM: ")
    for text in strings(alarm):
        assert_one_printable_line(text)


@examples
@given(adversarial)
def test_the_cli_prints_what_subscribers_get_and_nothing_else(value: str) -> None:
    alert, plain = alert_with(value), alert_with("x")
    printed, baseline = io.StringIO(), io.StringIO()
    PrintSink(printed).publish([message.build(alert, CHAT)])
    PrintSink(baseline).publish([message.build(plain, CHAT)])
    assert_lines(printed.getvalue(), baseline.getvalue())


# ---- one defusing for every renderer, through the handler and SNS ----

# The same hostile strings for every renderer: links (markdown, bare, `www.`, Slack's form),
# mentions and Slack control sequences, chat markup, and control characters.
HOSTILE = [
    "[Approved - click to acknowledge](https://evil.example/ack)",
    "https://evil.example/x",
    "HTTP://EVIL.EXAMPLE",
    "www.evil.example",
    "<http://evil.example|click here>",
    "@here",
    "@channel please approve",
    "<!channel>",
    "<!here>",
    "<@U024BE7LH>",
    "<#C0123>",
    "*urgent* _now_ ~no~ `rm -rf` ```",
    "\x1b]8;;http://evil.example\x07ok\x1b]8;;\x07",
    "x\nSeverity: low\r\nRule: none\u2028",
    "\u202eevil\u200b",
]
_ANY_LINK = re.compile(r"(?i)://|\bwww\.|\]\(")
_OUR_CONSOLE = re.compile(r"https://eu-west-1\.console\.aws\.amazon\.com/\S+")
_CONTROL_SEQUENCE = re.compile(r"(?i)<(?:[!@#]|[a-z][a-z0-9+.-]*:)")
PAGE_TAP = "eks-pages-tap"


class Recording:
    """The function's SNS client: keeps each entry it publishes (the `MessageStructure=json`
    message SNS splits per protocol) and passes it on to moto."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.entries: list[dict[str, Any]] = []

    def publish_batch(self, **request: Any) -> dict[str, Any]:
        self.entries += request["PublishBatchRequestEntries"]
        return self.client.publish_batch(**request)


def denied_secret_read(value: str) -> dict[str, Any]:
    """A refused read of a secret whose name, the session and the user agent are `value`."""
    event = raw_event(value, "9d3c7a52-hostile")
    event.update(
        verb="get",
        requestURI=f"/api/v1/namespaces/payments/secrets/{quote(value, safe='')}",
        objectRef={"resource": "secrets", "namespace": "payments", "name": value},
        responseStatus={"code": 403},
        annotations={"authorization.k8s.io/decision": "forbid"},
    )
    del event["impersonatedUser"]
    return event


@pytest.fixture
def inbox(shared_inbox: Inbox) -> Inbox:
    """The module's tests share one moto state: each publishes, then reads what arrived."""
    return shared_inbox


def publish_through_the_handler(value: str, inbox: Inbox, monkeypatch: Any) -> Recording:
    """One hostile request through the handler with chat and paging on; the alert topic's
    and the page topic's SQS subscribers receive what SNS delivers."""
    page_inbox = subscribed_queue("eks-pages", PAGE_TAP)
    page_inbox.received()  # the module's tests share one moto state (`shared_inbox`)
    pages, sns = page_inbox.topic_arn, boto3.client("sns", region_name=REGION)
    monkeypatch.setenv("HTTPS_FORMAT", "chatbot")
    monkeypatch.setenv("PAGERDUTY_TOPIC_ARN", pages)
    monkeypatch.setenv("PAGERDUTY_MIN_SEVERITY", "low")
    recording = Recording(sns)
    real = handler.runtime()
    router = Router(Publisher(recording, inbox.topic_arn), {pages: Publisher(recording, pages)})
    monkeypatch.setattr(handler, "runtime", cache(lambda: real._replace(publisher=router)))
    case = {
        "logGroup": "/aws/eks/prod/cluster",
        "logStream": "kube-apiserver-audit-1f2e3d",
        "events": [denied_secret_read(value)],
    }
    handler.lambda_handler(subscription_event(case), FakeContext())
    assert len(recording.entries) == 2, "one alert and one page"
    return recording


def assert_defused(text: str) -> None:
    """No link, mention, Slack control sequence or control character of the data; our own
    console links are the only links."""
    for row in _OUR_CONSOLE.sub("", text).split("\n"):
        assert_one_printable_line(row)
        assert not _ANY_LINK.search(row), row
        assert not _MENTION.search(row), row
        assert not _CONTROL_SEQUENCE.search(row), row


def alert_entry(recording: Recording) -> dict[str, Any]:
    (entry,) = [entry for entry in recording.entries if "ALARM" not in entry["Subject"]]
    return entry


@pytest.mark.parametrize("value", HOSTILE)
def test_email_text_defuses_links_and_mentions(value: str, inbox: Inbox, monkeypatch: Any) -> None:
    entry = alert_entry(publish_through_the_handler(value, inbox, monkeypatch))
    email = delivered(entry["Message"], "email")
    assert_defused(email)
    assert "Find it in CloudWatch Logs Insights:\nhttps://eu-west-1.console" in email


@pytest.mark.parametrize("value", HOSTILE)
def test_the_json_document_defuses_links_and_mentions(
    value: str, inbox: Inbox, monkeypatch: Any
) -> None:
    publish_through_the_handler(value, inbox, monkeypatch)
    (notification,) = inbox.received()
    document = json.loads(notification["Message"])
    links = document.pop("links")
    assert links["logs_insights"].startswith("https://eu-west-1.console.aws.amazon.com/")
    for text in strings(document):
        assert_defused(text)


@pytest.mark.parametrize("value", HOSTILE)
def test_chat_defuses_links_and_mentions_in_title_text_and_code(
    value: str, inbox: Inbox, monkeypatch: Any
) -> None:
    entry = alert_entry(publish_through_the_handler(value, inbox, monkeypatch))
    chat = json.loads(delivered(entry["Message"], "https"))
    for text in chat_fields(chat):
        assert_defused(text)
        assert_inert_in_chat(text)
    assert "<" not in json.dumps(chat["content"]["nextSteps"][:1])  # the runbook


@pytest.mark.parametrize("value", HOSTILE)
def test_the_page_defuses_links_and_mentions(value: str, inbox: Inbox, monkeypatch: Any) -> None:

    publish_through_the_handler(value, inbox, monkeypatch)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=PAGE_TAP)["QueueUrl"]
    (received,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    notification = json.loads(received["Body"])
    assert_subject(notification["Subject"])
    assert_defused(notification["Subject"])
    alarm = json.loads(notification["Message"])
    jsonschema.validate(alarm, ALARM_SCHEMA)
    for text in strings(alarm):
        assert_defused(text)


@pytest.mark.parametrize("value", HOSTILE)
def test_the_subject_and_sms_defuse_links_and_mentions(
    value: str, inbox: Inbox, monkeypatch: Any
) -> None:
    entry = alert_entry(publish_through_the_handler(value, inbox, monkeypatch))
    (notification,) = inbox.received()
    for text in (notification["Subject"], delivered(entry["Message"], "sms")):
        assert_subject(text)
        assert_defused(text)
