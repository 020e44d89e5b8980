"""Errors kg raises for problems a person can act on.

Every error carries enough context (file, line, position) to find the fault
without a traceback; the CLI prints ``str(error)`` and exits non-zero. This
module imports nothing heavy and must stay that way.
"""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base class of every error kg raises on purpose."""

    exit_code: int = 1


class InputError(KGError):
    """Bad input: a file that is missing, unreadable or holds a malformed record.

    Args:
        message: what is wrong and, where possible, what to do about it.
        path: the file that holds the problem, if any.
        line: the 1-based line (or record number for formats without lines).
    """

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class QueryError(KGError):
    """A SPARQL query that does not parse, fails, or runs out of time.

    Args:
        message: the parser's or engine's message.
        line: 1-based line of the mistake in the query, when known.
        column: 1-based column of the mistake, when known.
        source: where the query came from (a file name), shown as
            ``file:line:column:`` like a compiler's message; ``None`` for
            inline queries.
    """

    exit_code = 3

    def __init__(
        self, message: str, *, line: int | None = None, column: int | None = None, source: str | None = None
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.source = source
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.source is not None:
            where = self.source
            if self.line is not None:
                where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
            return f"{where}: {self.message}"
        if self.line is not None:
            pos = f"line {self.line}" + (f", column {self.column}" if self.column is not None else "")
            return f"query error at {pos}: {self.message}"
        return f"query error: {self.message}"


class QueryTimeout(QueryError):
    """A query that ran longer than its time limit and was stopped."""


class QueryRefused(QueryError):
    """A query kg will not run whatever the graph: a SPARQL update, or a call to another endpoint (SERVICE)."""


class ValidationError(KGError):
    """A graph that does not conform to kg's SHACL shapes."""

    exit_code = 4


class BusyError(KGError):
    """Another ``kg build`` is writing to the same output folder."""


class DiskFullError(KGError):
    """The disk filled up during a build; the output folder keeps its previous files."""


class PapersFailed(KGError):
    """A run that finished without some papers: extracting them raised (each is named with file and line).

    Its own exit code, so a script can tell "finished, some papers missing"
    from "stopped".
    """

    exit_code = 5
