"""Read the CLI's inputs: files or stdin, plain or gzip (by magic bytes), in any known format.

The format is told from the first non-blank line:

- JSON lines, streamed in constant memory: each line an audit event, a subscription payload
  (`{"awslogs": ...}`), a decoded payload (`{"logEvents": ...}`), a `filter-log-events` page
  or a Logs Insights row (`{"@message": ...}`); any other line is a non-JSON log event;
- a JSON document (a first line that starts with `[`, or one that is not JSON on its own and
  holds no `auditID`): pretty-printed `aws logs filter-log-events` output, possibly several
  pages one after the other, or a console/Insights JSON export. Documents are loaded whole;
- CSV with a `@message` column (Logs Insights and console exports), streamed.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import IO, cast

from eks_audit_bot.cli.progress import Progress
from eks_audit_bot.cli.records import (
    BadInput,
    Item,
    Origin,
    Record,
    expand,
    insights_origin,
    is_container,
    loads,
)
from eks_audit_bot.filter_pattern import NOT_JSON

GZIP_MAGIC = b"\x1f\x8b"
STDIN = "-"
_BOM = b"\xef\xbb\xbf"


def read_inputs(paths: Sequence[str], stdin: IO[bytes], progress: Progress) -> Iterator[Item]:
    """Every log event in `paths` (stdin for `-` or no paths), in order.

    Raises `OSError` for an input that cannot be opened; damage inside an input (a bad line,
    a gzip stream cut short) is yielded as `BadInput` and reading goes on.
    """
    for path in paths or [STDIN]:
        name = "<stdin>" if path == STDIN else path
        with _opened(path, stdin) as raw:
            progress.start(name, _size(raw), _position(raw))
            try:
                yield from read_stream(name, _decompressed(raw), progress)
            except (EOFError, gzip.BadGzipFile, zlib.error) as err:
                yield BadInput(name, f"compressed data ends early or is damaged ({err})")
            finally:
                progress.finish()


def read_stream(name: str, stream: IO[bytes], progress: Progress) -> Iterator[Item]:
    """The log events of one (decompressed) binary stream, whatever its format."""
    lines = iter(stream)
    first, number = b"", 0
    for number, first in enumerate(lines, 1):  # noqa: B007 - `first` is used after the loop
        if first.strip():
            break
    else:
        return
    first = first.removeprefix(_BOM)
    head = first.lstrip()
    rest = itertools.chain([first], lines)
    if head.startswith(b"[") or (head.startswith(b"{") and _is_document_start(first)):
        text = b"".join(rest).decode("utf-8", "replace")
        yield from _document(name, number, text, progress)
    elif not head.startswith(b"{") and b"@message" in first:
        yield from _csv(name, number, rest, progress)
    else:
        yield from _json_lines(name, number, rest, progress)


def _is_document_start(first: bytes) -> bool:
    """A `{` line that is not a whole JSON value and not a damaged audit event."""
    return b'"auditID"' not in first and loads(first.decode("utf-8", "replace")) is NOT_JSON


def _json_lines(
    name: str, first: int, lines: Iterable[bytes], progress: Progress
) -> Iterator[Item]:
    for number, raw in enumerate(lines, first):
        try:
            text = raw.decode().rstrip("\r\n")
        except UnicodeDecodeError as err:
            yield BadInput(f"{name}:{number}", f"not UTF-8 ({err.reason} at byte {err.start})")
            continue
        if not text or text.isspace():
            continue
        progress.tick()
        parsed = loads(text)
        if is_container(parsed):
            yield from expand(name, number, text, parsed)
        else:  # the common case, without a generator per line
            yield Record(name, number, text, parsed)


def _csv(name: str, first: int, lines: Iterable[bytes], progress: Progress) -> Iterator[Item]:
    reader = csv.reader(raw.decode("utf-8", "replace") for raw in lines)
    header = next(reader)
    column = header.index("@message") if "@message" in header else -1
    if column < 0:
        yield BadInput(f"{name}:{first}", "CSV header without a @message column")
        return
    origin_of = _csv_origins(header)
    for row in reader:
        number = first + reader.line_num - 1
        if len(row) <= column:
            if any(row):
                yield BadInput(f"{name}:{number}", "row without a @message value")
            continue
        progress.tick()
        message = row[column]
        yield Record(name, number, message, loads(message), origin_of(row))


def _csv_origins(header: list[str]) -> Callable[[list[str]], Origin]:
    """Read `@log` and `@logStream` when the export has them; one `Origin` per stream."""
    columns = [header.index(key) if key in header else -1 for key in ("@log", "@logStream")]
    seen: dict[tuple[str, ...], Origin] = {}

    def origin_of(row: list[str]) -> Origin:
        key = tuple(row[i] if 0 <= i < len(row) else "" for i in columns)
        if key not in seen:
            seen[key] = insights_origin({"@log": key[0], "@logStream": key[1]})
        return seen[key]

    return origin_of


def _document(name: str, first: int, text: str, progress: Progress) -> Iterator[Item]:
    """Concatenated JSON values (pages of `filter-log-events` output, or one export array)."""
    decoder = json.JSONDecoder()
    position, line = 0, first
    while True:
        start = _skip_space(text, position)
        if start == len(text):
            return
        line += text.count("\n", position, start)
        try:
            value, position = decoder.raw_decode(text, start)
        except ValueError as err:
            at = line + text.count("\n", start, getattr(err, "pos", start))
            yield BadInput(f"{name}:{at}", f"invalid JSON document ({getattr(err, 'msg', err)})")
            return
        for item in expand(name, line, text[start:position], value):
            progress.tick()
            yield item
        line += text.count("\n", start, position)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


@contextmanager
def _opened(path: str, stdin: IO[bytes]) -> Iterator[IO[bytes]]:
    if path == STDIN:
        with nullcontext(stdin) as stream:
            yield stream
        return
    with open(path, "rb", buffering=1 << 20) as stream:
        yield stream


def _decompressed(raw: IO[bytes]) -> IO[bytes]:
    """The stream itself, or a gzip reader when it starts with gzip's magic bytes."""
    # sys.stdin.buffer has `peek`; a test's BytesIO gets a buffer around it to gain one.
    buffered = raw if isinstance(raw, io.BufferedReader) else _buffered(raw)
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return cast(IO[bytes], gzip.GzipFile(fileobj=buffered, mode="rb"))
    return buffered


def _buffered(raw: IO[bytes]) -> io.BufferedReader:
    return io.BufferedReader(cast(io.RawIOBase, raw))


def _size(raw: IO[bytes]) -> int | None:
    try:
        status = os.fstat(raw.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    return status.st_size if status.st_size > 0 else None


def _position(raw: IO[bytes]) -> Callable[[], int | None]:
    def position() -> int | None:
        try:
            return raw.tell()
        except (OSError, ValueError):
            return None

    return position


__all__ = ["BadInput", "Item", "Origin", "Record", "read_inputs", "read_stream"]
