"""Each alert published once: a record per action in DynamoDB, through Powertools' idempotency
persistence layer (partition key `id`, TTL attribute `expiration`).

Before publishing, every alert *claims* its action with a conditional write (an in-progress
record that expires with the invocation): a claim fails when the action was already published
within the TTL — the alert is dropped — or when another invocation is publishing it right now —
the alert is held back and the batch retried, so it is never lost. After SNS accepted the
message the claim becomes "published" (for the TTL); when SNS did not, the claim is released
so the retry publishes it. If DynamoDB cannot be reached, the alert goes out anyway and the
error is reported: a duplicate is better than a missed change.

Imported only by deployments with a table (`DEDUP_TABLE_NAME`): the idempotency utility and a
DynamoDB client stay out of every other cold start.

The action is the alert's identity (`core.view.AlertView.identity`), what the request was, not
only its auditID (a client can choose that header): the feed says what makes its actions
different. The two stages of one `exec` share it; a second request reusing an auditID does
not, so a claim never holds back or drops a different action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import boto3
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from eks_audit_bot.core.view import AlertView

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer

KEY_PREFIX = "eks-audit-bot#alert"
_COMPLETED = STATUS_CONSTANTS["COMPLETED"]


@dataclass(frozen=True, slots=True)
class StoreError:
    alert: AlertView
    operation: str  # claim, confirm or release
    detail: str


@dataclass(slots=True)
class Claim[A: AlertView]:
    """What publishing may go ahead with: `fresh` alerts (claimed, or unclaimed because the
    table failed), and what was held back."""

    fresh: list[A] = field(default_factory=list)
    claimed: list[A] = field(default_factory=list)
    published: list[A] = field(default_factory=list)  # already out: dropped
    in_progress: list[A] = field(default_factory=list)  # another invocation has them
    errors: list[StoreError] = field(default_factory=list)


def action_of(alert: AlertView) -> dict[str, str]:
    """The identity of an alert's action: equal for re-deliveries and an exec's two stages."""
    return alert.identity()


@dataclass(slots=True)
class Ledger:
    """Claims and settles alerts in a Powertools persistence layer (DynamoDB in the function)."""

    store: BasePersistenceLayer
    remaining_ms: Callable[[], int]

    def claim[A: AlertView](self, alerts: Iterable[A]) -> Claim[A]:
        claim: Claim[A] = Claim()
        for alert in alerts:
            try:
                self.store.save_inprogress(action_of(alert), self.remaining_ms())
            except IdempotencyItemAlreadyExistsError as err:
                held = err.old_data_record
                done = held is None or held.status == _COMPLETED
                (claim.published if done else claim.in_progress).append(alert)
                continue
            except (ClientError, BotoCoreError) as err:
                claim.errors.append(StoreError(alert, "claim", _describe(err)))
            else:
                claim.claimed.append(alert)
            claim.fresh.append(alert)
        return claim

    def settle(
        self, published: Sequence[AlertView], failed: Sequence[AlertView]
    ) -> list[StoreError]:
        """Published alerts are remembered for the TTL; failed ones released for the retry."""
        errors = []
        for alert in published:
            try:
                self.store.save_success(action_of(alert), {})
            except (ClientError, BotoCoreError) as err:
                errors.append(StoreError(alert, "confirm", _describe(err)))
        errors += self.release(failed)
        return errors

    def release(self, alerts: Iterable[AlertView]) -> list[StoreError]:
        errors = []
        for alert in alerts:
            try:
                self.store.delete_record(action_of(alert), RuntimeError("not published"))
            except (ClientError, BotoCoreError) as err:
                errors.append(StoreError(alert, "release", _describe(err)))
        return errors


def configure(store: BasePersistenceLayer, ttl_seconds: int) -> BasePersistenceLayer:
    """The persistence layer set up for alert records: sha256 keys under one prefix, so every
    function writing to the table agrees on them, and the TTL."""
    config = IdempotencyConfig(
        expires_after_seconds=ttl_seconds,
        hash_function="sha256",
        raise_on_no_idempotency_key=True,
    )
    store.configure(config, key_prefix=KEY_PREFIX)
    return store


def _describe(err: Exception) -> str:
    if isinstance(err, ClientError):
        return err.response.get("Error", {}).get("Code", "ClientError")
    return type(err).__name__


def dynamodb_store(table_name: str, ttl_seconds: int, region: str) -> BasePersistenceLayer:
    """The table as a persistence layer; short timeouts and few retries, so that an outage
    costs seconds, not the invocation (alerts then go out unrecorded)."""
    client = boto3.client(
        "dynamodb",
        region_name=region or None,
        config=Config(
            retries={"mode": "standard", "max_attempts": 2}, connect_timeout=2, read_timeout=3
        ),
    )
    return configure(
        DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client), ttl_seconds
    )
