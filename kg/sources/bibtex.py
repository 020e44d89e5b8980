"""A small, tolerant BibTeX reader for entries that carry an ``abstract`` field.

Handles ``@type{key, field = {braced {nested} text} | "quoted" | number | macro}``
with ``#`` concatenation, ``{...}`` or ``(...)`` entry delimiters, and text
between entries (comments). ``@comment``, ``@preamble`` and ``@string`` are
skipped (string macros are not expanded, except month names). Common LaTeX
accents and escapes are turned into Unicode; other commands keep their text.
Entries are read one at a time: lines are gathered from an ``@`` at the start
of a line until the braces balance, then parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.latex import fold_accents
from kg.normalize import collapse_whitespace
from kg.records import Paper
from kg.sources.base import Item, Line, iter_lines, make_paper, metadata_link

FORMAT = "bibtex"
_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*([{(])")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SKIP_TYPES = frozenset({"comment", "preamble", "string"})
_MONTHS = {m: f"{i:02d}" for i, m in enumerate(_MONTH_NAMES, start=1)}
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*")


class BibTeXError(ValueError):
    """A syntax problem inside one entry (turned into an InputError with its line)."""


def latex_to_text(value: str) -> str:
    r"""Return readable text for a BibTeX field value: accents, escapes and braces resolved.

    >>> latex_to_text(r"G{\"o}del and {\'E}cole: {BERT} \& {GPT}--3")
    'Gödel and École: BERT & GPT–3'
    """
    text = fold_accents(value)
    text = _ESCAPED.sub(lambda m: "\x00" + m.group(1), text)
    text = _COMMAND.sub("", text)
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    text = text.replace("---", "\u2014").replace("--", "\u2013").replace("\x00", "")
    return collapse_whitespace(text)


class _Parser:
    """Parse the body of one entry: ``key, name = value, ...``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def name(self) -> str:
        self.ws()
        m = re.compile(r"[^\s=,{}()\"#]+").match(self.text, self.pos)
        if not m:
            raise BibTeXError(f"expected a field name at {self.text[self.pos:self.pos + 20]!r}")
        self.pos = m.end()
        return m.group(0)

    def braced(self) -> str:
        depth, start = 0, self.pos
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "\\":
                self.pos += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return self.text[start + 1 : self.pos - 1]
            self.pos += 1
        raise BibTeXError("a '{' in a field value is never closed")

    def quoted(self) -> str:
        depth, start = 0, self.pos + 1
        self.pos += 1
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "\\":
                self.pos += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == '"' and depth == 0:
                self.pos += 1
                return self.text[start : self.pos - 1]
            self.pos += 1
        raise BibTeXError('a \'"\' in a field value is never closed')

    def value(self) -> str:
        parts: list[str] = []
        while True:
            self.ws()
            c = self.text[self.pos : self.pos + 1]
            if c == "{":
                parts.append(self.braced())
            elif c == '"':
                parts.append(self.quoted())
            elif c and c not in ",}":
                word = self.name()
                parts.append(_MONTHS.get(word.lower()[:3], word) if not word.isdigit() else word)
            else:
                raise BibTeXError("a field has no value")
            self.ws()
            if self.text[self.pos : self.pos + 1] == "#":
                self.pos += 1
                continue
            return "".join(parts)

    def fields(self) -> tuple[str, dict[str, str]]:
        self.ws()
        key_end = self.text.find(",", self.pos)
        if key_end < 0 or "=" in self.text[self.pos : key_end]:
            key, fields_start = "", self.pos
        else:
            key, fields_start = self.text[self.pos : key_end].strip(), key_end + 1
        self.pos = fields_start
        out: dict[str, str] = {}
        while True:
            self.ws()
            if self.pos >= len(self.text):
                return key, out
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            name = self.name().lower()
            self.ws()
            if self.text[self.pos : self.pos + 1] != "=":
                raise BibTeXError(f"expected '=' after field name {name!r}")
            self.pos += 1
            out.setdefault(name, self.value())


def _close(delim: str) -> str:
    return "}" if delim == "{" else ")"


def _balance(text: str, opener: str) -> int:
    """Return the delimiter depth of ``text`` (escaped braces do not count)."""
    closer = _close(opener)
    plain = re.sub(r"\\[{}]", "", text)
    return plain.count(opener) - plain.count(closer)


def _entry_items(path: Path) -> Iterator[tuple[int, str, str, list[Line]] | InputError]:
    """Yield (start line, type, body text, lines) per entry, or an error for an unclosed one."""
    current: list[Line] = []
    kind, opener, depth = "", "{", 0
    for line in iter_lines(path):
        m = _ENTRY_START.match(line.text)
        if m and current:
            yield InputError(f"@{kind} entry is not closed before the next entry starts", path=path,
                             line=current[0].number)
            current = []
        if not current:
            if not m:
                continue  # text between entries is a comment
            kind, opener = m.group(1).lower(), m.group(2)
            current = [line]
            depth = _balance(line.text[m.end() - 1 :], opener)
        else:
            current.append(line)
            depth += _balance(line.text, opener)
        if depth <= 0:
            text = "".join(x.text for x in current)
            first = _ENTRY_START.match(text)
            assert first is not None
            body = text[first.end() :]
            body = body[: body.rfind(_close(opener))] if _close(opener) in body else body
            yield current[0].number, kind, body, current
            current = []
    if current:
        yield InputError(f"@{kind} entry is not closed at the end of the file", path=path,
                         line=current[0].number)


def paper_from_fields(fields: dict[str, str], *, path: Path, position: int) -> Paper:
    """Build a :class:`Paper` from one entry's fields (names lower case, values raw BibTeX).

    Raises:
        InputError: no title or no abstract.
    """
    get = {name: latex_to_text(value) for name, value in fields.items()}
    arxiv = None
    if get.get("archiveprefix", "").lower() == "arxiv" or "eprint" in get:
        arxiv = get.get("eprint")
    if not arxiv and "arxiv" in get.get("journal", "").lower():
        m = re.search(r"(\d{4}\.\d{4,5})", get["journal"])
        arxiv = m.group(1) if m else None
    date = get.get("date") or (
        get.get("year", "") + (f"-{fields['month'].strip().zfill(2)}" if get.get("year") and
                               fields.get("month", "").strip().isdigit() else "")
    )
    authors = [collapse_whitespace(" ".join(reversed(a.split(",", 1))) if "," in a else a)
               for a in re.split(r"\s+and\s+", get.get("author", "")) if a.strip()]
    return make_paper(
        path=path,
        position=position,
        title=get.get("title"),
        abstract=get.get("abstract"),
        arxiv_id=arxiv,
        doi=get.get("doi"),
        url=get.get("url"),
        authors=authors,
        date=date or None,
        categories=[get["primaryclass"]] if get.get("primaryclass") else [],
        links=[metadata_link(get.get("code"))] if get.get("code") else [],
        record="entry",
    )


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a BibTeX file, and an error for each bad entry."""
    for item in _entry_items(path):
        if isinstance(item, InputError):
            yield item
            continue
        start, kind, body, lines = item
        if kind in _SKIP_TYPES:
            continue
        bad = next((x for x in lines if x.bad is not None), None)
        if bad is not None:
            yield InputError(bad.bad or "not valid UTF-8", path=path, line=bad.number)
            continue
        try:
            _, fields = _Parser(body).fields()
        except BibTeXError as exc:
            yield InputError(f"bad @{kind} entry: {exc}", path=path, line=start)
            continue
        try:
            yield paper_from_fields(fields, path=path, position=start)
        except InputError as exc:
            yield exc
