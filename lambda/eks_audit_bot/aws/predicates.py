"""Named content checks on an AWS API call that CloudTrail rules use beside event names.

Each reads `requestParameters` as CloudTrail logs it (the API's request body plus its path
parameters: `name` is the cluster). Values are caller-controlled, so every check is a typed
read that is false when the value is missing or of another type.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping

from eks_audit_bot.aws.api_call import ApiCall
from eks_audit_bot.core.jsonvalue import mapping, mappings, strings, text

type ApiPredicate = Callable[[ApiCall], bool]

CLUSTER_ADMIN_POLICIES = frozenset({"AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy"})


def disables_audit_log(call: ApiCall) -> bool:
    """`logging.clusterLogging` turns the `audit` log type off."""
    setups = mappings(mapping(call.parameter("logging")).get("clusterLogging"))
    return any(
        setup.get("enabled") is False and "audit" in strings(setup.get("types")) for setup in setups
    )


def grants_cluster_admin(call: ApiCall) -> bool:
    """The associated access policy is AmazonEKSClusterAdminPolicy or AmazonEKSAdminPolicy."""
    return policy_name(call) in CLUSTER_ADMIN_POLICIES


def opens_public_endpoint(call: ApiCall) -> bool:
    """The public endpoint is turned on, or allowed from 0.0.0.0/0 or ::/0."""
    vpc = mapping(call.parameter("resourcesVpcConfig"))
    if vpc.get("endpointPublicAccess") is True:
        return True
    return any(is_whole_internet(cidr) for cidr in strings(vpc.get("publicAccessCidrs")))


def changes_authentication_mode(call: ApiCall) -> bool:
    return bool(text(mapping(call.parameter("accessConfig")).get("authenticationMode")))


def disables_deletion_protection(call: ApiCall) -> bool:
    return call.parameter("deletionProtection") is False


def disables_rule(call: ApiCall) -> bool:
    """DisableRule, DeleteRule, RemoveTargets, or a PutRule that sets the state to DISABLED."""
    if call.event_name != "PutRule":
        return True
    return text(call.parameter("state")).upper() == "DISABLED"


def disables_event_source_mapping(call: ApiCall) -> bool:
    """DeleteEventSourceMapping, or an UpdateEventSourceMapping that sets `enabled` to false."""
    if call.event_name == "DeleteEventSourceMapping":
        return True
    return call.parameter("enabled") is False


def drops_management_events(call: ApiCall) -> bool:
    """PutEventSelectors or PutAdvancedEventSelectors that leave the trail no selector logging
    management write events (EventBridge then receives no API calls through this trail)."""
    if "advancedEventSelectors" in call.request:
        selectors = mappings(call.parameter("advancedEventSelectors"))
        return not any(_logs_management_writes(selector) for selector in selectors)
    return not any(
        selector.get("includeManagementEvents") is not False
        and text(selector.get("readWriteType")) != "ReadOnly"
        for selector in mappings(call.parameter("eventSelectors"))
    )


def _logs_management_writes(selector: Mapping[str, object]) -> bool:
    fields = {text(item.get("field")): item for item in mappings(selector.get("fieldSelectors"))}
    category = fields.get("eventCategory")
    if category is None or "Management" not in strings(category.get("equals")):
        return False
    read_only = fields.get("readOnly")
    return read_only is None or strings(read_only.get("equals")) != ["true"]


def policy_name(call: ApiCall) -> str:
    """`AmazonEKSClusterAdminPolicy` for its ARN in `policyArn`."""
    return text(call.parameter("policyArn")).rsplit("/", 1)[-1]


def is_whole_internet(cidr: str) -> bool:
    """A prefix of length 0 (`0.0.0.0/0`, `::/0`, or any spelling of them)."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


API_PREDICATES: Mapping[str, ApiPredicate] = {
    "disables-audit-log": disables_audit_log,
    "grants-cluster-admin": grants_cluster_admin,
    "opens-public-endpoint": opens_public_endpoint,
    "changes-authentication-mode": changes_authentication_mode,
    "disables-deletion-protection": disables_deletion_protection,
    "disables-rule": disables_rule,
    "disables-event-source-mapping": disables_event_source_mapping,
    "drops-management-events": drops_management_events,
}
