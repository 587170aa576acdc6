"""`replay --sns-topic-arn`: the Lambda's own publisher on the user's AWS credentials.

Credentials are resolved before the first line is read, so a missing login is one clear
message with what to do, not the same botocore error once per alert.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

import boto3
from botocore.exceptions import BotoCoreError

from eks_audit_bot.cli.replay import PublishSink
from eks_audit_bot.cli.terminal import plural, safe
from eks_audit_bot.output.sns import Failure, Publisher

DETAIL_LIMIT = 300
GROUPS_SHOWN = 5
HINT = (
    "To publish, sign in first (`aws sso login --profile NAME`, then AWS_PROFILE=NAME), or set "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Without --sns-topic-arn, replay prints "
    "the alerts instead of publishing them."
)


class NotConfigured(Exception):
    """No usable AWS credentials: nothing can be published (exit 1)."""


def publisher(topic_arn: str) -> Publisher:
    """A publisher in the topic's own region (SNS publishes only there), with credentials
    from the default chain (environment, profile, SSO, instance role), checked now."""
    region = topic_arn.split(":")[3]
    try:
        session = boto3.session.Session()
        credentials = session.get_credentials()
        if credentials is None:
            raise NotConfigured(_message("no AWS credentials found", topic_arn))
        credentials.get_frozen_credentials()  # an SSO session or a role is resolved here
        client = session.client("sns", region_name=region)
    except BotoCoreError as err:
        raise NotConfigured(_message(str(err), topic_arn)) from err
    return Publisher(client, topic_arn)


def not_configured(failure: Failure, topic_arn: str) -> NotConfigured:
    """Credentials that stopped working halfway (an SSO session expired during the replay)."""
    return NotConfigured(_message(f"{failure.code}: {failure.detail}", topic_arn))


def _message(problem: str, topic_arn: str) -> str:
    return f"cannot publish to {topic_arn}: {safe(problem)}\n{HINT}"


def report(sink: PublishSink, topic_arn: str, err: TextIO) -> int:
    """What was published, and each distinct failure once with how many messages it hit."""
    failed = len(sink.failures)
    total = sink.published + failed
    err.write(f"Published {sink.published:,} of {plural(total, 'message')} to {topic_arn}\n")
    groups = Counter((failure.code, failure.detail[:DETAIL_LIMIT]) for failure in sink.failures)
    for (code, detail), count in groups.most_common(GROUPS_SHOWN):
        err.write(f"error: {count:,} not published ({safe(code)}): {safe(detail)}\n")
    if len(groups) > GROUPS_SHOWN:
        err.write(f"error: ... and {plural(len(groups) - GROUPS_SHOWN, 'other error')}\n")
    return 1 if failed else 0
