"""Read the project's knowledge tables: strict tab-separated files with a header line.

Every curated list kg ships (the entity lexicons here, the extractor's word
lists in ``kg/extract/words/``) is a UTF-8 file whose first line names its
columns. A person edits these files by hand, so a mistake must be reported as
``path:line: what is wrong``, never swallowed or turned into an odd match
later. This module only reads rows; what a row means is decided by the
caller. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.io import read_text

__all__ = ["read_rows"]


def read_rows(
    path: Path, *, header: tuple[str, ...], what: str, comments: bool = False
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Yield ``(line number, columns)`` for every data line of a tab-separated file.

    The first line must be exactly ``header`` joined by tabs. Blank lines are
    skipped, and so are lines starting with ``#`` when ``comments`` is true
    (word lists document their sections that way). Each column is stripped of
    surrounding spaces.

    Args:
        path: the file.
        header: the expected column names, in order.
        what: what the file is, for messages ("lexicon file", "word list").
        comments: whether ``#`` lines are comments.

    Raises:
        InputError: a missing or non-UTF-8 file, a wrong header, or a line
            with another number of columns; the message names file and line.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "t.tsv"
    ...     _ = p.write_text("word\\ttype\\n# a comment\\nzorb\\tMethod\\n", encoding="utf-8")
    ...     list(read_rows(p, header=("word", "type"), what="word list", comments=True))
    [(3, ('zorb', 'Method'))]
    """
    lines = read_text(path, what=what).splitlines()
    if not lines or tuple(lines[0].split("\t")) != header:
        raise InputError(f"first line must be the header {'<TAB>'.join(header)!r}", path=path, line=1)
    names = ", ".join(header)
    for line_no, raw in enumerate(lines[1:], start=2):
        if not raw.strip() or comments and raw.lstrip().startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) != len(header):
            raise InputError(
                f"expected {len(header)} tab-separated column{'s' if len(header) > 1 else ''} ({names}), "
                f"found {len(cols)}",
                path=path,
                line=line_no,
            )
        yield line_no, tuple(c.strip() for c in cols)
