"""Credentials where they should not be: ConfigMaps that hold them, exec commands that take them.

Only names come out of here (a ConfigMap key, the kind of credential it looks like), never a
value: alerts and logs must not carry what they warn about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eks_audit_bot.core.jsonvalue import mapping, strings, text
from eks_audit_bot.kube.audit import AuditEvent

# A key (a ConfigMap key, or a `key = value` / `"key": value` inside a value) ending in a
# credential word: `db.password`, `aws_secret_access_key`, `apiKey`; not `secret-name`.
_KEY = (
    r"(?:pass(?:word|wd|phrase)?|pwd|secret|credentials?"
    r"|(?:api|access|secret|private|auth|client)[._-]?(?:key|token|secret)(?:[._-]?id)?"
    r"|(?:auth|access|refresh|bearer|api)?[._-]?token)"
)
_CREDENTIAL_KEY = re.compile(rf"(?:^|[._-]){_KEY}$", re.IGNORECASE)
_VALUE_SHAPES = (
    (
        "a credential setting",
        # `db_password: x` is found at `password`: no leading `[\w.-]*`, which made a search
        # quadratic on a long run of word characters (a 16 KB value took half a minute).
        re.compile(rf"{_KEY}[\"']?\s*[:=]\s*[\"']?[^\s\"',}}]", re.IGNORECASE),
    ),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    (
        "a GitHub or Slack token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,})"),
    ),
    # A scheme of at most 31 characters from a word boundary, as `output.safety` reads them:
    # unbounded, a long run of letters made each search quadratic.
    (
        "a URL with a password",
        re.compile(r"\b[a-z][a-z0-9+.-]{0,30}://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE),
    ),
)
_CREDENTIAL_NAME = re.compile(
    r"pass(?:word|wd)|secret|credential|token|private[._-]?key|api[._-]?key", re.IGNORECASE
)
_SCAN_LIMIT = 65536  # characters of each value looked at: a credential is near the top

# Where a pod keeps the credentials an exec can take: service-account and cloud tokens,
# kubeconfigs, SSH keys, and the instance/pod-identity credential endpoints.
_TOKENS = "mounted service-account or cloud tokens"
_POD_IDENTITY = "the Pod Identity credential endpoint"
_IMDS = "the instance metadata service"
_CREDENTIAL_PLACES = (
    ("/run/secrets/", _TOKENS),  # also /var/run/secrets/
    ("serviceaccount/token", _TOKENS),
    ("aws_web_identity_token_file", _TOKENS),
    ("aws_container_authorization_token", _POD_IDENTITY),
    ("169.254.170.2", _POD_IDENTITY),  # also .23, EKS Pod Identity
    ("fd00:ec2::23", _POD_IDENTITY),
    ("169.254.169.254", _IMDS),
    ("fd00:ec2::254", _IMDS),
    ("/var/lib/kubelet/", "the kubelet's files"),
    ("/etc/kubernetes/", "the node's Kubernetes configuration"),
    ("/.kube/config", "a kubeconfig"),
    ("/.aws/credentials", "an AWS credentials file"),
    ("/.ssh/", "SSH keys"),
)
_WORDS = re.compile(r"[^\s;&|()<>`'\"]+")


def configmap_hints(obj: Mapping[str, Any], name: str) -> list[str]:
    """What about a ConfigMap looks like credentials, by key name; empty when nothing does."""
    hints = []
    if _CREDENTIAL_NAME.search(name):
        hints.append(f"the name {name!r} suggests credentials")
    for key, value in sorted(mapping(obj.get("data")).items()):
        found = _value_shape(text(value))
        if _CREDENTIAL_KEY.search(key):
            hints.append(f"key {key} is named like a credential")
        elif found:
            hints.append(f"key {key} holds {found}")
    hints += [
        f"key {key} is named like a credential"
        for key in sorted(mapping(obj.get("binaryData")))
        if _CREDENTIAL_KEY.search(key)
    ]
    return hints


def exec_command(event: AuditEvent) -> list[str]:
    """The command of an exec: from the query string, else from a logged PodExecOptions body."""
    command = parse_qs(urlsplit(event.request_uri).query).get("command", [])
    if not command and event.request_object:
        command = strings(event.request_object.get("command"))
    return command


def copies_files(command: list[str]) -> bool:
    """`kubectl cp` runs `tar` in the container, in either direction."""
    return any(word.rsplit("/", 1)[-1] == "tar" for word in _words(command))


def credential_places(command: list[str]) -> list[str]:
    """What credentials a command reaches for (token files, metadata endpoints...), in words."""
    joined = " ".join(command).lower()
    return list(dict.fromkeys(label for place, label in _CREDENTIAL_PLACES if place in joined))


def _value_shape(value: str) -> str:
    head = value[:_SCAN_LIMIT]
    return next((label for label, shape in _VALUE_SHAPES if shape.search(head)), "")


def _words(command: list[str]) -> list[str]:
    """Every word of every argument, so `sh -c "tar cf - /data"` shows its `tar`."""
    return [word for argument in command for word in _WORDS.findall(argument)]
