"""Stream the records of JSON files without loading them whole.

Two containers are supported:

* JSON Lines: one value per line; a malformed line is one skipped record;
* a JSON document: a top-level array of records, an object whose
  ``results`` / ``data`` / ``papers`` / ``items`` member is such an array (an
  API page), a single object, or several of these one after another. It is
  parsed with an incremental decoder over 64 KiB chunks, so memory stays at
  the size of one record. A syntax error ends the file (the records before it
  were already read).

Each record comes with the line it starts on, for messages and provenance.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import InputError
from kg.records import Paper
from kg.sources.base import Item, Line, iter_lines, read_head
from kg.sources.limits import MAX_JSON_DEPTH

#: Members of a top-level object that hold the records of an API page.
STREAM_KEYS = frozenset({"results", "data", "papers", "items"})
_CHUNK = 1 << 16
_MAX_RECORD = 64 << 20
_WS = " \t\r\n"
#: ``mapper(value, path=..., position=...)`` turns one JSON value into a paper (or raises InputError).
Mapper = Callable[..., Paper]
#: A JSON string, or one bracket: all that matters to find nesting depth and where a value ends.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeep(ValueError):
    """A JSON value nested deeper than :data:`~kg.sources.limits.MAX_JSON_DEPTH` levels."""


def scan_nesting(text: str, start: int = 0) -> tuple[int, int | None]:
    """Return (deepest nesting, end offset) of the JSON container starting at ``text[start]``.

    Only brackets outside strings count; the end is ``None`` when the
    container is not closed within ``text``. No recursion, so any depth is safe.

    >>> scan_nesting('[[1, "]"], {"a": [2]}] tail')
    (3, 22)
    """
    depth = deepest = 0
    for match in _TOKEN.finditer(text, start):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
            if depth <= 0:
                return deepest, match.end()
    return deepest, None


def loads_bounded(text: str) -> Any:
    """``json.loads``, refusing values nested deeper than :data:`~kg.sources.limits.MAX_JSON_DEPTH`.

    Python's parser recurses once per level and dies with ``RecursionError``
    near 1,000 levels; a record of a few KiB can hold that many. Counting
    brackets first is cheap and skips the scan for every ordinary record.

    Raises:
        json.JSONDecodeError: malformed JSON.
        JsonTooDeep: nested too deep.
    """
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH:
        start = len(text) - len(text.lstrip())
        deepest, _ = scan_nesting(text, start)
        if deepest > MAX_JSON_DEPTH:
            raise JsonTooDeep(f"JSON nested {deepest:,} levels deep (at most {MAX_JSON_DEPTH} are read)")
    return json.loads(text)


class JsonRecord(NamedTuple):
    """One top-level record: its value, the lines it spans, and a decoding problem if any."""

    value: Any
    start: int
    end: int
    bad: Line | None


class RecordTooDeep(InputError):
    """One record of a JSON document nested too deep; it was skipped and reading goes on."""


class _Buffer:
    """A sliding text window over the decoded lines of a file, tracking line numbers."""

    def __init__(self, lines: Iterator[Line], path: Path) -> None:
        self.lines = lines
        self.path = path
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.bad: dict[int, Line] = {}
        self.decoder = json.JSONDecoder()

    def fill(self) -> bool:
        """Append about one chunk of text; return False at end of file."""
        if self.eof:
            return False
        parts: list[str] = []
        size = 0
        for line in self.lines:
            if line.bad is not None:
                self.bad[line.number] = line
            parts.append(line.text)
            size += len(line.text)
            if size >= _CHUNK:
                break
        else:
            self.eof = True
        if not parts:
            return False
        self.buf = self.buf[self.pos :] + "".join(parts)
        self.pos = 0
        if len(self.buf) > _MAX_RECORD:
            raise InputError("a JSON record is larger than 64 MiB, or the JSON is malformed", path=self.path,
                             line=self.line)
        return True

    def advance(self, n: int) -> None:
        self.line += self.buf.count("\n", self.pos, self.pos + n)
        self.pos += n

    def peek(self) -> str | None:
        """Skip whitespace; return the next character without consuming it (None at end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                if self.buf[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return None

    def expect(self, chars: str, what: str) -> str:
        """Consume one of ``chars`` (after whitespace) or raise a clear error."""
        c = self.peek()
        if c is None:
            raise InputError(f"JSON ends early: expected {what}; the file may be truncated", path=self.path,
                             line=self.line)
        if c not in chars:
            raise InputError(f"malformed JSON: expected {what}, found {c!r}", path=self.path, line=self.line)
        self.advance(1)
        return c

    def value(self) -> tuple[Any, int, int]:
        """Decode the JSON value at the cursor; return it with its first and last line.

        Raises:
            RecordTooDeep: the value is nested too deep; it has been skipped, so
                reading can go on with the next one.
            InputError: malformed or truncated JSON.
        """
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except RecursionError:
                self.skip_deep_value()
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.buf) - 64 or exc.msg.startswith("Unterminated string")
                if near_end and self.fill():
                    continue
                line = self.line + self.buf.count("\n", self.pos, exc.pos)
                at_end = exc.pos >= len(self.buf.rstrip()) or exc.msg.startswith("Unterminated string")
                if self.eof and at_end:
                    raise InputError(f"JSON ends early ({exc.msg}); the file may be truncated", path=self.path,
                                     line=line) from None
                raise InputError(f"malformed JSON: {exc.msg}", path=self.path, line=line) from None
            if end >= len(self.buf) and self.fill():
                continue  # a number may go on in the next chunk
            brackets = self.buf.count("[", self.pos, end) + self.buf.count("{", self.pos, end)
            if brackets > MAX_JSON_DEPTH and scan_nesting(self.buf, self.pos)[0] > MAX_JSON_DEPTH:
                self.skip_deep_value()
            start = self.line
            self.advance(end - self.pos)
            return value, start, self.line

    def skip_deep_value(self) -> None:
        """Skip the container at the cursor (found too deep) and raise :class:`RecordTooDeep` for it."""
        start = self.line
        while True:
            deepest, end = scan_nesting(self.buf, self.pos)
            if end is not None:
                break
            if not self.fill():
                raise InputError("JSON ends early inside a deeply nested value; the file may be truncated",
                                 path=self.path, line=start)
        self.advance(end - self.pos)
        raise RecordTooDeep(f"record skipped: JSON nested {deepest:,} levels deep (at most {MAX_JSON_DEPTH} "
                            "are read)", path=self.path, line=start)

    def bad_between(self, start: int, end: int) -> Line | None:
        hit = None
        for number in sorted(self.bad):
            if start <= number <= end and hit is None:
                hit = self.bad[number]
            if number < end:
                del self.bad[number]
        return hit


def _array(buf: _Buffer) -> Iterator[JsonRecord | InputError]:
    buf.expect("[", "'['")
    first = True
    while True:
        c = buf.peek()
        if c is None:
            raise InputError("JSON array is not closed; the file may be truncated", path=buf.path, line=buf.line)
        if c == "]":
            buf.advance(1)
            return
        if not first:
            buf.expect(",", "',' or ']' between array items")
            if buf.peek() is None:
                raise InputError("JSON array is not closed; the file may be truncated", path=buf.path,
                                 line=buf.line)
        first = False
        try:
            value, start, end = buf.value()
        except RecordTooDeep as error:
            yield error
            continue
        yield JsonRecord(value, start, end, buf.bad_between(start, end))


def _object(buf: _Buffer) -> Iterator[JsonRecord | InputError]:
    open_line = buf.line
    buf.expect("{", "'{'")
    members: dict[str, Any] = {}
    streamed = False
    first = True
    while True:
        c = buf.peek()
        if c is None:
            raise InputError("JSON object is not closed; the file may be truncated", path=buf.path, line=buf.line)
        if c == "}":
            buf.advance(1)
            break
        if not first:
            buf.expect(",", "',' or '}' between object members")
        first = False
        if buf.peek() is None:
            raise InputError("JSON object is not closed; the file may be truncated", path=buf.path, line=buf.line)
        key, _, _ = buf.value()
        if not isinstance(key, str):
            raise InputError("malformed JSON: object key is not a string", path=buf.path, line=buf.line)
        buf.expect(":", "':' after an object key")
        if buf.peek() == "[" and key in STREAM_KEYS and not streamed:
            streamed = True
            yield from _array(buf)
        else:
            if buf.peek() is None:
                raise InputError("JSON object is not closed; the file may be truncated", path=buf.path,
                                 line=buf.line)
            value, _, _ = buf.value()
            if not streamed:
                members[key] = value
    if not streamed:
        yield JsonRecord(members, open_line, buf.line, buf.bad_between(open_line, buf.line))


def iter_json_document(path: Path) -> Iterator[JsonRecord | InputError]:
    """Yield the records of a JSON document (array, API page, object, or several), streaming.

    A record nested too deep is yielded as an :class:`InputError` and skipped.

    Raises:
        InputError: malformed or truncated JSON (after yielding the records before it).
    """
    buf = _Buffer(iter_lines(path), path)
    while True:
        c = buf.peek()
        if c is None:
            return
        if c == "[":
            yield from _array(buf)
        elif c == "{":
            yield from _object(buf)
        else:
            raise InputError(f"malformed JSON: expected '[' or '{{' at the top level, found {c!r}", path=path,
                             line=buf.line)


def iter_json_lines(path: Path) -> Iterator[JsonRecord | InputError]:
    """Yield the value of each non-blank line of a JSON Lines file, or why a line is bad."""
    for line in iter_lines(path):
        if line.bad is not None:
            yield InputError(line.bad, path=path, line=line.number)
            continue
        if not line.text.strip():
            continue
        try:
            value = loads_bounded(line.text)
        except json.JSONDecodeError as exc:
            yield InputError(f"malformed JSON line: {exc.msg} (column {exc.colno})", path=path, line=line.number)
            continue
        except (JsonTooDeep, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, JsonTooDeep) else "JSON nested too deep to read"
            yield InputError(f"record skipped: {reason}", path=path, line=line.number)
            continue
        yield JsonRecord(value, line.number, line.number, None)


def looks_like_json_lines(path: Path) -> bool:
    """Return True when the first non-blank line of ``path`` is a whole JSON object.

    Reads at most 1 MiB, so a huge one-line JSON array is not loaded to decide.
    """
    head = read_head(path, 1 << 20)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    first, sep, _ = text.partition("\n")
    if not sep and len(head) == 1 << 20:
        return False
    try:
        value = loads_bounded(first)
    except (ValueError, RecursionError):
        return False
    # A one-line API page ({"results": [...]}) is a document, not one record per line.
    return isinstance(value, dict) and not any(isinstance(value.get(k), list) for k in STREAM_KEYS)


def map_records(records: Iterator[JsonRecord | InputError], mapper: Mapper, *, path: Path) -> Iterator[Item]:
    """Turn JSON records into papers with ``mapper``, yielding InputErrors for bad ones."""
    for item in records:
        if isinstance(item, InputError):
            yield item
            continue
        if item.bad is not None:
            yield InputError(item.bad.bad or "not valid UTF-8", path=path, line=item.bad.number)
            continue
        try:
            yield mapper(item.value, path=path, position=item.start)
        except InputError as exc:
            yield exc


def read_json_any(path: Path, mapper: Mapper) -> Iterator[Item]:
    """Read a JSON Lines file or a JSON document (whichever ``path`` holds) with ``mapper``."""
    records: Iterator[JsonRecord | InputError]
    # A pipe cannot be peeked at and reopened; the document parser also reads JSON Lines.
    if path.is_file() and looks_like_json_lines(path):
        records = iter_json_lines(path)
    else:
        records = iter_json_document(path)
    yield from map_records(records, mapper, path=path)
