"""The words of `eks-audit-bot --help`: what each command is for, the inputs, examples."""

from __future__ import annotations

DESCRIPTION = """\
Try eks-audit-bot on your own audit logs before deploying it: which events a CloudWatch Logs
filter pattern lets through (test-pattern), and which alerts the Lambda would send (replay)."""

INPUTS = """\
inputs (files, or - for stdin; several allowed; gzip is detected by its magic bytes):
  - JSON lines: one audit event per line (kube-apiserver audit log, `kubectl logs`, exports);
    lines may also be subscription payloads {"awslogs": {"data": ...}}, decoded payloads
    {"logEvents": [...]}, compact `filter-log-events` pages or Insights rows {"@message": ...}.
    Streamed line by line: memory stays flat however large the file.
  - `aws logs filter-log-events` output (pretty-printed JSON, several pages one after the
    other is fine) and JSON arrays of {"@message": ...} exported from the console or Logs
    Insights. These documents are loaded whole into memory.
  - CSV exported from Logs Insights or the console, with a @message column (streamed).
Bad lines are counted and listed by file and line (the first 20), never fatal.
exit status: 0 ok; 1 an input could not be read, or alerts were not published (no AWS
credentials, a failed publish); 2 usage error, bad filter pattern or bad setting."""

TEST_PATTERN_EPILOG = f"""\
examples:
  # the default pattern (the one the Terraform module generates) against a day of audit logs
  eks-audit-bot test-pattern audit-2025-06-01.jsonl.gz
  # your own pattern, listing every matching event (time, who, verb, resource, ns/name)
  eks-audit-bot test-pattern --pattern-file pattern.txt --show-matches audit.jsonl
  # straight from CloudWatch Logs
  aws logs filter-log-events --log-group-name /aws/eks/prod/cluster \\
      --log-stream-name-prefix kube-apiserver-audit --start-time 1735689600000 \\
    | eks-audit-bot test-pattern --pattern '{{ $.verb = "delete" }}' -

{INPUTS}"""

REPLAY_EPILOG = f"""\
examples:
  # the alerts last week's audit log would have sent, as email text
  eks-audit-bot replay --cluster prod --region eu-west-1 audit.jsonl.gz
  # as the JSON documents queues and functions receive, one per line, high and critical only
  eks-audit-bot replay --json --min-severity high audit.jsonl | jq .summary
  # without the pattern: what the Lambda alone decides
  eks-audit-bot replay --no-pattern logs-insights-export.csv
  # publish them for real (normal AWS credential chain: env, profile, SSO, instance role)
  AWS_PROFILE=ops eks-audit-bot replay --sns-topic-arn arn:aws:sns:eu-west-1:111122223333:eks \\
      subscription-payloads.jsonl

Events that pass the pattern reach the Lambda's logic in chunks of --chunk-size from one log
group and stream, as subscription batches do: one alert per auditID (the stage that speaks for
it), digests of repeats and the per-invocation cap all apply within a chunk. The summary on
stderr ends with the alerts by rule, person and severity, and with why the rest stayed quiet.

{INPUTS}"""
