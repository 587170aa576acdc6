"""One unreadable log event never costs the rest of the batch, and nothing goes unaccounted.

A property test mutates realistic events (fields deleted or of the wrong type, lone
surrogates, absurd timestamps, lines cut anywhere, messages that are not text) and runs them
through the handler beside an untouched critical event: the handler never raises, the
critical alert always goes out, every event is an alert, a drop or a skip, and skip logs never
repeat what was in the event.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_audit_bot import flow, handler
from eks_audit_bot.core.outgoing import Outgoing
from eks_audit_bot.kube.audit import TRUNCATION_MARKER
from eks_audit_bot.kube.cloudwatch import encode_payload
from eks_audit_bot.kube.pipeline import process
from eks_audit_bot.kube.predicates import PREDICATES
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.output.sns import Publisher, PublishError, Report
from eks_audit_bot.settings import Settings
from lambda_context import FakeContext
from support import FIXTURES, REGION, Inbox, load_case, subscription_event

TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
SETTINGS = Settings(TOPIC, account_id="111122223333", region=REGION)
CATALOG = RuleCatalog.load(SETTINGS)
MARKER = "Zq7-leak-marker"  # planted in mutated events: must never reach a skip log
CRITICAL = load_case("iam-user-kubernetes-admin-create-clusterrolebinding")["events"][0]
EVENTS = [
    json.loads(path.read_text()) for path in sorted((FIXTURES / "rules").glob("*/*.json"))
] + [CRITICAL]


def paths(value: object, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key or index path into a decoded event, outermost first."""
    items: list[tuple[Any, object]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, child in items:
        yield (*prefix, key)
        if len(prefix) < 4:
            yield from paths(child, (*prefix, key))


ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=12).map(lambda text: MARKER + text),
    st.sampled_from(
        [
            "\ud800" + MARKER,
            f"{MARKER}\nForged: line\x1b[31m",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z",
            "RequestReceived",
            "ResponseStarted",
            "exec",
            "dryRun=All",
            MARKER * 300,
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["code", "username", "name", MARKER]), st.integers()),
)


@st.composite
def mutated(draw: st.DrawFn) -> object:
    """A realistic event with a few fields deleted or replaced, as a log message."""
    event = copy.deepcopy(draw(st.sampled_from(EVENTS)))
    for _ in range(draw(st.integers(1, 4))):
        found = list(paths(event))
        if not found:
            break
        *parents, key = draw(st.sampled_from(found))
        holder: Any = event
        for step in parents:
            holder = holder[step]
        if isinstance(holder, dict) and draw(st.booleans()):
            del holder[key]
        else:
            holder[key] = draw(ODD)
    line = json.dumps(event)
    form = draw(st.sampled_from(["json", "json", "cut", "not-text"]))
    if form == "cut":
        return line[: draw(st.integers(0, len(line)))] + TRUNCATION_MARKER
    if form == "not-text":
        return draw(ODD)
    return line


class Recorder:
    """A sink that keeps what would be published."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    def publish(self, messages: list[Outgoing]) -> Report:
        self.sent += messages
        return Report(published=len(messages))


@contextlib.contextmanager
def handler_logs() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    previous = handler.logger.registered_handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.logger.registered_handler.setStream(previous)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), min_size=1, max_size=6), st.integers(0, 6))
def test_unreadable_events_never_cost_the_rest_of_the_batch(
    messages: list[object], position: int
) -> None:
    messages.insert(min(position, len(messages)), json.dumps(CRITICAL))
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": "111122223333",
        "logGroup": "/aws/eks/prod-eu/cluster",
        "logStream": "kube-apiserver-audit-0123456789abcdef",
        "logEvents": [
            {"id": f"{index:056d}", "timestamp": index, "message": message}
            for index, message in enumerate(messages)
        ],
    }
    sink = Recorder()
    with handler_logs() as logs, contextlib.redirect_stdout(io.StringIO()):
        summary = handler.handle(
            encode_payload(document), handler.Runtime(SETTINGS, flow.Catalogs(SETTINGS), sink)
        )
    assert summary["received"] == len(messages)
    assert "critical" in [message.attributes["severity"] for message in sink.sent]
    for line in logs.getvalue().splitlines():
        if '"log event skipped"' in line:
            assert MARKER not in line, line
    records = [(str(index), message) for index, message in enumerate(messages)]
    result = process(records, SETTINGS.location("/aws/eks/prod-eu/cluster"), SETTINGS, CATALOG)
    dropped = sum(result.dropped.values())
    assert result.received == len(result.alerts) + dropped + len(result.skips) == len(messages)
    assert summary["skipped"] == len(result.skips)


def test_log_events_without_a_text_message_are_skipped_and_the_rest_alerts(
    inbox: Inbox,
) -> None:
    events: list[Any] = [
        {"id": "1", "timestamp": 1},  # no message
        {"id": "2", "timestamp": 2, "message": {"nested": "object"}},
        "not an object",
        {"id": "4", "timestamp": "yesterday", "message": json.dumps(CRITICAL)},
    ]
    payload = encode_payload(
        {
            "messageType": "DATA_MESSAGE",
            "owner": "123456789012",
            "logGroup": "/aws/eks/prod-eu/cluster",
            "logStream": "kube-apiserver-audit-0123456789abcdef",
            "logEvents": events,
        }
    )
    result = handler.lambda_handler(payload, FakeContext())
    assert result == {"received": 4, "alerts": 1, "skipped": 3}
    assert [note["Subject"][:10] for note in inbox.received()] == ["[CRITICAL]"]


def test_a_lone_surrogate_and_absurd_timestamps_still_alert(inbox: Inbox) -> None:
    event = copy.deepcopy(CRITICAL)
    event["objectRef"]["name"] = "bob-\ud800admin"
    event["requestReceivedTimestamp"] = "0001-01-01T00:00:00Z"
    event["stageTimestamp"] = "9999-12-31T23:59:59.999999Z"
    line = json.dumps(event)  # the name holds a lone surrogate: written as a \ud800 escape
    case = {**load_case("iam-user-kubernetes-admin-create-clusterrolebinding"), "events": [line]}
    result = handler.lambda_handler(subscription_event(case), FakeContext())
    (note,) = inbox.received()
    document = json.loads(note["Message"])
    assert result["alerts"] == 1
    assert document["request"]["name"] == "bob-\\ud800admin"  # shown as a visible escape
    assert document["time"] == ""


def test_skip_logs_carry_reason_codes_and_only_well_formed_audit_ids(inbox: Inbox) -> None:
    del inbox
    odd = copy.deepcopy(CRITICAL)
    odd["auditID"] = f"{MARKER}\nnot-an-id"
    odd["verb"] = 42
    kind = {**copy.deepcopy(CRITICAL), "kind": f"{MARKER}Kind"}
    case = {**load_case("truncated-line"), "events": [odd, kind, "{" + MARKER]}
    with handler_logs() as logs:
        result = handler.lambda_handler(subscription_event(case), FakeContext())
    skipped = [
        json.loads(line) for line in logs.getvalue().splitlines() if "log event skipped" in line
    ]
    assert result["skipped"] == 3
    assert [entry["reason"] for entry in skipped] == [
        "missing_fields",
        "not_audit_event",
        "not_json",
    ]
    assert [entry.get("auditID") for entry in skipped] == [None, CRITICAL["auditID"], None]
    assert MARKER not in logs.getvalue()


class Forgetful:
    """SNS whose PublishBatch reply forgets the first entry of each call, once."""

    def __init__(self, client: Any, forget: int = 1) -> None:
        self.client, self.forget = client, forget

    def publish_batch(self, **request: Any) -> dict[str, Any]:
        reply = self.client.publish_batch(**request)
        if self.forget:
            self.forget -= 1
            first = request["PublishBatchRequestEntries"][0]["Id"]
            reply["Successful"] = [item for item in reply["Successful"] if item["Id"] != first]
        return dict(reply)


def messages(count: int) -> list[Outgoing]:
    return [
        Outgoing(f"alert {index}", json.dumps({"default": "x"}), {"severity": "low"}, f"id{index}")
        for index in range(count)
    ]


def test_an_entry_the_reply_does_not_account_for_is_a_failure_and_is_retried(
    inbox: Inbox,
) -> None:
    sns = Forgetful(boto3.client("sns", region_name=REGION))
    report = Publisher(sns, inbox.topic_arn, sleep=lambda _: None).publish(messages(3))
    assert report.published == 3  # the forgotten one went again on the second round
    assert report.failures == []
    never = Forgetful(boto3.client("sns", region_name=REGION), forget=10)
    report = Publisher(never, inbox.topic_arn, max_attempts=2, sleep=lambda _: None).publish(
        messages(1)
    )
    assert report.published == 0
    assert [failure.code for failure in report.failures] == ["Unaccounted"]
    env = handler.Runtime(
        SETTINGS, flow.Catalogs(SETTINGS), Publisher(never, inbox.topic_arn, sleep=lambda _: None)
    )
    case = {**load_case("iam-user-kubernetes-admin-create-clusterrolebinding")}
    with pytest.raises(PublishError, match=r"1 alert\(s\) not published \(Unaccounted\)"):
        handler.handle(subscription_event(case), env)


def test_a_body_that_trips_a_rule_is_judged_without_its_bodies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def trips_on_bodies(event: Any, *_: Any) -> bool:
        if event.request_object is not None:
            raise TypeError("an odd body")
        return False

    monkeypatch.setitem(PREDICATES, "binds-privileged-role", trips_on_bodies)
    records = [("1", json.dumps(CRITICAL))]
    result = process(records, SETTINGS.location("/aws/eks/x/cluster"), SETTINGS, CATALOG)
    assert [alert.rule.rule_id for alert in result.alerts] == ["clusterrolebinding-changed"]
    assert result.skips == []


def test_an_event_that_cannot_be_judged_at_all_is_a_counted_skip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def always_trips(*_: Any) -> bool:
        raise TypeError("a bug")

    monkeypatch.setitem(PREDICATES, "binds-privileged-role", always_trips)
    secret = load_case("sso-access-entry-delete-secret")["events"][0]
    records = [("1", json.dumps(CRITICAL)), ("2", json.dumps(secret))]
    result = process(records, SETTINGS.location("/aws/eks/x/cluster"), SETTINGS, CATALOG)
    assert [alert.rule.rule_id for alert in result.alerts] == ["secret-changed"]
    ((where, reason, detail, audit_id),) = [
        (skip.where, skip.reason, skip.detail, skip.audit_id) for skip in result.skips
    ]
    assert (where, reason, audit_id) == ("1", "unjudgeable", CRITICAL["auditID"])
    assert detail == "TypeError while judging the event"
