"""One composition from log records to delivered messages, for the handler and `replay`.

detect (parse, one stage per action, who, automation, rules, what changed) → drop what was
already published (optional ledger) → fold noise → render one message per alert or digest
(and a PagerDuty page for those severe enough, when a page topic is set) → hand them to a sink
(SNS, or the CLI's printer) → tell the ledger what went out. `run_event` does the same for
one EventBridge event (an AWS API call or an alarm state change).
Imports every stage; nothing below imports it. What a given invocation does not need loads
when first needed: folding, rendering and delivery with the first batch that alerts, the
CloudTrail and alarm stages with the first EventBridge event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from eks_audit_bot.aws import ids as aws_ids
from eks_audit_bot.core.alert import Location
from eks_audit_bot.core.rule_schema import check_known
from eks_audit_bot.kube import pipeline
from eks_audit_bot.kube import rules as kube_rules
from eks_audit_bot.kube.alert import Alert
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.settings import Settings

if TYPE_CHECKING:
    # Only deployments with a dedup table import it (Powertools idempotency, a DynamoDB client).
    from eks_audit_bot.aws.alert import AwsAlert
    from eks_audit_bot.aws.calls import EventResult
    from eks_audit_bot.aws.rules import AwsCatalog
    from eks_audit_bot.core.credential import CredentialResolver, CredentialStore
    from eks_audit_bot.core.outgoing import Outgoing
    from eks_audit_bot.core.view import AlertView
    from eks_audit_bot.output.dedup import Claim, Ledger, StoreError
    from eks_audit_bot.output.links import Links
    from eks_audit_bot.output.sns import Report

    type Sent = list[tuple[AlertView, list[Outgoing]]]


class Catalogs:
    """Every feed's rule catalog, tuned by the settings: the audit-log one at once, the AWS
    one with the first EventBridge event (audit-log batches never need it). `DISABLED_RULES`
    and `RULE_SEVERITIES` may name a rule of any feed: an id no feed has fails the load."""

    __slots__ = ("_aws", "kube", "settings")

    def __init__(self, settings: Settings) -> None:
        known = kube_rules.rule_ids(settings) | aws_ids.rule_ids()
        check_known("DISABLED_RULES", settings.disabled_rules, known)
        check_known("RULE_SEVERITIES", settings.rule_severities, known)
        self.settings = settings
        self.kube = RuleCatalog.load(settings)
        self._aws: AwsCatalog | None = None

    @property
    def aws(self) -> AwsCatalog:
        if self._aws is None:
            from eks_audit_bot.aws.rules import AwsCatalog  # noqa: PLC0415 - see the doc

            self._aws = AwsCatalog.load(self.settings)
        return self._aws


def links_for(settings: Settings) -> Links | None:
    """The person behind generic sessions: the state table's links (with DEDUP_TABLE_NAME) and
    the LookupEvents fallback (CREDENTIAL_LOOKUP), clients made on first use; None: neither."""
    if not settings.dedup_table_name and not settings.credential_lookup:
        return None
    from eks_audit_bot.output.links import Links, LinkTable  # noqa: PLC0415

    name = settings.dedup_table_name
    table = LinkTable(name, settings.region) if name else None
    if not settings.credential_lookup:
        return Links(table, None)
    from eks_audit_bot.aws.lookup import lookup_in  # noqa: PLC0415

    return Links(table, lookup_in(settings.region))


class Sink(Protocol):
    def publish(self, messages: list[Outgoing]) -> Report: ...


class Outcome[R, A: AlertView]:
    """What became of one batch of audit-log events (`run`) or one EventBridge event
    (`run_event`): the feed's result, the messages handed to the sink and what it reported,
    and the ledger's claim and errors (None and none without a ledger)."""

    __slots__ = ("claim", "messages", "report", "result", "settle_errors")

    def __init__(
        self,
        result: R,
        messages: list[Outgoing],
        report: Report,
        claim: Claim[A] | None = None,
        settle_errors: Sequence[StoreError] = (),
    ) -> None:
        self.result = result
        self.messages = messages
        self.report = report
        self.claim = claim
        self.settle_errors = settle_errors


type BatchOutcome = Outcome[pipeline.Result, Alert]
type EventOutcome = Outcome[EventResult, AwsAlert]


def run(
    records: Iterable[pipeline.RawRecord],
    location: Location,
    settings: Settings,
    catalog: RuleCatalog,
    sink: Sink,
    *,
    ledger: Ledger | None = None,
    people: CredentialResolver | None = None,
) -> BatchOutcome:
    """Records of one batch (one log group and stream) in, messages handed to `sink` out.
    With `people`, an alert whose role session names nobody names the person behind it."""
    result = pipeline.process(records, location, settings, catalog)
    if result.alerts and people is not None:
        from eks_audit_bot.kube.people import name_people  # noqa: PLC0415 - alerts only

        result.alerts[:] = name_people(result.alerts, people)
    if not result.alerts:
        from eks_audit_bot.output.sns import Report  # noqa: PLC0415 - see the module doc

        return Outcome(result, [], Report())
    from eks_audit_bot.kube import noise  # noqa: PLC0415
    from eks_audit_bot.output import message, pagerduty  # noqa: PLC0415

    def render(alerts: Sequence[Alert]) -> Sent:
        return [(item, [message.build(item, settings), *pagerduty.pages([item], settings)])
                for item in noise.fold(alerts, settings)]  # fmt: skip

    return Outcome(result, *_deliver(result.alerts, render, sink, ledger))


def run_event(
    event: Mapping[str, Any],
    settings: Settings,
    catalog: AwsCatalog,
    sink: Sink,
    where: str = "",
    *,
    ledger: Ledger | None = None,
    credentials: CredentialStore | None = None,
    people: CredentialResolver | None = None,
) -> EventOutcome:
    """One EventBridge event in: an unknown or unreadable one is a counted skip, an API call or
    alarm state change becomes at most one alert (and a page), handed to `sink`; an STS call
    that issued a credential becomes a link in `credentials` (the state table). With `people`,
    an alert whose role session names nobody names the person behind it. `where` names the
    event in skips (replay: its file and line)."""
    # An EventBridge event's stages load with the first one (see the module docstring).
    from eks_audit_bot.aws import intake  # noqa: PLC0415
    from eks_audit_bot.output import message, pagerduty  # noqa: PLC0415

    result = intake.judge(event, settings, catalog, where, credentials)
    if result.alerts and people is not None:
        from eks_audit_bot.aws.people import name_people  # noqa: PLC0415 - alerts only

        result.alerts[:] = name_people(result.alerts, people)

    def render(alerts: Sequence[AwsAlert]) -> Sent:
        return [(alert, [message.build(alert, settings), *pagerduty.pages([alert], settings)])
                for alert in alerts]  # fmt: skip

    return Outcome(result, *_deliver(result.alerts, render, sink, ledger))


def _deliver[A: AlertView](
    alerts: Sequence[A],
    render: Callable[[Sequence[A]], Sent],
    sink: Sink,
    ledger: Ledger | None,
) -> tuple[list[Outgoing], Report, Claim[A] | None, list[StoreError]]:
    """Render and publish what the ledger lets through, then settle: the alerts, then the
    pages; claims are released when publishing breaks, so that the retry publishes them."""
    from eks_audit_bot.output.sns import Report  # noqa: PLC0415 - see the module doc

    claim = ledger.claim(alerts) if ledger is not None else None
    try:
        sent = render(claim.fresh if claim is not None else alerts)
        messages = [out for _, outs in sent for out in outs if not out.topic_arn]
        messages += [out for _, outs in sent for out in outs if out.topic_arn]
        report = sink.publish(messages) if messages else Report()
    except BaseException:
        if ledger is not None and claim is not None:
            ledger.release(claim.claimed)
        raise
    if ledger is None or claim is None:
        return messages, report, None, []
    published, failed = _split(sent, report, claim.claimed)
    return messages, report, claim, ledger.settle(published, failed)


def _split(
    sent: Sent, report: Report, claimed: Sequence[AlertView]
) -> tuple[list[AlertView], list[AlertView]]:
    """The claimed alerts all of whose messages SNS took (alert and page), and the others:
    a page that failed is sent again with its alert (PagerDuty folds it into the incident)."""
    undelivered = {id(failure.message) for failure in report.failures}
    mine = {id(alert) for alert in claimed}
    published: list[AlertView] = []
    failed: list[AlertView] = []
    for item, outs in sent:
        side = failed if any(id(out) in undelivered for out in outs) else published
        side.extend(alert for alert in item.alerts if id(alert) in mine)
    return published, failed
