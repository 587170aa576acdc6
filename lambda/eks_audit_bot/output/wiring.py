"""The controls a deployment asked for, with their AWS clients: built once per cold start, and
only with a state table (`DEDUP_TABLE_NAME`) or `SECURITY_HUB_FINDINGS=true`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from eks_audit_bot.output import grouping, mutes, mutetable
from eks_audit_bot.output.controls import Controls
from eks_audit_bot.output.securityhub import Importer, Target
from eks_audit_bot.settings import ConfigError, HttpsFormat, Settings

if TYPE_CHECKING:
    from mypy_boto3_securityhub.client import SecurityHubClient

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=2, read_timeout=3)
ROLE_SESSION_SECONDS = 3600
ROLE_REUSE_SECONDS = 3000  # a role's client is made again before its credentials expire


def build(settings: Settings) -> Controls | None:
    table = settings.dedup_table_name
    if settings.mutes and not table:
        raise ConfigError("MUTES needs DEDUP_TABLE_NAME: mutes and their announcements live there")
    if not table and not settings.security_hub_findings:
        return None
    mute_table = grouper = None
    if table:
        client = boto3.client("dynamodb", region_name=settings.region or None, config=_CONFIG)
        mute_table = mutetable.MuteTable(client, table)
        if settings.group_window_minutes:
            grouper = grouping.Grouper(client, table, settings.group_window_minutes * 60)
    importer = None
    if settings.security_hub_findings:
        target = Target(settings.account_id, settings.region, settings.partition)
        importer = Importer(
            target, SecurityHubClients(settings).client, settings.security_hub_role_name
        )
    return Controls(
        mute_table,
        grouper,
        importer,
        [mutes.code_mute(spec) for spec in settings.mutes],
        chat=settings.https_format is HttpsFormat.CHATBOT,
    )


class SecurityHubClients:
    """A Security Hub client per account: this one's, or one acting through the account's
    `SECURITY_HUB_ROLE_NAME` role, remade before the role's credentials expire."""

    __slots__ = ("made", "settings")

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.made: dict[str, tuple[float, SecurityHubClient]] = {}

    def client(self, account: str) -> SecurityHubClient:
        now = time.monotonic()
        known = self.made.get(account)
        if known is not None and now - known[0] < ROLE_REUSE_SECONDS:
            return known[1]
        region = self.settings.region or None
        if account == self.settings.account_id or not self.settings.security_hub_role_name:
            made = boto3.client("securityhub", region_name=region, config=_CONFIG)
        else:
            role = f"arn:{self.settings.partition}:iam::{account}:role/"
            role += self.settings.security_hub_role_name
            creds = boto3.client("sts", region_name=region).assume_role(
                RoleArn=role, RoleSessionName="eks-audit-bot", DurationSeconds=ROLE_SESSION_SECONDS
            )["Credentials"]
            made = boto3.client(
                "securityhub",
                region_name=region,
                config=_CONFIG,
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
            )
        self.made[account] = (now, made)
        return made
