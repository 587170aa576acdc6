"""AWS services recognised by exact forms only: a service-linked role by the path IAM
reserves at the start of the role's path, a service by `userIdentity.type = AWSService`. A
role whose path merely contains `/aws-service-role/` is a person, and so is a person who acts
through a service with her own credentials (`invokedBy`): "via CloudFormation"."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from eks_audit_bot import handler
from lambda_context import FakeContext
from support import Inbox, load_eventbridge_case, subscription_event
from test_handler_cases import delivered

GRANT = load_eventbridge_case("sso-user-grants-cluster-admin")["event"]
BINDING = json.loads(
    (Path(__file__).parent / "fixtures/rules/binding-privileged-role/fires.json").read_text()
)
ACCOUNT = "111122223333"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/{{role}}/{{session}}"


def grant_by(role_arn: str, session: str, **identity: Any) -> dict[str, Any]:
    """The cluster-admin grant, made by a session of `role_arn`."""
    event = copy.deepcopy(GRANT)
    who = event["detail"]["userIdentity"]
    role = role_arn.rsplit("/", 1)[-1]
    who["arn"] = SESSION.format(role=role, session=session)
    who["sessionContext"]["sessionIssuer"] |= {"arn": role_arn, "userName": role}
    who |= identity
    return event


@pytest.mark.parametrize(
    "role_arn",
    [
        f"arn:aws:iam::{ACCOUNT}:role/team/aws-service-role/eks.amazonaws.com/platform-admin",
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role-lookalike/eks.amazonaws.com/ops",
        f"arn:aws:iam::{ACCOUNT}:role/ops/AWSServiceRoleForAmazonEKS",
    ],
    ids=["path-contains-it", "prefix-lookalike", "service-name-elsewhere"],
)
def test_a_role_that_only_looks_like_a_service_linked_role_is_a_person(
    role_arn: str, inbox: Inbox
) -> None:
    assert handler.lambda_handler(grant_by(role_arn, "mallory"), FakeContext())["alerts"] == 1
    (note,) = delivered(inbox)
    assert note["attributes"]["rule"] == "eks-cluster-admin-granted"
    assert note["attributes"]["actor"] == "mallory"


def test_a_person_acting_through_cloudformation_is_the_person(inbox: Inbox) -> None:
    event = copy.deepcopy(GRANT)
    event["detail"]["userIdentity"]["invokedBy"] = "cloudformation.amazonaws.com"
    event["detail"] |= {
        "sourceIPAddress": "cloudformation.amazonaws.com",
        "userAgent": "cloudformation.amazonaws.com",
    }
    assert handler.lambda_handler(event, FakeContext())["alerts"] == 1
    (note,) = delivered(inbox)
    assert (note["attributes"]["rule"], note["attributes"]["actor"]) == (
        "eks-cluster-admin-granted",
        "alice@example.com",
    )
    assert "via CloudFormation" in note["email"]


@pytest.mark.parametrize(
    "event",
    [
        grant_by(
            f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
            "EKS",
        ),
        copy.deepcopy(GRANT)
        | {
            "detail": GRANT["detail"]
            | {"userIdentity": {"type": "AWSService", "invokedBy": "eks.amazonaws.com"}}
        },
    ],
    ids=["service-linked-role", "aws-service"],
)
def test_aws_services_in_their_exact_forms_are_automation(
    event: dict[str, Any], inbox: Inbox
) -> None:
    assert handler.lambda_handler(event, FakeContext())["alerts"] == 0
    assert inbox.received() == []


def binding_by(canonical_arn: str) -> dict[str, Any]:
    """The cluster-admin binding, by a session whose canonical ARN is `canonical_arn`."""
    event = copy.deepcopy(BINDING)
    role = canonical_arn.rsplit("/", 1)[-1]
    arn = SESSION.format(role=role, session="mallory")
    event["user"] |= {"username": arn}
    event["user"]["extra"] |= {"arn": [arn], "canonicalArn": [canonical_arn]}
    event["user"]["extra"]["sessionName"] = ["mallory"]
    return {
        "logGroup": "/aws/eks/prod-eu/cluster",
        "logStream": "kube-apiserver-audit-0a1b2c3d4e5f",
        "events": [event],
    }


@pytest.mark.parametrize(
    ("canonical_arn", "alerts"),
    [
        (f"arn:aws:iam::{ACCOUNT}:role/team/aws-service-role/eks.amazonaws.com/admin", 1),
        (f"arn:aws:iam::{ACCOUNT}:role/x/aws-service-role/eks.amazonaws.com/y/admin", 1),
        (f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForX", 0),
        (f"arn:aws:iam::{ACCOUNT}:role/ops/AWSServiceRoleForAmazonEKSNodegroup", 1),
    ],
    ids=["path-contains-it", "nested", "service-linked", "other-path"],
)
def test_kubernetes_requests_by_eks_service_roles_only_in_their_exact_forms(
    canonical_arn: str, alerts: int, inbox: Inbox
) -> None:
    result = handler.lambda_handler(subscription_event(binding_by(canonical_arn)), FakeContext())
    assert result["alerts"] == alerts
    if alerts:
        (note,) = delivered(inbox)
        assert note["attributes"]["rule"] == "binding-privileged-role"
