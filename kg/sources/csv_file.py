"""Reader for CSV (or TSV) files with a header row: ``id,title,abstract,...``.

Column names are matched case-insensitively through :mod:`kg.sources.mapping`
(``summary`` for ``abstract``, ``published``/``year`` for ``date``, ...). The
delimiter (comma, tab or semicolon) is taken from the header line. Quoted
fields may span lines; a record's position is the line it starts on.

A quote that is opened and never closed would make the csv module swallow
every later row into one field (silently, up to the end of the file). A row
that spans several lines and then fails (the file ends inside the quote, the
field outgrows the csv field limit, or the row ends with the wrong number of
fields) is therefore reported at the line and column where its unclosed
quote opened, and reading starts again on the next line, so the rows it had
swallowed are read after all.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.sources.base import Item, Line, iter_lines
from kg.sources.mapping import paper_from_mapping

FORMAT = "csv"


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def open_quote(lines: list[Line], delimiter: str) -> tuple[int, int] | None:
    """Return (line, column) of the quote left open at the end of ``lines`` (one CSV row), or ``None``.

    Follows the CSV rules the csv module uses: a quote opens a field only at
    the field's start, and ``""`` inside a quoted field is a literal quote.

    >>> open_quote([Line(3, 'a,"b,c\\n', None), Line(4, 'd,e\\n', None)], ",")
    (3, 3)
    """
    in_quote = False
    at_field_start = True
    opened: tuple[int, int] | None = None
    for line in lines:
        text = line.text
        i = 0
        while i < len(text):
            c = text[i]
            if in_quote:
                if c == '"':
                    if i + 1 < len(text) and text[i + 1] == '"':
                        i += 1
                    else:
                        in_quote = False
            elif c == '"' and at_field_start:
                in_quote, opened = True, (line.number, i + 1)
            at_field_start = not in_quote and c in (delimiter, "\n", "\r")
            i += 1
    return opened if in_quote else None


class _Rows:
    """Lines for ``csv.reader``, remembering which lines the current row used, with a replay queue."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self.source = lines
        self.replay: deque[Line] = deque()
        self.row: list[Line] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.replay.popleft() if self.replay else next(self.source)
        self.row.append(line)
        return line.text

    def take_row(self) -> list[Line]:
        """Return the lines of the row just read, and start a new row."""
        row, self.row = self.row, []
        return row

    def restart_after(self, lines: list[Line]) -> None:
        """Feed ``lines[1:]`` again: the row that started at ``lines[0]`` was not a row."""
        self.replay.extendleft(reversed(lines[1:]))


def _unclosed(lines: list[Line], delimiter: str, path: Path, why: str) -> InputError:
    opened = open_quote(lines, delimiter)
    line, column = opened if opened is not None else (lines[0].number, None)
    where = f" (column {column})" if column is not None else ""
    return InputError(
        f"a quote opened here{where} is not closed where the row should end ({why}); the row is skipped "
        "and reading goes on with the next line: close the quote, or double a quote inside a quoted field",
        path=path, line=line)


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a CSV file, and an error for each bad row."""
    lines = iter_lines(path)
    first: list[Line] = []
    for line in lines:  # find the header line to pick the delimiter
        first.append(line)
        if line.text.strip():
            break
    header_text = first[-1].text if first else ""
    delimiter = _delimiter(header_text)
    rows = _Rows(lines)
    rows.replay.extend(first)
    header: list[str] | None = None
    reader = csv.reader(rows, delimiter=delimiter, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            used = rows.take_row()
            if not used:
                raise InputError(f"malformed CSV: {exc}", path=path) from None
            if len(used) > 1 or open_quote(used, delimiter) is not None:
                yield _unclosed(used, delimiter, path, str(exc))
            else:
                yield InputError(f"malformed CSV row: {exc}", path=path, line=used[0].number)
            rows.restart_after(used)
            reader = csv.reader(rows, delimiter=delimiter, strict=True)  # a fresh parser state
            continue
        used = rows.take_row()
        row_start = used[0].number
        bad = next((line for line in used if line.bad is not None), None)
        if not any(cell.strip() for cell in row) and bad is None:
            continue
        if header is not None and len(used) > 1 and len(row) != len(header):
            yield _unclosed(used, delimiter, path, f"{len(row)} fields instead of {len(header)}")
            rows.restart_after(used)
            reader = csv.reader(rows, delimiter=delimiter, strict=True)
            continue
        if bad is not None:
            yield InputError(bad.bad or "not valid UTF-8", path=path, line=bad.number)
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            if not any(h for h in header):
                raise InputError("the header row has no column names", path=path, line=row_start)
            continue
        if len(row) > len(header):
            yield InputError(
                f"row has {len(row)} fields but the header has {len(header)}; quote fields that hold the "
                "delimiter", path=path, line=row_start)
            continue
        record = {name: value for name, value in zip(header, row) if name}
        try:
            yield paper_from_mapping(record, path=path, position=row_start, record_name="row")
        except InputError as exc:
            yield exc
