"""The AWS API call and alarm catalog (`aws_rules.json`): every rule fires on its case and stays
quiet on a near miss; settings, the README tables and the scope checks hold.

Cases are CloudTrail records (as in a log file or an EventBridge `detail`) and alarm events,
built from one documented shape with the fields that matter changed. Each runs as a user's
function runs it: the event EventBridge delivers, through `handler.lambda_handler` into a moto
SNS topic, judged by the rule and severity its subscribers get.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot import flow, handler
from eks_audit_bot.aws import alarms
from eks_audit_bot.aws import calls as cloudtrail
from eks_audit_bot.aws.alarm import alarm_change_from_event
from eks_audit_bot.aws.api_call import ApiCall, api_call_from_dict, normalized_event_name
from eks_audit_bot.aws.caller import actor_of_caller
from eks_audit_bot.aws.changes import describe
from eks_audit_bot.aws.eventbridge import decode_event, envelope
from eks_audit_bot.aws.phrases import summarize
from eks_audit_bot.aws.rules import RuleError, builtin_aws_rules, parse_aws_rule
from eks_audit_bot.core.severity import Severity
from eks_audit_bot.kube.audit import InvalidEvent
from eks_audit_bot.kube.rules import RuleCatalog
from eks_audit_bot.settings import ConfigError, Settings
from lambda_context import FakeContext
from support import Inbox, load_eventbridge_case
from tamper_cases import KEY_ID, TAMPER_CASES, TOPIC_ARN

ROOT = Path(__file__).parents[1]
TOPIC = "arn:aws:sns:eu-west-1:111122223333:eks-alerts"
E, L, F, B, M = (
    "eks.amazonaws.com",
    "logs.amazonaws.com",
    "lambda.amazonaws.com",
    "events.amazonaws.com",
    "monitoring.amazonaws.com",
)
ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"
LOG_GROUP = "/aws/eks/prod-eu/cluster"
KEY = "arn:aws:kms:eu-west-1:111122223333:key/0a1b2c3d-0a1b-4c5d-8e9f-0a1b2c3d4e5f"
BASE = load_eventbridge_case("sso-user-grants-cluster-admin")["event"]["detail"]
ALARM = load_eventbridge_case("alarm-audit-log-silent")["event"]


def call(source: str, name: str, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The SSO user's record with another source, name and request parameters."""
    record = copy.deepcopy(BASE) | {"eventSource": source, "eventName": name, **fields}
    record["requestParameters"] = params
    return record


def alarm(metric: tuple[str, str], state: str, previous: str) -> dict[str, Any]:
    event = copy.deepcopy(ALARM)
    event["detail"]["state"]["value"] = state
    event["detail"]["previousState"]["value"] = previous
    stat = event["detail"]["configuration"]["metrics"][0]["metricStat"]["metric"]
    stat["namespace"], stat["name"] = metric
    return event


def cfg(**params: Any) -> dict[str, Any]:
    return call(E, "UpdateClusterConfig", {"name": "prod-eu", **params})


def eks(name: str, *, read_only: bool = False, **params: Any) -> dict[str, Any]:
    return call(E, name, {"name": "prod-eu", **params}, readOnly=read_only)


LOGGING_OFF = {"clusterLogging": [{"types": ["audit"], "enabled": False}]}
LOGGING_ON = {"clusterLogging": [{"types": ["audit"], "enabled": True}]}
SILENCE = ("AWS/Logs", "IncomingLogEvents")

# rule id -> (fires, [quiet near misses]); a quiet case may alert with another rule.
CASES: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "eks-audit-logging-disabled": (
        cfg(logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": False}]}),
        [
            cfg(logging=LOGGING_ON),
            cfg(logging={"clusterLogging": [{"types": ["api"], "enabled": False}]}),
        ],
    ),
    "eks-cluster-admin-granted": (
        eks(
            "AssociateAccessPolicy",
            policyArn=ADMIN,
            principalArn="arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx",
        ),
        [
            eks("AssociateAccessPolicy", policyArn=VIEW),
            eks("DisassociateAccessPolicy", policyArn=ADMIN),
        ],
    ),
    "eks-cluster-deleted": (eks("DeleteCluster"), [eks("DescribeCluster", read_only=True)]),
    "tamper-subscription-filter-deleted": (
        call(L, "DeleteSubscriptionFilter", {"logGroupName": LOG_GROUP, "filterName": "x"}),
        [call(L, "DescribeSubscriptionFilters", {"logGroupName": LOG_GROUP}, readOnly=True)],
    ),
    "tamper-log-group-deleted": (
        call(L, "DeleteLogGroup", {"logGroupName": LOG_GROUP}),
        [call(L, "DeleteLogStream", {"logGroupName": LOG_GROUP, "logStreamName": "x"})],
    ),
    "tamper-function-changed": (
        call(F, "UpdateFunctionCode20150331v2", {"functionName": "eks-audit-bot"}),
        [call(F, "TagResource", {"resource": "arn:aws:lambda:eu-west-1:1:function:eks-audit-bot"})],
    ),
    "tamper-rule-disabled": (
        call(B, "PutRule", {"name": "eks-audit-bot-tamper", "state": "DISABLED"}),
        [call(B, "PutRule", {"name": "eks-audit-bot-tamper", "state": "ENABLED"})],
    ),
    "eks-access-entry-created": (
        eks("CreateAccessEntry", principalArn="arn:aws:iam::111122223333:role/x"),
        [eks("ListAccessEntries", read_only=True)],
    ),
    "eks-access-entry-deleted": (
        eks("DeleteAccessEntry"),
        [eks("DescribeAccessEntry", read_only=True)],
    ),
    "eks-endpoint-public": (
        cfg(resourcesVpcConfig={"publicAccessCidrs": ["10.0.0.0/8", "::/0"]}),
        [
            cfg(
                resourcesVpcConfig={
                    "endpointPublicAccess": False,
                    "publicAccessCidrs": ["203.0.113.0/24"],
                }
            )
        ],
    ),
    "eks-authentication-mode-changed": (
        cfg(accessConfig={"authenticationMode": "API"}),
        [cfg(accessConfig={"bootstrapClusterCreatorAdminPermissions": True})],
    ),
    "eks-identity-provider-associated": (
        eks(
            "AssociateIdentityProviderConfig",
            oidc={
                "identityProviderConfigName": "corp",
                "issuerUrl": "https://idp.example.com",
                "clientId": "eks",
            },
        ),
        [
            eks(
                "DisassociateIdentityProviderConfig",
                identityProviderConfig={"type": "oidc", "name": "corp"},
            )
        ],
    ),
    "eks-deletion-protection-disabled": (
        cfg(deletionProtection=False),
        [cfg(deletionProtection=True)],
    ),
    "eks-pod-identity-granted": (
        eks(
            "CreatePodIdentityAssociation",
            namespace="payments",
            serviceAccount="api",
            roleArn="arn:aws:iam::111122223333:role/payments-api",
        ),
        [eks("DeletePodIdentityAssociation", associationId="a-0123456789abcdef0")],
    ),
    "tamper-subscription-filter-changed": (
        call(
            L,
            "PutSubscriptionFilter",
            {
                "logGroupName": LOG_GROUP,
                "filterName": "copy",
                "filterPattern": "",
                "destinationArn": "arn:aws:firehose:eu-west-1:999988887777:deliverystream/x",
            },
        ),
        [call(L, "PutMetricFilter", {"logGroupName": LOG_GROUP, "filterName": "m"})],
    ),
    "tamper-log-retention-changed": (
        call(L, "PutRetentionPolicy", {"logGroupName": LOG_GROUP, "retentionInDays": 1}),
        [call(L, "TagLogGroup", {"logGroupName": LOG_GROUP})],
    ),
    "tamper-function-permissions-changed": (
        call(
            F,
            "RemovePermission20150331v2",
            {"functionName": "eks-audit-bot", "statementId": "logs-prod-eu"},
        ),
        [call(F, "GetPolicy20150331v2", {"functionName": "eks-audit-bot"}, readOnly=True)],
    ),
    "tamper-rule-changed": (
        call(B, "PutTargets", {"rule": "eks-audit-bot-eks-api", "targets": [{"id": "x"}]}),
        [call(B, "DescribeRule", {"name": "eks-audit-bot-eks-api"}, readOnly=True)],
    ),
    "tamper-alarm-changed": (
        call(M, "DeleteAlarms", {"alarmNames": ["eks-audit-bot-silence-a"]}),
        [call(M, "DescribeAlarms", {"alarmNames": ["eks-audit-bot-silence-a"]}, readOnly=True)],
    ),
    "health-audit-log-silent": (alarm(SILENCE, "ALARM", "OK"), [alarm(SILENCE, "OK", "ALARM")]),
    "health-function-errors": (
        alarm(("AWS/Lambda", "Errors"), "ALARM", "OK"),
        [alarm(("AWS/Lambda", "Throttles"), "ALARM", "OK")],
    ),
    "health-on-failure-backlog": (
        alarm(("AWS/SQS", "ApproximateNumberOfMessagesVisible"), "ALARM", "INSUFFICIENT_DATA"),
        [alarm(("AWS/SQS", "ApproximateAgeOfOldestMessage"), "ALARM", "OK")],
    ),
    "health-stream-unread": (
        alarm(("AWS/Kinesis", "GetRecords.Records"), "ALARM", "OK"),
        [alarm(("AWS/Kinesis", "GetRecords.Records"), "OK", "ALARM")],
    ),
    "health-stream-silent": (
        alarm(("AWS/Kinesis", "IncomingRecords"), "ALARM", "OK"),
        [alarm(("AWS/Kinesis", "IncomingBytes"), "ALARM", "OK")],
    ),
    "health-iterator-age": (
        alarm(("AWS/Lambda", "IteratorAge"), "ALARM", "OK"),
        [alarm(("AWS/Lambda", "Throttles"), "ALARM", "OK")],
    ),
    "eks-access-entry-updated": (
        eks("UpdateAccessEntry", kubernetesGroups=["platform-admins"]),
        [eks("DescribeAccessEntry", read_only=True)],
    ),
    "eks-access-policy-changed": (
        eks(
            "AssociateAccessPolicy",
            policyArn=VIEW,
            accessScope={"type": "namespace", "namespaces": ["payments"]},
        ),
        [eks("ListAssociatedAccessPolicies", read_only=True)],
    ),
    "eks-identity-provider-disassociated": (
        eks(
            "DisassociateIdentityProviderConfig",
            identityProviderConfig={"type": "oidc", "name": "corp"},
        ),
        [eks("DescribeIdentityProviderConfig", read_only=True)],
    ),
    "eks-pod-identity-deleted": (
        eks("DeletePodIdentityAssociation", associationId="a-0123456789abcdef0"),
        [eks("ListPodIdentityAssociations", read_only=True)],
    ),
    "eks-encryption-config-associated": (
        eks(
            "AssociateEncryptionConfig",
            encryptionConfig=[
                {
                    "resources": ["secrets"],
                    "provider": {"keyArn": KEY},
                }
            ],
        ),
        [eks("DescribeCluster", read_only=True)],
    ),
    "eks-cluster-version-updated": (
        eks("UpdateClusterVersion", version="1.32"),
        [eks("DescribeUpdate", read_only=True)],
    ),
    "eks-addon-changed": (
        eks("UpdateAddon", addonName="vpc-cni", addonVersion="v1.19.0-eksbuild.1"),
        [eks("DescribeAddonVersions", read_only=True)],
    ),
    "eks-cluster-config-changed": (
        cfg(upgradePolicy={"supportType": "STANDARD"}),
        [eks("DescribeCluster", read_only=True)],
    ),
    "eks-nodegroup-changed": (
        eks("UpdateNodegroupVersion", nodegroupName="general", version="1.32"),
        [eks("ListNodegroups", read_only=True)],
    ),
    "eks-fargate-profile-changed": (
        eks(
            "CreateFargateProfile",
            fargateProfileName="batch",
            podExecutionRoleArn="arn:aws:iam::111122223333:role/fargate",
        ),
        [eks("DescribeFargateProfile", read_only=True)],
    ),
    "eks-api-change": (
        eks("TagResource", tags={"team": "platform"}),
        [eks("ListTagsForResource", read_only=True)],
    ),
    "health-recovered": (
        alarm(("AWS/Lambda", "Errors"), "OK", "ALARM"),
        [alarm(("AWS/Lambda", "Errors"), "OK", "INSUFFICIENT_DATA")],
    ),
}


CASES |= TAMPER_CASES


def as_delivered(raw: dict[str, Any], topic_arn: str) -> dict[str, Any]:
    """What the function receives for a case, about this test's alert topic: an alarm event as
    it is; a CloudTrail record in the envelope EventBridge delivers it in; an `events:PutEvents`
    record as the event it put on the bus, under the source its sender chose."""
    raw = json.loads(json.dumps(raw).replace(TOPIC_ARN, topic_arn))
    if "detail-type" in raw:
        return raw
    event = envelope(raw)
    if (raw["eventSource"], raw["eventName"]) == (B, "PutEvents"):
        event["source"] = raw["requestParameters"]["source"]
    return event


@dataclass(frozen=True, slots=True)
class Function:
    """The function as a user deploys it (watching the cases' KMS key), fed by EventBridge,
    and what its topic's subscribers get."""

    inbox: Inbox
    monkeypatch: pytest.MonkeyPatch

    def published(self, raw: dict[str, Any], **env: str) -> list[tuple[str, str]]:
        """The (rule, severity) message attributes of each alert subscribers got for a case."""
        for name, value in ({"WATCHED_KMS_KEYS": json.dumps([KEY_ID])} | env).items():
            self.monkeypatch.setenv(name, value)
        handler.runtime.cache_clear()  # a cold start with these settings
        handler.lambda_handler(as_delivered(raw, self.inbox.topic_arn), FakeContext())
        attributes = [note["MessageAttributes"] for note in self.inbox.received()]
        return [(names["rule"]["Value"], names["severity"]["Value"]) for names in attributes]

    def rule(self, raw: dict[str, Any], **env: str) -> str | None:
        """The rule of the one alert subscribers got for a case, or None: no alert."""
        alerts = self.published(raw, **env)
        assert len(alerts) <= 1, alerts
        return alerts[0][0] if alerts else None


@pytest.fixture
def function(shared_inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> Function:
    return Function(shared_inbox, monkeypatch)


def catalog(**settings: Any) -> flow.Catalogs:
    return flow.Catalogs(Settings(TOPIC, **settings))


def test_every_rule_has_a_firing_and_a_quiet_case() -> None:
    assert sorted(CASES) == sorted(rule.id for rule in builtin_aws_rules())
    assert all(quiet for _, quiet in CASES.values())


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_its_case(rule_id: str, function: Function, snapshot: Any) -> None:
    fires, _ = CASES[rule_id]
    assert function.rule(fires) == rule_id
    event = decode_event(as_delivered(fires, TOPIC_ARN))
    if isinstance(event, ApiCall):
        summary = summarize(event)
        described = {"action": summary.action, "target": summary.target, "changes": describe(event)}
        assert snapshot == {"resource": summary.resource, **described}


@pytest.mark.parametrize(
    ("rule_id", "index"),
    [
        (rule_id, index)
        for rule_id, (_, quiet) in sorted(CASES.items())
        for index in range(len(quiet))
    ],
)
def test_rule_stays_quiet_on_a_near_miss(rule_id: str, index: int, function: Function) -> None:
    assert function.rule(CASES[rule_id][1][index]) != rule_id


def test_the_most_severe_rule_wins(function: Function) -> None:
    # Turning audit logging off and opening the endpoint in one call: critical beats high.
    both = cfg(logging=LOGGING_OFF, resourcesVpcConfig={"endpointPublicAccess": True})
    assert function.rule(both) == "eks-audit-logging-disabled"
    opened = cfg(resourcesVpcConfig={"endpointPublicAccess": True})
    assert function.rule(opened) == "eks-endpoint-public"


def test_disabled_rules_and_severities_accept_aws_rule_ids(function: Function) -> None:
    settings = {
        "DISABLED_RULES": json.dumps(["eks-cluster-admin-granted"]),
        "RULE_SEVERITIES": json.dumps({"eks-nodegroup-changed": "high"}),
    }
    granted = CASES["eks-cluster-admin-granted"][0]
    assert function.rule(granted, **settings) == "eks-access-policy-changed"
    nodegroup = CASES["eks-nodegroup-changed"][0]
    assert function.published(nodegroup, **settings) == [("eks-nodegroup-changed", "high")]
    with pytest.raises(ConfigError, match="DISABLED_RULES: unknown rule id 'eks-nope'"):
        catalog(disabled_rules=frozenset({"eks-nope"}))


def test_the_aws_rules_are_built_once_on_first_use_with_the_settings_applied() -> None:
    rules = catalog(
        disabled_rules=frozenset({"eks-cluster-admin-granted"}),
        rule_severities={"eks-nodegroup-changed": Severity.HIGH},
    )
    built = rules.aws.rules
    assert rules.aws.rules is built
    assert [(rule.id, rule.severity) for rule in built] == [
        (rule.id, Severity.HIGH if rule.id == "eks-nodegroup-changed" else rule.severity)
        for rule in builtin_aws_rules()
        if rule.id != "eks-cluster-admin-granted"
    ]


def test_an_unknown_id_fails_at_load_and_the_known_ids_include_the_aws_ones() -> None:
    """The AWS rules wait for the first EventBridge event; checking the settings does not."""
    with pytest.raises(ConfigError, match="RULE_SEVERITIES: unknown rule id 'eks-nope'") as err:
        catalog(rule_severities={"eks-nope": Severity.LOW})
    known = str(err.value).split("known ids: ", 1)[1].split(", ")
    assert {rule.id for rule in builtin_aws_rules()} <= set(known)
    assert "manual-change" in known


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"id": "x", "source": "syslog", "title": "X", "severity": "low", "match": {}},
            "field 'source'",
        ),
        (
            {
                "id": "x",
                "source": "health",
                "title": "X",
                "severity": "low",
                "match": {"event_names": ["A"]},
            },
            "only metrics",
        ),
        (
            {
                "id": "x",
                "source": "cloudtrail",
                "title": "X",
                "severity": "low",
                "match": {"predicates": ["nope"]},
            },
            "unknown predicate 'nope'",
        ),
        (
            {"id": "x", "source": "cloudtrail", "title": "X", "severity": "urgent", "match": {}},
            "'urgent' is not one of",
        ),
    ],
)
def test_a_malformed_aws_rule_names_the_field(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError, match=re.escape(message)):
        parse_aws_rule(raw, "test")


def test_lambda_version_suffixes_are_dropped_from_event_names() -> None:
    assert normalized_event_name("UpdateFunctionCode20150331v2") == "UpdateFunctionCode"
    assert normalized_event_name("PutFunctionConcurrency20171031") == "PutFunctionConcurrency"
    assert normalized_event_name("AssociateAccessPolicy") == "AssociateAccessPolicy"


@pytest.mark.parametrize(
    ("identity", "person", "automation"),
    [
        pytest.param("sso-user-grants-cluster-admin", "alice@example.com", False, id="sso-user"),
        pytest.param("iam-user-disables-audit-logging", "bob", False, id="iam-user"),
        pytest.param("ci-role-creates-access-entry", "GitHubActions", True, id="ci-role"),
    ],
)
def test_the_actor_is_the_person_and_automation_globs_apply(
    identity: str, person: str, automation: bool
) -> None:
    record = load_eventbridge_case(identity)["event"]["detail"]
    actor = actor_of_caller(api_call_from_dict(record).identity)
    settings = Settings(TOPIC, automation_principals=("arn:aws:iam::*:role/github-actions-*",))
    assert actor.display_name == person
    assert cloudtrail.is_automation(actor, settings) is automation
    assert not cloudtrail.is_automation(actor, Settings(TOPIC))


def test_aws_services_and_source_identities() -> None:
    service = copy.deepcopy(BASE) | {
        "userIdentity": {"type": "AWSService", "invokedBy": "eks.amazonaws.com"}
    }
    assert actor_of_caller(api_call_from_dict(service).identity).display_name == "eks.amazonaws.com"
    assert cloudtrail.is_automation(
        actor_of_caller(api_call_from_dict(service).identity), Settings(TOPIC)
    )
    sourced = copy.deepcopy(BASE)
    sourced["userIdentity"]["sessionContext"]["sourceIdentity"] = "carol@example.com"
    assert actor_of_caller(api_call_from_dict(sourced).identity).display_name == "carol@example.com"
    root = copy.deepcopy(BASE) | {
        "userIdentity": {"type": "Root", "arn": "arn:aws:iam::111122223333:root"}
    }
    assert actor_of_caller(api_call_from_dict(root).identity).display_name == "root"


@pytest.mark.parametrize(
    ("raw", "watched"),
    [
        pytest.param(eks("DeleteAccessEntry"), True, id="watched-cluster"),
        pytest.param(call(E, "DeleteAccessEntry", {"name": "sandbox"}), False, id="other-cluster"),
        pytest.param(
            call(L, "DeleteLogGroup", {"logGroupName": "/aws/eks/sandbox/cluster"}),
            False,
            id="other-log-group",
        ),
        pytest.param(
            call(L, "DeleteLogGroup", {"logGroupName": "/aws/lambda/x"}), False, id="not-eks-group"
        ),
        pytest.param(
            call(
                F, "DeleteFunction20150331", {"functionName": "111122223333:function:eks-audit-bot"}
            ),
            True,
            id="own-function-partial-arn",
        ),
        pytest.param(
            call(F, "DeleteFunction20150331", {"functionName": "eks-audit-bot-other"}),
            False,
            id="other-function",
        ),
        pytest.param(
            call(B, "RemoveTargets", {"rule": "eks-audit-bot-alarms", "ids": ["function"]}),
            True,
            id="own-rule",
        ),
        pytest.param(call(B, "DisableRule", {"name": "someone-elses"}), False, id="other-rule"),
        pytest.param(
            call(M, "DeleteAlarms", {"alarmNames": ["cpu", "eks-audit-bot-errors"]}),
            True,
            id="own-alarm",
        ),
        pytest.param(
            call("iam.amazonaws.com", "CreateUser", {"userName": "x"}), False, id="other-service"
        ),
    ],
)
def test_only_watched_clusters_and_our_own_resources_concern_us(
    raw: dict[str, Any], watched: bool
) -> None:
    settings = Settings(TOPIC, watched_clusters=frozenset({"prod-eu"}))
    assert cloudtrail.concerns_us(api_call_from_dict(raw), settings) is watched


def test_all_clusters_can_be_watched() -> None:
    other = api_call_from_dict(call(E, "DeleteAccessEntry", {"name": "sandbox"}))
    settings = Settings(
        TOPIC, watched_clusters=frozenset({"prod-eu"}), cloudtrail_all_clusters=True
    )
    assert cloudtrail.concerns_us(other, settings)


def test_a_silence_alarm_takes_its_cluster_from_the_metric_not_the_name() -> None:
    event = alarm(SILENCE, "ALARM", "OK")
    event["detail"]["alarmName"] = "eks-audit-bot-silence-staging"  # a misleading name
    change = alarm_change_from_event(event)
    result = cloudtrail.EventResult()
    alert = alarms.alert_for_alarm(change, Settings(TOPIC), catalog().aws, result)
    assert alert is not None
    assert alert.location.cluster == "prod-eu"


def test_alarms_of_others_and_non_recoveries_do_not_alert() -> None:
    result = cloudtrail.EventResult()
    other = alarm(SILENCE, "ALARM", "OK")
    other["detail"]["alarmName"] = "cpu-high"
    for raw in (
        other,
        alarm(SILENCE, "INSUFFICIENT_DATA", "OK"),
        alarm(SILENCE, "OK", "INSUFFICIENT_DATA"),
    ):
        assert (
            alarms.alert_for_alarm(alarm_change_from_event(raw), Settings(TOPIC), catalog(), result)
            is None
        )
    assert dict(result.dropped) == {"not_watched": 1, "insufficient_data": 1, "not_a_recovery": 1}


@pytest.mark.parametrize(
    ("raw", "missing"),
    [
        ({"eventName": "X"}, "eventID, eventSource, eventTime, userIdentity"),
        (copy.deepcopy(BASE) | {"userIdentity": "alice"}, "userIdentity"),
    ],
)
def test_a_record_missing_fields_says_which(raw: dict[str, Any], missing: str) -> None:
    with pytest.raises(InvalidEvent, match=re.escape(missing)):
        api_call_from_dict(raw)


def test_readme_tables_list_every_aws_rule() -> None:
    rows = re.findall(
        r"^\| `([a-z0-9-]+)` \| (cloudtrail|health) \| (\w+) \| (.+?) \|",
        (ROOT / "lambda" / "README.md").read_text(),
        re.MULTILINE,
    )
    assert rows == [(r.id, r.source, str(r.severity), r.title) for r in builtin_aws_rules()]
    readme = (ROOT / "docs" / "detection.md").read_text()
    for rule in builtin_aws_rules():
        assert f"| `{rule.id}` | {rule.source} | {rule.severity} | {rule.title} |" in readme


def test_the_catalog_file_is_valid_json_with_unique_ids() -> None:
    document = json.loads((ROOT / "lambda/eks_audit_bot/aws/rules.json").read_text())
    ids = [rule["id"] for rule in document["rules"]]
    assert len(ids) == len(set(ids))
    builtin = {rule.id for rule in RuleCatalog.load(Settings(TOPIC)).rules}
    assert not builtin & set(ids)
