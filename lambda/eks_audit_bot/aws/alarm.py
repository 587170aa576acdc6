"""A CloudWatch alarm state change ("CloudWatch Alarm State Change" on EventBridge).

What the alarm watches is read from its metric in `configuration.metrics` (namespace, name and
dimensions), never from its name: the cluster of a silence alarm is its `LogGroupName`
dimension.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from eks_audit_bot.core.invalid import InvalidEvent, SkipReason
from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text
from eks_audit_bot.core.view import HEALTH

if TYPE_CHECKING:
    from eks_audit_bot.aws.calls import EventResult
    from eks_audit_bot.aws.rules import AwsCatalog
    from eks_audit_bot.settings import Settings

ALARM = "ALARM"
OK = "OK"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"


@dataclass(frozen=True, slots=True)
class Metric:
    namespace: str
    name: str
    dimensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """`AWS/Logs/IncomingLogEvents`: what catalog rules match on."""
        return f"{self.namespace}/{self.name}"

    def __str__(self) -> str:
        dims = ", ".join(f"{key}={value}" for key, value in sorted(self.dimensions.items()))
        return f"{self.namespace} {self.name}" + (f" ({dims})" if dims else "")


@dataclass(frozen=True, slots=True)
class AlarmChange:
    event_id: str
    alarm_name: str
    state: str  # ALARM, OK or INSUFFICIENT_DATA
    previous_state: str
    time: str
    alarm_arn: str = ""
    reason: str = ""
    account_id: str = ""
    region: str = ""
    metrics: tuple[Metric, ...] = ()

    @property
    def audit_id(self) -> str:
        """The EventBridge event id, under the name every alert's event uses."""
        return self.event_id

    def dimension(self, name: str) -> str:
        """The first value of a dimension among the alarm's metrics (`LogGroupName`)."""
        return next((m.dimensions[name] for m in self.metrics if name in m.dimensions), "")

    @property
    def metric(self) -> Metric | None:
        return self.metrics[0] if self.metrics else None

    def judge(self, settings: Settings, catalog: AwsCatalog, result: EventResult) -> None:
        """Its alert, if any, into `result` (else the reason it was dropped)."""
        from eks_audit_bot.aws.alarms import alert_for_alarm  # noqa: PLC0415 - they import this model

        alert_for_alarm(self, settings, catalog, result)

    # ---- what every AWS event tells its alert (`ApiCall` has the same) ----

    source = HEALTH  # the `source` message attribute
    has_caller = False  # nobody acted: alerts show no one
    outcome = ""  # an alarm has no outcome
    operation = ""
    user_agent = ""
    error_message = ""
    api_group = ""

    @property
    def source_ips(self) -> tuple[str, ...]:
        return ()

    @property
    def verb(self) -> str:
        return self.state

    @property
    def when(self) -> str:
        return self.time

    @property
    def resolves(self) -> bool:
        """Back to OK: it resolves the incident its ALARM opened."""
        return self.state == OK

    def with_texts(
        self, *, user_agent: str | None = None, error_message: str | None = None
    ) -> AlarmChange:
        """An alarm has no caller texts to shorten: itself."""
        del user_agent, error_message
        return self

    def console_link(self, base: str, region: str) -> tuple[str, str]:
        """What the console link shows and its URL, from a validated console base."""
        name = quote(self.alarm_name, safe="")
        return "See the alarm in CloudWatch:", (
            f"{base}/cloudwatch/home?region={region}#alarmsV2:alarm/{name}"
        )

    def what_fields(self, _resource: str, _target: str, _outcome: str) -> list[tuple[str, str]]:
        return [
            ("Alarm", self.alarm_name),
            ("State", f"{self.state} (was {self.previous_state or 'unknown'})"),
            ("Alarm ARN", self.alarm_arn),
        ]

    def caller_fields(self) -> list[tuple[str, str]]:
        return []

    @property
    def access_key_id(self) -> str:
        """An alarm has no caller, so no credential."""
        return ""

    @property
    def source_identity(self) -> str:
        """An alarm has no caller, so no person."""
        return ""

    def document_part(self) -> tuple[str, str, dict[str, Any]]:
        """The document's link name, its own part's name and that part."""
        metric = self.metric
        return (
            "alarm",
            "alarm",
            {
                "name": self.alarm_name,
                "arn": self.alarm_arn,
                "state": self.state,
                "previous_state": self.previous_state,
                "reason": self.reason,
                "metric": {
                    "namespace": metric.namespace if metric else "",
                    "name": metric.name if metric else "",
                    "dimensions": dict(metric.dimensions) if metric else {},
                },
            },
        )

    def incident_key(self, _cluster: str, _rule_id: str) -> str:
        """`health/<alarm name>`: one incident per alarm, which OK resolves."""
        return f"health/{self.alarm_name}"

    def page_details(self) -> dict[str, str]:
        return {}

    def identity_of(self, rule_id: str) -> dict[str, str]:
        """The dedup identity: this alarm's change to this state at this time."""
        return {
            "account": self.account_id,
            "region": self.region,
            "alarm": self.alarm_name,
            "state": self.state,
            "time": self.time,
            "rule": rule_id,
        }


def alarm_change_from_event(event: Mapping[str, Any]) -> AlarmChange:
    """Build the model from an EventBridge alarm event; raise `InvalidEvent` saying why not."""
    detail = mapping(event.get("detail"))
    state, previous = mapping(detail.get("state")), mapping(detail.get("previousState"))
    values = {
        "id": text(event.get("id")),
        "detail.alarmName": text(detail.get("alarmName")),
        "detail.state.value": text(state.get("value")),
    }
    missing = [key for key, value in values.items() if not value]
    if missing:
        raise InvalidEvent(
            SkipReason.MISSING_FIELDS,
            "alarm state change without " + ", ".join(missing),
            values["id"] or None,
        )
    arns = strings(event.get("resources"))
    return AlarmChange(
        event_id=values["id"],
        alarm_name=values["detail.alarmName"],
        state=values["detail.state.value"],
        previous_state=text(previous.get("value")),
        time=text(state.get("timestamp")) or text(event.get("time")),
        alarm_arn=arns[0] if arns else "",
        reason=text(state.get("reason")),
        account_id=text(event.get("account")),
        region=text(event.get("region")),
        metrics=tuple(_metrics(mapping(detail.get("configuration")))),
    )


def _metrics(configuration: Mapping[str, Any]) -> list[Metric]:
    found = []
    for query in mappings(configuration.get("metrics")):
        metric = mapping(mapping(query.get("metricStat")).get("metric"))
        if not text(metric.get("name")):
            continue
        dimensions = {
            str(key): value
            for key, value in mapping(metric.get("dimensions")).items()
            if isinstance(value, str)
        }
        found.append(Metric(text(metric.get("namespace")), text(metric.get("name")), dimensions))
    return found
