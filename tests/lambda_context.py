"""A stand-in for the Lambda context object the runtime passes to the handler."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FakeContext:
    function_name: str = "eks-audit-bot"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:eks-audit-bot"
    memory_limit_in_mb: int = 256
    aws_request_id: str = "6f1d2c3b-0000-4000-8000-000000000001"
    log_group_name: str = "/aws/lambda/eks-audit-bot"
    log_stream_name: str = "2026/11/20/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        """As if the invocation had just started with the module's default 60 s timeout."""
        return 60_000
