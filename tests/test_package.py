"""The committed function zip runs on its own: only the runtime's boto3 and the Powertools layer.

The interpreter starts without site processing, so the editable install of the source tree is
invisible; third-party packages come from site-packages, our code only from the zip.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from support import load_case, subscription_event

ZIP = Path(__file__).parents[1] / "lambda" / "eks-audit-bot.zip"

PROGRAM = """
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from eks_audit_bot.detection import pipeline
from eks_audit_bot.settings import Settings
from eks_audit_bot.sources.cloudwatch import decode_payload
from eks_audit_bot.model.alert import Location, cluster_name
from eks_audit_bot.detection.rules import RuleCatalog
import eks_audit_bot.handler
assert eks_audit_bot.__file__.startswith(sys.argv[1]), eks_audit_bot.__file__
settings = Settings("arn:aws:sns:eu-west-1:111122223333:t")
batch = decode_payload(json.loads(sys.stdin.read()))
location = Location(cluster_name(batch.log_group), batch.log_group)
result = pipeline.process(batch.records, location, settings,
                          RuleCatalog.load(settings))
print(json.dumps([alert.rule.rule_id for alert in result.alerts]))
"""


def test_the_zip_alone_runs_the_pipeline() -> None:
    case = load_case("iam-user-kubernetes-admin-create-clusterrolebinding")
    completed = subprocess.run(
        [sys.executable, "-S", "-c", PROGRAM, str(ZIP), sysconfig.get_paths()["purelib"]],
        input=json.dumps(subscription_event(case)),
        capture_output=True,
        text=True,
        check=False,
        env={"AWS_REGION": "eu-west-1", "POWERTOOLS_METRICS_NAMESPACE": "Test"},
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == ["binding-privileged-role"]


def test_the_zip_leaves_out_what_the_function_never_runs() -> None:
    names = zipfile.ZipFile(ZIP).namelist()
    assert "eks_audit_bot/handler.py" in names
    assert "eks_audit_bot/detection/rules.json" in names
    assert not [
        name
        for name in names
        if name.startswith(("eks_audit_bot/cli/", "eks_audit_bot/filter_pattern/"))
    ]
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(ZIP).infolist())
