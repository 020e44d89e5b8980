"""Papers whose extraction raised: one plain record each, so a bad paper never costs a build.

An exception while extracting one paper (in any pipe, in any engine) is
caught for that paper alone and becomes a :class:`PaperFailure`: which paper
(id and ``file:line``), which step raised (a spaCy pipe name such as
``kg_abbreviations``, or ``worker process`` when the process running it
died), the error, and the innermost line of kg's own code it came from. The
record is deterministic (no timestamps, no absolute paths, no memory
addresses), so ``failures.jsonl`` is the same bytes run to run. Stdlib only.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.records import Paper

__all__ = ["FAILURE_KEY", "PaperFailure"]

#: The key that marks a failure line in a journal or shard that also holds extractions.
FAILURE_KEY = "kg_failure"
#: Error messages are cut here: some exceptions quote the whole input text.
MAX_ERROR_CHARS = 500
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PaperFailure:
    """One paper that could not be extracted, and why.

    Attributes:
        id: the paper id.
        source: the input file name the paper came from (``None`` for papers made in Python).
        line: the 1-based line or record number in that file.
        component: the step that raised: a pipe name, ``make_doc``,
            ``doc_to_extraction`` or ``worker process``.
        error: ``"ExceptionType: message"``, at most :data:`MAX_ERROR_CHARS` characters.
        where: the innermost frame of kg's own code (``kg/extract/x.py:12 in f``), or ``""``.
    """

    id: str
    source: str | None
    line: int | None
    component: str
    error: str
    where: str = ""

    @classmethod
    def from_exception(cls, paper: Paper, component: str, error: BaseException) -> PaperFailure:
        """Record that ``component`` raised ``error`` while extracting ``paper``.

        >>> from kg.records import Paper
        >>> f = PaperFailure.from_exception(Paper(id="p1", title="T", abstract="A", source="a.jsonl",
        ...                                       position=3), "kg_links", ValueError("bad"))
        >>> f.location, f.error
        ('a.jsonl:3', 'ValueError: bad')
        """
        return cls(
            id=paper.id,
            source=paper.source,
            line=paper.position,
            component=component,
            error=describe_error(error),
            where=_innermost_kg_frame(error),
        )

    @property
    def location(self) -> str:
        """Return ``file:line`` of the paper's record (or its id when it came from no file)."""
        if self.source is None:
            return self.id
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def message(self) -> str:
        """Return one line for a person: where the paper is, which step raised, what it said."""
        where = f" [{self.where}]" if self.where else ""
        return f"{self.location}: paper {self.id} failed in {self.component}: {self.error}{where}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form with a fixed key order."""
        return {
            "id": self.id,
            "source": self.source,
            "line": self.line,
            "component": self.component,
            "error": self.error,
            "where": self.where,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperFailure:
        """Build from :meth:`to_dict`'s form.

        Raises:
            KeyError: ``id``, ``component`` or ``error`` is missing.
        """
        line = data.get("line")
        return cls(
            id=str(data["id"]),
            source=None if data.get("source") is None else str(data["source"]),
            line=line if isinstance(line, int) else None,
            component=str(data["component"]),
            error=str(data["error"]),
            where=str(data.get("where") or ""),
        )


def describe_error(error: BaseException) -> str:
    """Return ``"Type: message"`` on one line, bounded, without memory addresses.

    >>> describe_error(KeyError("x" * 1000))[:12], len(describe_error(KeyError("x" * 1000)))
    ("KeyError: 'x", 500)
    """
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    text = _ADDRESS.sub("", " ".join(text.split()))
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


def _innermost_kg_frame(error: BaseException) -> str:
    """Return ``kg/module.py:line in function`` of the deepest frame inside the kg package."""
    found = ""
    for frame in traceback.extract_tb(error.__traceback__):
        try:
            relative = Path(frame.filename).resolve().relative_to(_PACKAGE_ROOT)
        except ValueError:
            continue
        if relative.parts and relative.parts[0] == "kg":
            found = f"{relative.as_posix()}:{frame.lineno} in {frame.name}"
    return found
