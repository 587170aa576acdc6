"""What a request URI says, read as the API server reads it: the object, and a dry run.

The API server fills an audit event's `objectRef` from the request path (`RequestInfo`):
`/apis/<group>/<version>/namespaces/<ns>/<resource>/<name>/<subresource>`. When CloudWatch
Logs cut a line before `objectRef` (a long `X-Forwarded-For` fills `sourceIPs`, which comes
first), the same reading of `requestURI` recovers it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

# `namespaces/<ns>/status` and `/finalize` are subresources of the namespace itself.
_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})


def object_ref_of(request_uri: str) -> dict[str, str] | None:
    """The `objectRef` members of a resource request, or None for a non-resource URL
    (`/healthz`, `/version`, discovery), which has no object."""
    parts = [unquote(part) for part in urlsplit(request_uri).path.strip("/").split("/")]
    if parts[0] == "api" and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[0] == "apis" and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    if rest[0] == "watch":  # the deprecated /watch/ prefix
        rest = rest[1:]
    namespace = ""
    if rest and rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    if not rest or not rest[0]:
        return None
    fields = {
        "resource": rest[0],
        "name": rest[1] if len(rest) > 1 else "",
        "subresource": rest[2] if len(rest) > 2 else "",
        "namespace": namespace,
        "apiGroup": group,
        "apiVersion": version,
    }
    return {key: value for key, value in fields.items() if value}


def is_dry_run(request_uri: str) -> bool:
    """A `dryRun` query parameter equal to `All`, as the API server parses the query."""
    if "dryRun" not in request_uri and "%" not in request_uri:
        return False
    query = urlsplit(request_uri).query
    return "All" in parse_qs(query, keep_blank_values=True).get("dryRun", ())
