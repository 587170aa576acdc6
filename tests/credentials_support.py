"""CloudTrail records and audit events of a person behind a generic role session, shared by
the tests of the person behind a credential (`test_people*.py`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from support import REGION, subscription_event

ACCOUNT = "111122223333"
FIXTURES = Path(__file__).parent / "fixtures" / "eventbridge"
KEY = "ASIAQEXAMPLEGETTOKEN"  # the credential `aws eks get-token` obtained
# A link lives as long as its credential: one that expires an hour from now (the real clock:
# the table's TTL and the resolver compare with it).
EXPIRES = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/eks-admin"
SSO_ALICE = (
    f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b/"
    "alice@example.com"
)


def assume_role(key: str = KEY, **response: Any) -> dict[str, Any]:
    """The CloudTrail record of alice (an Identity Center user) assuming eks-admin for
    `aws eks get-token --role-arn`, as EventBridge delivers it."""
    detail = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROA3EXAMPLEEXAMPLE01:alice@example.com",
            "arn": SSO_ALICE,
            "accountId": ACCOUNT,
            "accessKeyId": "ASIAQEXAMPLECALLER01",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/"
                    "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b",
                }
            },
        },
        "eventTime": "2026-11-20T10:02:41Z",
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRole",
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.17.4 md/command#eks.get-token",
        "requestParameters": {"roleArn": ROLE, "roleSessionName": "EKSGetTokenAuth"},
        "responseElements": {
            "credentials": {
                "accessKeyId": key,
                "expiration": EXPIRES.strftime("%b %d, %Y, %I:%M:%S %p"),
            },
            "assumedRoleUser": {
                "assumedRoleId": "AROAQEXAMPLEEKSADMIN:EKSGetTokenAuth",
                "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/eks-admin/EKSGetTokenAuth",
            },
            **response,
        },
        "eventID": "3e1f0c52-2d1b-4a8e-9d3c-5b6a7e8f9a01",
        "readOnly": True,
        "recipientAccountId": ACCOUNT,
    }
    return {
        "version": "0",
        "id": "9b2c0001-0c1d-4e2f-8a9b-1c2d3e4f5a6b",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.sts",
        "account": ACCOUNT,
        "time": "2026-11-20T10:02:41Z",
        "region": REGION,
        "resources": [],
        "detail": detail,
    }


def admin_change(key: str = KEY, session: str = "EKSGetTokenAuth") -> dict[str, Any]:
    """`kubectl delete secret` by kubernetes-admin (aws-auth maps eks-admin to it)."""
    return {
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": "5d0c8f1e-7a2b-4c3d-8e9f-0a1b2c3d4e5f",
        "stage": "ResponseComplete",
        "requestURI": "/api/v1/namespaces/payments/secrets/db-password",
        "verb": "delete",
        "user": {
            "username": "kubernetes-admin",
            "uid": f"aws-iam-authenticator:{ACCOUNT}:AROAQEXAMPLEEKSADMIN",
            "groups": ["system:masters", "system:authenticated"],
            "extra": {
                "accessKeyId": [key],
                "arn": [f"arn:aws:sts::{ACCOUNT}:assumed-role/eks-admin/{session}"],
                "canonicalArn": [ROLE],
                "principalId": ["AROAQEXAMPLEEKSADMIN"],
                "sessionName": [session],
            },
        },
        "sourceIPs": ["203.0.113.10"],
        "userAgent": "kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350",
        "objectRef": {"resource": "secrets", "namespace": "payments", "name": "db-password"},
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": "2026-11-20T10:04:12.512345Z",
        "stageTimestamp": "2026-11-20T10:04:12.530123Z",
        "annotations": {"authorization.k8s.io/decision": "allow"},
    }


def audit_log(*events: dict[str, Any]) -> dict[str, Any]:
    case = {
        "logGroup": "/aws/eks/prod/cluster",
        "logStream": "kube-apiserver-audit-0123456789abcdef",
        "events": list(events),
    }
    return subscription_event(case, owner=ACCOUNT)


def admin_grant(key: str = KEY, session: str = "EKSGetTokenAuth") -> dict[str, Any]:
    """`aws eks associate-access-policy` (cluster admin for a contractor role) by the eks-admin
    role session `aws eks get-token` made, as EventBridge delivers the CloudTrail record."""
    case = json.loads((FIXTURES / "sso-user-grants-cluster-admin.json").read_text())
    event: dict[str, Any] = case["event"]
    detail = event["detail"]
    detail["userIdentity"] = {
        "type": "AssumedRole",
        "principalId": f"AROAQEXAMPLEEKSADMIN:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/eks-admin/{session}",
        "accountId": ACCOUNT,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "arn": ROLE, "accountId": ACCOUNT},
            "attributes": {"creationDate": "2026-11-20T10:02:41Z", "mfaAuthenticated": "false"},
        },
    }
    detail["eventTime"] = event["time"] = "2026-11-20T10:05:30Z"
    return event
