"""Cases for the rules on the pipeline's own resources and the trail (`aws/rules.json`):
rule id -> (fires, [quiet near misses]), CloudTrail records built from the SSO user's."""

from __future__ import annotations

import copy
from typing import Any

from support import load_eventbridge_case

BASE = load_eventbridge_case("sso-user-grants-cluster-admin")["event"]["detail"]
ACCOUNT = "111122223333"
FUNCTION_ARN = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:eks-audit-bot"
STREAM_ARN = f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/eks-audit-bot"
TOPIC_ARN = f"arn:aws:sns:eu-west-1:{ACCOUNT}:eks-alerts"
QUEUE_URL = f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/eks-audit-bot-on-failure"
KEY_ID = "0a1b2c3d-0a1b-4c5d-8e9f-0a1b2c3d4e5f"
TRAIL = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/management"
MANAGEMENT = {"field": "eventCategory", "equals": ["Management"]}


def record(source: str, name: str, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The SSO user's record with another service, operation and request parameters."""
    raw = copy.deepcopy(BASE) | {"eventSource": f"{source}.amazonaws.com", "eventName": name}
    raw["requestParameters"] = params
    raw["responseElements"] = fields.pop("response", None)
    return raw | fields


def mapping(name: str, **params: Any) -> dict[str, Any]:
    response = {"uUID": "6e8b0a4c", "functionArn": FUNCTION_ARN, "eventSourceArn": STREAM_ARN}
    return record("lambda", name, {"uUID": "6e8b0a4c", **params}, response=response)


def selectors(name: str, **params: Any) -> dict[str, Any]:
    return record("cloudtrail", name, {"trailName": TRAIL, **params})


ROLE = {"roleName": "eks-audit-bot", "policyName": "least-privilege"}

TAMPER_CASES: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "forged-event": (
        record("events", "PutEvents", {"source": "custom.eks"}),
        [record("events", "PutRule", {"name": "eks-audit-bot-tamper"})],
    ),
    "tamper-trail-stopped": (
        record("cloudtrail", "StopLogging", {"name": TRAIL}),
        [record("cloudtrail", "StartLogging", {"name": TRAIL})],
    ),
    "tamper-trail-management-events-dropped": (
        selectors(
            "PutEventSelectors",
            eventSelectors=[{"readWriteType": "All", "includeManagementEvents": False}],
        ),
        [
            selectors(
                "PutEventSelectors",
                eventSelectors=[{"readWriteType": "WriteOnly", "includeManagementEvents": True}],
            ),
            selectors(
                "PutAdvancedEventSelectors",
                advancedEventSelectors=[{"name": "m", "fieldSelectors": [MANAGEMENT]}],
            ),
        ],
    ),
    "tamper-event-source-mapping-disabled": (
        mapping("UpdateEventSourceMapping20150331", enabled=False),
        [mapping("UpdateEventSourceMapping20150331", batchSize=10)],
    ),
    "tamper-stream-deleted": (
        record("kinesis", "DeleteStream", {"streamName": "eks-audit-bot"}),
        [record("kinesis", "UpdateShardCount", {"streamName": "eks-audit-bot"})],
    ),
    "tamper-logs-destination-deleted": (
        record("logs", "DeleteDestination", {"destinationName": "eks-audit-bot"}),
        [record("logs", "PutDestinationPolicy", {"destinationName": "eks-audit-bot"})],
    ),
    "tamper-topic-deleted": (
        record("sns", "Unsubscribe", {"subscriptionArn": f"{TOPIC_ARN}:5c3c8a9e"}),
        [record("sns", "SetSubscriptionAttributes", {"subscriptionArn": f"{TOPIC_ARN}:5c3c"})],
    ),
    "tamper-queue-purged": (
        record("sqs", "PurgeQueue", {"queueUrl": QUEUE_URL}),
        [record("sqs", "SetQueueAttributes", {"queueUrl": QUEUE_URL})],
    ),
    "tamper-state-table-deleted": (
        record("dynamodb", "DeleteTable", {"tableName": "eks-audit-bot-dedup"}),
        [record("dynamodb", "UpdateTimeToLive", {"tableName": "eks-audit-bot-dedup"})],
    ),
    "tamper-key-disabled": (
        record("kms", "ScheduleKeyDeletion", {"keyId": KEY_ID, "pendingWindowInDays": 7}),
        [record("kms", "PutKeyPolicy", {"keyId": KEY_ID, "policyName": "default"})],
    ),
    "tamper-role-deleted": (
        record("iam", "DeleteRolePolicy", ROLE),
        [record("iam", "PutRolePolicy", ROLE)],
    ),
    "tamper-event-bus-deleted": (
        record("events", "RemovePermission", {"eventBusName": "eks-audit-bot", "statementId": "m"}),
        [record("events", "PutPermission", {"eventBusName": "eks-audit-bot"})],
    ),
    "tamper-trail-changed": (
        record("cloudtrail", "UpdateTrail", {"name": TRAIL, "isMultiRegionTrail": False}),
        [record("cloudtrail", "DeleteTrail", {"name": TRAIL})],
    ),
    "tamper-event-source-mapping-changed": (
        mapping("UpdateEventSourceMapping20150331", batchSize=10),
        [mapping("DeleteEventSourceMapping20150331")],
    ),
    "tamper-stream-changed": (
        record("kinesis", "DecreaseStreamRetentionPeriod", {"streamName": "eks-audit-bot"}),
        [record("kinesis", "DeleteStream", {"streamName": "eks-audit-bot"})],
    ),
    "tamper-logs-destination-changed": (
        record("logs", "PutAccountPolicy", {"policyName": "eks-audit-bot-eu-west-1"}),
        [record("logs", "DeleteAccountPolicy", {"policyName": "eks-audit-bot-eu-west-1"})],
    ),
    "tamper-topic-changed": (
        record(
            "sns",
            "SetSubscriptionAttributes",
            {
                "subscriptionArn": f"{TOPIC_ARN}:5c3c8a9e",
                "attributeName": "FilterPolicy",
                "attributeValue": '{"severity": ["none"]}',
            },
        ),
        [record("sns", "DeleteTopic", {"topicArn": TOPIC_ARN})],
    ),
    "tamper-queue-changed": (
        record("sqs", "SetQueueAttributes", {"queueUrl": QUEUE_URL}),
        [record("sqs", "DeleteQueue", {"queueUrl": QUEUE_URL})],
    ),
    "tamper-state-table-changed": (
        record("dynamodb", "UpdateTimeToLive", {"tableName": "eks-audit-bot-dedup"}),
        [record("dynamodb", "DeleteTable", {"tableName": "eks-audit-bot-dedup"})],
    ),
    "tamper-key-policy-changed": (
        record("kms", "PutKeyPolicy", {"keyId": KEY_ID, "policyName": "default"}),
        [record("kms", "DisableKey", {"keyId": KEY_ID})],
    ),
    "tamper-role-changed": (
        record("iam", "UpdateAssumeRolePolicy", {"roleName": "eks-audit-bot"}),
        [record("iam", "DeleteRole", {"roleName": "eks-audit-bot"})],
    ),
    "tamper-event-bus-changed": (
        record("events", "PutPermission", {"eventBusName": "eks-audit-bot"}),
        [record("events", "DeleteEventBus", {"name": "eks-audit-bot"})],
    ),
}
