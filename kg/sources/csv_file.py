"""Reader for CSV (or TSV) files with a header row: ``id,title,abstract,...``.

Column names are matched case-insensitively through :mod:`kg.sources.mapping`
(``summary`` for ``abstract``, ``published``/``year`` for ``date``, ...). The
delimiter (comma, tab or semicolon) is taken from the header line. Quoted
fields may span lines; a record's position is the line it starts on.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.sources.base import Item, Line, iter_lines
from kg.sources.mapping import paper_from_mapping

FORMAT = "csv"


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a CSV file, and an error for each bad row."""
    bad: dict[int, Line] = {}
    lines = iter_lines(path)
    first: list[Line] = []
    for line in lines:  # find the header line to pick the delimiter
        first.append(line)
        if line.text.strip():
            break

    def texts() -> Iterator[str]:
        for line in itertools.chain(first, lines):
            if line.bad is not None:
                bad[line.number] = line
            yield line.text

    header_text = first[-1].text if first else ""
    reader = csv.reader(texts(), delimiter=_delimiter(header_text))
    header: list[str] | None = None
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path=path, line=reader.line_num) from None
        end = reader.line_num
        span = [number for number in bad if start <= number <= end]
        row_start, start = start, end + 1
        if not any(cell.strip() for cell in row):
            continue
        if span:
            yield InputError(bad[span[0]].bad or "not valid UTF-8", path=path, line=span[0])
            for number in span:
                del bad[number]
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
