"""A CloudWatch alarm state change ("CloudWatch Alarm State Change" on EventBridge).

What the alarm watches is read from its metric in `configuration.metrics` (namespace, name and
dimensions), never from its name: the cluster of a silence alarm is its `LogGroupName`
dimension.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eks_audit_bot.core.invalid import InvalidEvent, SkipReason
from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text

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
