"""`eks-audit-bot replay`: the alerts, counts that add up, the summary that explains a quiet
result, digests that say where and when, and what the user reads when they cannot be sent."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cli_support import (
    CLI,
    EVENTS,
    EXPECTED_ALERTS,
    FORMATS,
    alerts_seen,
    events_text,
    numbered,
    run,
)

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "lambda/eks_audit_bot/output/schema/alert.schema.json").read_text()
)
INTERNAL_CODES = ("stage_", "read_only", "duplicate_stage", "below_min_severity", "dry_run")


@pytest.mark.parametrize("name", FORMATS)
def test_replay_json_shows_who_did_what(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", "--json", CLI / name)
    assert code == 0
    assert alerts_seen(out) == EXPECTED_ALERTS
    # Argo CD's Deployment patch reaches the Lambda since issue 17, which spares it (its job).
    assert "The Lambda judged 6: 4 alerts, 2 quiet." in err
    assert "Sent as 4 messages (1 high, 3 medium)." in err


def _counts(err: str) -> dict[str, int]:
    """The numbers of the summary's first two lines, by what they count."""
    first, second = err.splitlines()[:2]
    read = re.match(r"Read ([\d,]+) log events", first)
    assert read, first
    found = {"read": int(read[1].replace(",", ""))}
    for number, what in re.findall(r"([\d,]+) (passed|did not|reached|from other|bad)", first):
        found[what] = int(number.replace(",", ""))
    judged = re.match(r"The Lambda judged ([\d,]+): ([\d,]+) alerts?, ([\d,]+) quiet", second)
    assert judged, second
    found["judged"], found["alerts"], found["quiet"] = (int(n) for n in judged.groups())
    unread = re.search(r"([\d,]+) it could not read", second)
    found["unjudged"] = int(unread[1]) if unread else 0
    return found


@pytest.mark.parametrize("pattern", [[], ["--no-pattern"]], ids=["pattern", "no-pattern"])
@pytest.mark.parametrize("name", [*FORMATS, "bad-lines.jsonl"])
def test_every_log_event_is_counted_once(
    name: str, pattern: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = run(capsys, "replay", *pattern, CLI / name)
    n = _counts(err)
    passed = n.get("passed", n.get("reached", 0))
    parts = passed + n.get("did not", 0) + n.get("from other", 0) + n.get("bad", 0)
    assert n["read"] == parts, err
    assert passed == n["judged"] + n["unjudged"], err
    assert n["judged"] == n["alerts"] + n["quiet"], err


def test_bad_lines_are_counted_with_the_rest(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, "replay", CLI / "bad-lines.jsonl")
    assert err.startswith("Read 7 log events: 2 passed the filter pattern, 0 did not, 5 bad.\n")
    assert "Bad lines: 5 (skipped, as the Lambda would)" in err


def test_replay_text_is_what_an_email_subscriber_reads(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", CLI / "subscription.jsonl")
    assert code == 0
    subjects = [line for line in out.splitlines() if line.startswith("Subject: ")]
    assert subjects == [
        "Subject: [MEDIUM] alice@example.com deleted secrets payments/db-creds in prod-eu",
        "Subject: [HIGH] bob created clusterrolebindings temp-admin in prod-eu",
        "Subject: [MEDIUM] alice@example.com exec'd into pods payments/api-7d9f8c6b5-x2x9k"
        " in prod-eu",
        "Subject: [MEDIUM] carol@example.com was denied: delete namespaces staging in prod-eu",
    ]
    assert "IAM identity:     arn:aws:iam::111122223333:user/bob" in out
    assert "Account:   111122223333" in out  # the payload's owner
    assert "1 from other log streams" in err.splitlines()[0]
    assert "another stage of a request already judged" in err


def _rows(err: str, title: str) -> list[list[str]]:
    """The rows of the summary table under `title`, as cells split on runs of spaces."""
    lines = err.splitlines()
    start = lines.index(title) + 3  # title, header, rule
    rows = []
    for line in lines[start:]:
        if not line.strip() or line.startswith(("hint:", "Bad lines")):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def test_the_summary_ends_with_alerts_by_rule_person_and_severity(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, err = run(capsys, "replay", EVENTS)
    assert _rows(err, "Alerts by rule, person and severity") == [
        ["clusterrolebinding-changed", "bob", "high", "1"],
        ["exec-into-pod", "alice@example.com", "medium", "1"],
        ["namespace-deleted", "carol@example.com", "medium", "1"],
        ["secret-changed", "alice@example.com", "medium", "1"],
    ]


def test_why_quiet_names_reasons_and_identities_in_plain_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, err = run(capsys, "replay", "--no-pattern", EVENTS)
    rows = {row[0]: row[1:] for row in _rows(err, "Why the rest stayed quiet")}
    automation = rows["automation (service accounts, nodes, system:*, eks:*, yours)"]
    assert automation[0] == "3"
    assert "argocd/argocd-application-controller 1" in automation[1]
    assert "eks:addon-manager 1" in automation[1]
    reads = rows["reads no rule names (get, list, watch)"]
    assert reads == ["2", "carol@example.com 1, alice@example.com 1"]
    assert rows["stage RequestReceived (a request is judged once, when complete)"] == [
        "1",
        "alice@example.com 1",
    ]
    assert not [code for code in INTERNAL_CODES if code in err]


def test_an_empty_result_explains_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = EVENTS.read_text().splitlines()
    # The kubelet renewing its lease: automation the pattern leaves out (Argo CD's Deployment
    # patches reach the function since issue 17, which spares them: whose job it is).
    automation = [line for line in lines if "system:node:" in line]
    node = "i-0a1b2c3d4e5f60718"  # the node's instance, from its IAM session
    log = tmp_path / "controllers.jsonl"
    log.write_text(numbered(automation, 40))
    code, out, err = run(capsys, "replay", log)
    assert (code, out) == (0, "")
    assert "Read 40 log events: 0 passed the filter pattern, 40 did not." in err
    assert "Nothing reached the Lambda's logic." in err
    (row,) = _rows(err, "Why there are no alerts")
    assert row[:2] == ["left out by the filter pattern (never delivered)", "40"]
    assert f"{node} 40" in row[2]
    assert "hint: --no-pattern shows what the Lambda alone decides" in err
    _, _, err = run(capsys, "replay", "--no-pattern", log)
    (row,) = _rows(err, "Why there are no alerts")
    assert row[1:] == ["40", f"{node} 40"]
    assert "--alert-on-automation shows what they did" in err


def test_replay_cluster_option_and_unknown_default(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "replay", "--json", EVENTS)
    assert {json.loads(line)["where"]["cluster"] for line in out.splitlines()} == {"unknown"}
    _, out, _ = run(capsys, "replay", "--json", "--cluster", "payments-prod", EVENTS)
    where = json.loads(out.splitlines()[0])["where"]
    assert where == where | {
        "cluster": "payments-prod",
        "log_group": "/aws/eks/payments-prod/cluster",
    }


def test_replay_pattern_and_settings(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run(capsys, "replay", "--json", "--pattern", '{ $.verb = "delete" }', EVENTS)
    assert alerts_seen(out) == [EXPECTED_ALERTS[0], EXPECTED_ALERTS[3]]
    assert "3 passed the filter pattern, 8 did not" in err  # with the RequestReceived stage
    _, out, err = run(capsys, "replay", "--json", "--min-severity", "HIGH", EVENTS)
    assert alerts_seen(out) == [EXPECTED_ALERTS[1]]
    assert "below --min-severity" in err
    _, out, _ = run(capsys, "replay", "--json", "--no-pattern", "--alert-on-automation", EVENTS)
    assert "system:serviceaccount:argocd:argocd-application-controller" in out
    _, out, _ = run(
        capsys, "replay", "--json", "--automation-principal", "arn:aws:iam::*:user/bob", EVENTS
    )
    assert EXPECTED_ALERTS[1] not in alerts_seen(out)


def test_replay_folds_repeats_into_digests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text(numbered(EVENTS.read_text().splitlines()[1:2], 12))
    _, out, err = run(capsys, "replay", "--json", many)
    (digest,) = [json.loads(line) for line in out.splitlines()]
    assert digest["kind"] == "digest"
    assert "The Lambda judged 12: 12 alerts, 0 quiet.\nSent as 1 message (1 medium)." in err


def _v1beta1(event: dict[str, Any], index: int) -> dict[str, Any]:
    """An `audit.k8s.io/v1beta1` event of an old API server: one `timestamp`, no others."""
    event["apiVersion"] = "audit.k8s.io/v1beta1"
    for key in ("requestReceivedTimestamp", "stageTimestamp"):
        event.pop(key, None)
    event["timestamp"] = f"2017-09-11T19:57:{index:02d}Z"
    event["objectRef"]["name"] = f"role-{index}"
    return event


def test_a_v1beta1_digest_says_where_and_when(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deletes = [line for line in EVENTS.read_text().splitlines() if '"db-creds"' in line][-1:]
    log = tmp_path / "old.jsonl"
    log.write_text(events_text(deletes, 7, _v1beta1))
    where = ["--cluster", "dev", "--account-id", "111122223333", "--account-name", "dev"]
    _, out, err = run(capsys, "replay", *where, "--region", "eu-west-1", log)
    members = [line for line in out.splitlines() if line.startswith("  - ")]
    assert [line.split()[1] for line in members] == [
        f"2017-09-11T19:57:{index:02d}Z" for index in range(7)
    ]
    assert "Cluster: dev | Account: 111122223333 (dev) | Region: eu-west-1" in out
    link = out.split("Find the first in CloudWatch Logs Insights:\n", 1)[1].splitlines()[0]
    assert link.startswith("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu")
    assert "start~'2017-09-11T19*3A52*3A00.000Z" in link  # the event's own time, not now
    assert "end~'2017-09-11T20*3A02*3A00.000Z" in link
    assert "~source~(~'*2Faws*2Feks*2Fdev*2Fcluster)" in link
    assert "no Logs Insights links" not in err


def test_without_a_region_there_is_no_misleading_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deletes = [line for line in EVENTS.read_text().splitlines() if '"db-creds"' in line][-1:]
    log = tmp_path / "old.jsonl"
    log.write_text(events_text(deletes, 7, _v1beta1))
    _, out, err = run(capsys, "replay", log)
    assert "https://" not in out
    assert "Cluster: unknown\n" in out  # no empty "Account: () | Region: "
    assert "hint: no Logs Insights links without the cluster's region: give --region" in err
    _, out, err = run(capsys, "replay", "--region", "eu-west-1", log)
    assert "https://" not in out
    assert "hint: no Logs Insights links without a log group: give --cluster" in err
    _, out, _ = run(capsys, "replay", "--json", log)
    document = json.loads(out)
    assert document["links"] == {}
    assert {member["time"] for member in document["members"]} >= {"2017-09-11T19:57:00Z"}
    jsonschema.validate(document, SCHEMA)
