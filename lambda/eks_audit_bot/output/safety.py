"""Audit data made safe to show: credentials masked, one printable line, and in chat inert.

Every string in an audit event is chosen by whoever sent the request (names, user agents,
exec commands, even the audit ID), so each renderer passes every line or value it shows
through `line` (or `tree` for documents): credentials are masked, and every character that
is not plainly printable (C0/C1 controls, DEL, line and paragraph separators, bidi controls,
zero-width and other format characters, lone surrogates, invisible fillers) becomes a
visible escape such as `\\n`, `\\x1b` or `\\u202e`, so a value can never start a line, move
the cursor or reorder text. `line` also defuses what a reader's tool could act on, the same
in every renderer (email text and Subject, SMS, the JSON document, chat, the PagerDuty page):
links (`https[:]//`, `www[.]`, a markdown link's `](` opened to `] (`), mentions (`@here`
gets a full-width at sign, U+FF20) and Slack's control sequences (`<!channel>`, `<@U1>`,
`<#C1>`, `<http://x|y>`: their `<` becomes U+2039, a look-alike). Our own links (`Link`) are
only cleaned. Chat adds `chat_code` and `chat_text`: no markup of the data survives there
either. Message attributes (`attribute_value`) are masked and cleaned only: filter policies
match them exactly.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

MASK = "****"

# Printable by Python's definition, yet invisible: they make two names look alike.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")

# Words in a key whose value is a credential (`DB_PASSWORD=`, `aws_secret_access_key:`,
# `?X-Amz-Security-Token=`, `"api-key": "..."`). Patterns start at a literal and their
# quantifiers are bounded, so no input makes them slow: the data is hostile.
_CREDENTIAL_WORD = (
    r"(?:password|passwd|passphrase|pwd|secret|token|api[-_]?key|access[-_]?key"
    r"|private[-_]?key|credential|signature)"
)
_Replacement = str | Callable[[re.Match[str]], str]


def _starting_with(first: str, source: str) -> re.Pattern[str]:
    """`source`, tried only where one of the characters every match starts with stands
    (`first`, read under the pattern's own flags, case included): the engine then checks one
    character at most positions instead of the whole pattern. It matches exactly what
    `source` alone matches; patterns that start with a literal text need no such help."""
    inline = "(?i)" if source.startswith("(?i)") else ""
    return re.compile(f"{inline}(?=[{re.escape(first)}]){source.removeprefix(inline)}")


# (pattern, replacement, a text every match holds: the pattern is skipped without it).
_PATTERNS: tuple[tuple[re.Pattern[str], _Replacement, str], ...] = (
    # PEM private keys, to their end marker or the end of the text.
    (
        re.compile(
            r"(-----BEGIN [A-Z ]*PRIVATE KEY-----).*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
        ),
        rf"\1{MASK}",
        "",
    ),
    # `Authorization: Bearer x`, `-H 'Proxy-Authorization: Basic x'`: all up to the quote.
    (
        _starting_with(
            "pa",
            r"(?i)\b((?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)"
            r"(?:(bearer|basic|digest|token|negotiate|aws4-hmac-sha256)\s+)?[^\"'\r\n]+",
        ),
        lambda m: f"{m[1]}{m[2] + ' ' if m[2] else ''}{MASK}",
        "",
    ),
    (_starting_with("b", r"(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]{16,}=*"), rf"\1{MASK}", ""),
    # JSON Web Tokens (service-account tokens, OIDC id tokens).
    (
        _starting_with("e", r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
        f"eyJ{MASK}",
        "",
    ),
    # AWS access key ids: long-term (AKIA) and temporary (ASIA).
    (_starting_with("A", r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"), rf"\1{MASK}", ""),
    # Well-known token formats: GitHub, GitLab, Slack, Stripe.
    (
        _starting_with(
            "gxsr",
            r"\b(gh[pousr]_|github_pat_|glpat-|xox[abposr]-|[sr]k_(?:live|test)_)[A-Za-z0-9_-]{10,}",
        ),
        rf"\1{MASK}",
        "",
    ),
    # `https://user:password@host`: the password; a long user part alone is a token.
    (
        re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://[^/\s:@?#]{0,256}:)[^/\s@?#]{1,256}@"),
        rf"\1{MASK}@",
        "://",
    ),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://)[^/\s:@?#]{20,256}@"), rf"\1{MASK}@", "://"),
    # `kubectl create secret --from-literal=key=value`: the value is always secret.
    (
        re.compile(r"(?i)(--from-literal[= ][\"']?[^=\s\"']{1,256}=)[^\s\"']+"),
        rf"\1{MASK}",
        "--",
    ),
    # `--password x`, `--db-token=x`, `-secret x`.
    (
        _starting_with(
            "-",
            r"(?i)((?<!\S)--?[\w-]{0,40}?(?:password|passwd|secret|token|api-?key|access-?key"
            r"|credentials?)[\w-]{0,40})(=|\s+)([\"']?)(?!\*{4})[^\s\"']+",
        ),
        rf"\1\2\3{MASK}",
        "",
    ),
    # `password=x`, `password: x`, `"token":"x"`, `...&sig=x` (SAS), `%3D` in URLs.
    (
        _starting_with(
            "pstac",
            rf"(?i)({_CREDENTIAL_WORD}[\w.-]{{0,40}}[\"']?\s*(?:=|%3d|:(?!//))\s*[\"']?)"
            r"(?!\*{4})[^\s\"'&;,)]+",
        ),
        rf"\1{MASK}",
        "",
    ),
    (re.compile(r"(?i)([?&;]sig=)[^\s&\"']+"), rf"\1{MASK}", ""),
)


def mask(text: str) -> str:
    """`text` with every credential it holds replaced by `****` (the key or scheme stays)."""
    for pattern, replacement, needs in _PATTERNS:
        if needs in text:
            text = pattern.sub(replacement, text)
    return text


def _escape(char: str) -> str:
    """`\\n`, `\\x1b`, `\\u202e`, `\\U000e0041`: the character named, visibly."""
    if char in "\n\r\t":
        return repr(char)[1:-1]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _shown(char: str) -> str:
    return char if char.isprintable() and char not in _INVISIBLE else _escape(char)


def clean(text: str) -> str:
    """One printable line: every control, format, separator or invisible character escaped."""
    if text.isprintable() and not _INVISIBLE.intersection(text):
        return text
    return "".join(_shown(char) for char in text)


class Link(str):
    """A URL we built from validated parts (a console link): shown, never defused."""

    __slots__ = ()


# `https://`, `www.`: what makes a link; `](`: a markdown link; an at sign that starts a word
# (`@here`; `alice@example.com` is no mention); `<` opening a Slack control sequence.
_INERT = r"(?P<www>\bwww)\.|\](?=\()|(?<![A-Za-z0-9])@|<(?=[!@#]|[a-z][a-z0-9+.-]{0,30}:)"
_DEFUSE = re.compile(rf"(?i)(?P<scheme>\b[a-z][a-z0-9+.-]{{0,30}}):(?=//)|{_INERT}")
_DEFUSE_NO_SCHEME = re.compile(f"(?i){_INERT}")  # for text without `://`: no scheme to find
_DEFUSED = {"]": "] ", "@": "\uff20", "<": "\u2039"}


def _defused(found: re.Match[str]) -> str:
    kind = found.lastgroup
    if kind == "scheme":
        return f"{found['scheme']}[:]"
    if kind == "www":
        return f"{found['www']}[.]"
    return _DEFUSED[found[0]]


def defuse(text: str) -> str:
    """Links, mentions and control sequences in `text` made inert (see the module doc)."""
    return (_DEFUSE if "://" in text else _DEFUSE_NO_SCHEME).sub(_defused, text)


def line(text: str) -> str:
    """A line or value from audit data, ready to show anywhere: masked, one clean line, and
    defused (our own `Link`s are only cleaned).

    Masked again when cleaning escaped something, so a control character cannot hide a
    credential's key. The same short values (names, verbs, clusters, rule texts) come back for
    every alert of a batch, so their results are kept; long ones are worked out each time."""
    if isinstance(text, Link):
        return Link(clean(text))
    return _line_cached(text) if len(text) <= CACHED_LENGTH else _line(text)


def attribute_value(text: str) -> str:
    """A message attribute's value: masked and one clean line, otherwise as it is."""
    return _masked(text)


# Bounded in count and size: at most 4,096 values of at most 256 characters each.
CACHED_LENGTH = 256


def _masked(text: str) -> str:
    masked = mask(text)
    cleaned = clean(masked)
    return cleaned if cleaned is masked else mask(cleaned)


def _line(text: str) -> str:
    return defuse(_masked(text))


_line_cached = functools.lru_cache(maxsize=4096)(_line)


def tree(value: Any) -> Any:
    """A JSON-like document with `line` applied to every string in it (keys are ours)."""
    if isinstance(value, str):
        return line(value)
    if isinstance(value, Mapping):
        return {key: tree(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [tree(item) for item in value]
    return value


def ascii_line(text: str) -> str:
    """A `line` in printable ASCII (SNS Subjects): accents dropped (`José` → `Jose`), any other
    non-ASCII letter escaped (`\\uff41`), so look-alikes never pass for the real name."""
    out = []
    for char in line(text):
        if char.isascii():
            out.append(char)
            continue
        base = unicodedata.normalize("NFD", char)
        accents = all(unicodedata.category(mark) == "Mn" for mark in base[1:])
        out.append(base[0] if base[0].isascii() and accents and len(base) > 1 else _escape(char))
    return "".join(out)


# ---- chat (Amazon Q Developer in chat applications: Slack-flavoured markdown) ----

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# `@here`, `@channel`, `@alice`: an at sign that starts a word; `alice@example.com` is no
# mention. The full-width at sign reads the same and never notifies anyone.
_MENTION = re.compile(r"(?<![A-Za-z0-9])@")
_MARKUP = re.compile(r"([*_~\\]|(?<=\])\()")
_LINK = re.compile(r"(?i)://|\bwww\.")


def _inert(text: str) -> str:
    """Slack's control sequences (`<!here>`, `<@U1>`, `<http://x|y>`) and mentions disarmed;
    Slack renders the entities as the characters they stand for."""
    return _MENTION.sub("\uff20", line(text).translate(_ENTITIES))


def chat_code(value: str) -> str:
    """Data as an inline code span: shown as it is, never formatted, linked or mentioned.

    A backtick in the data would close the span, so it becomes U+02CB, a look-alike."""
    inner = _inert(value).replace("`", "\u02cb")
    return f"`{inner}`" if inner else ""


def chat_block(text: str) -> str:
    """A line inside a code block (```): inert as in `chat_code`."""
    return _inert(text).replace("`", "\u02cb")


def chat_text(value: str) -> str:
    """Data as plain chat text: markup escaped with a visible backslash, links defanged
    (`https[:]//`, `www[.]`), mentions and control sequences disarmed."""
    escaped = _MARKUP.sub(r"\\\1", _inert(value)).replace("`", "\u02cb")
    return _LINK.sub(lambda m: "[:]//" if m[0] == "://" else m[0][:-1] + "[.]", escaped)
