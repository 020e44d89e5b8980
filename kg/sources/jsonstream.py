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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from kg.errors import InputError
from kg.records import Paper
from kg.sources.base import Item, Line, iter_lines, open_binary

#: Members of a top-level object that hold the records of an API page.
STREAM_KEYS = frozenset({"results", "data", "papers", "items"})
_CHUNK = 1 << 16
_MAX_RECORD = 64 << 20
_WS = " \t\r\n"
#: ``mapper(value, path=..., position=...)`` turns one JSON value into a paper (or raises InputError).
Mapper = Callable[..., Paper]


class JsonRecord(NamedTuple):
    """One top-level record: its value, the lines it spans, and a decoding problem if any."""

    value: Any
    start: int
    end: int
    bad: Line | None


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
        """Decode the JSON value at the cursor; return it with its first and last line."""
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
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
            start = self.line
            self.advance(end - self.pos)
            return value, start, self.line

    def bad_between(self, start: int, end: int) -> Line | None:
        hit = None
        for number in sorted(self.bad):
            if start <= number <= end and hit is None:
                hit = self.bad[number]
            if number < end:
                del self.bad[number]
        return hit


def _array(buf: _Buffer) -> Iterator[JsonRecord]:
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
        value, start, end = buf.value()
        yield JsonRecord(value, start, end, buf.bad_between(start, end))


def _object(buf: _Buffer) -> Iterator[JsonRecord]:
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


def iter_json_document(path: Path) -> Iterator[JsonRecord]:
    """Yield the records of a JSON document (array, API page, object, or several), streaming.

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
        if not line.text.strip():
            continue
        if line.bad is not None:
            yield InputError(line.bad, path=path, line=line.number)
            continue
        try:
            value = json.loads(line.text)
        except json.JSONDecodeError as exc:
            yield InputError(f"malformed JSON line: {exc.msg} (column {exc.colno})", path=path, line=line.number)
            continue
        yield JsonRecord(value, line.number, line.number, None)


def looks_like_json_lines(path: Path) -> bool:
    """Return True when the first non-blank line of ``path`` is a whole JSON object.

    Reads at most 1 MiB, so a huge one-line JSON array is not loaded to decide.
    """
    with open_binary(path) as handle:
        head = handle.read(1 << 20)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    first, sep, _ = text.partition("\n")
    if not sep and len(head) == 1 << 20:
        return False
    try:
        value = json.loads(first)
    except json.JSONDecodeError:
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
