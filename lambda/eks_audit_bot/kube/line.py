"""From a log line to the JSON object of an audit event: whole, or what survived a cut.

CloudWatch Logs cuts events over 256 KB and appends `[Truncated...]`. Whatever padded the line
(a large annotation, a long `X-Forwarded-For`, a big request body) usually follows the fields
that decide an alert, but the order is not trusted: each top-level member is read in full or
not at all, and the caller checks which deciding fields survived.
"""

from __future__ import annotations

import json
import re
from json.scanner import make_scanner
from typing import Any, cast

from eks_audit_bot.core.invalid import (
    TRUNCATION_MARKER,
    InvalidEvent,
    SkipReason,
    recover_audit_id,
    well_formed_id,
)
from eks_audit_bot.kube.requesturi import object_ref_of

# What a truncated line must still hold to be judged: which request, at which stage, who did
# what. The object comes from `objectRef`, else from `requestURI` as the API server reads it
# (a long `X-Forwarded-For` fills `sourceIPs` and cuts the line before `objectRef`). A lost
# response status leaves the outcome unknown: judged as allowed, never as harmless.
DECIDING_FIELDS = ("auditID", "stage", "verb", "user")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# typeshed types the scanner's context as a scanner: any JSONDecoder is one (json does this).
_SCANNER = make_scanner(cast("make_scanner", _DECODER))


class CutLine(dict[str, Any]):
    """The members of a line CloudWatch Logs cut, those that survived (`decode`): its type
    says so, as the line's bodies and later members may be missing."""

    __slots__ = ()


def decode(message: str) -> dict[str, Any]:
    """The JSON object of a log message; for a line CloudWatch Logs cut, a `CutLine` of the
    members that survived the cut, when they still decide an alert."""
    try:
        # json.loads without its three Python calls and two regular expressions a line: one
        # call of json's own C scanner, for a line that is one value from end to end (as the
        # API server writes them); anything else goes through json.loads for its answer.
        try:
            raw, end = _SCANNER(message, 0)
        except (StopIteration, ValueError, RecursionError):
            end = -1
        if end != len(message):
            raw = json.loads(message)
    except json.JSONDecodeError as err:
        if message.rstrip().endswith(TRUNCATION_MARKER):
            return truncated_members(message)
        raise InvalidEvent(
            SkipReason.NOT_JSON,
            f"invalid JSON ({err.msg} at char {err.pos})",
            recover_audit_id(message),
        ) from err
    except RecursionError as err:
        raise InvalidEvent(
            SkipReason.NOT_JSON, "JSON nested too deeply", recover_audit_id(message)
        ) from err
    if not isinstance(raw, dict):
        raise InvalidEvent(SkipReason.NOT_AUDIT_EVENT, f"JSON {type(raw).__name__}, not an object")
    return raw


def truncated_members(message: str) -> CutLine:
    """The members of a cut line, or `InvalidEvent(TRUNCATED)` naming the deciding fields it
    lost."""
    members = CutLine(read_prefix(message.rstrip().removesuffix(TRUNCATION_MARKER)))
    lost = [name for name in DECIDING_FIELDS if name not in members]
    if "objectRef" not in members:
        uri = members.get("requestURI")
        if type(uri) is not str:
            lost.append("objectRef and requestURI")
        elif (ref := object_ref_of(uri)) is not None:
            members["objectRef"] = ref
    if lost:
        size = len(message.encode("utf-8", "surrogatepass"))
        raise InvalidEvent(
            SkipReason.TRUNCATED,
            f"line cut by CloudWatch Logs at {size} bytes, without {', '.join(lost)}",
            well_formed_id(members.get("auditID")) or recover_audit_id(message),
        )
    return members


def read_prefix(text: str) -> dict[str, Any]:
    """Top-level members of the JSON object `text` starts, each read whole, up to the first
    one that is cut or malformed. A member counts only when a `,` or `}` follows it, so a
    number cut short (`"code": 20` of 200) is not taken for a value."""
    members: dict[str, Any] = {}
    index = _skip(text, 0)
    if not text.startswith("{", index):
        return members
    index += 1
    while True:
        try:
            key, index = _DECODER.raw_decode(text, _skip(text, index))
            index = _skip(text, index)
            if not isinstance(key, str) or not text.startswith(":", index):
                return members
            value, index = _DECODER.raw_decode(text, _skip(text, index + 1))
        except (ValueError, RecursionError):
            return members
        index = _skip(text, index)
        if not text.startswith((",", "}"), index):
            return members
        members[key] = value
        if text.startswith("}", index):
            return members
        index += 1


def _skip(text: str, index: int) -> int:
    found = _WHITESPACE.match(text, index)
    return found.end() if found else index
