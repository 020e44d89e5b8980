"""What earlier builds left in an output folder: which papers are extracted, and where; which failed.

The output folder is the state of ``kg build`` (:mod:`kg.pipeline`):
``extractions.jsonl`` holds one record per paper already extracted,
``failures.jsonl`` one per paper whose extraction raised, and the journal
``.extractions.partial.jsonl`` the finished batches of an interrupted build.
:func:`load_state` reads all three without keeping the records in memory:
:class:`StoredRecords` knows where each record's line is and reads them back
one at a time, sorted by id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.failures import FAILURE_KEY, PaperFailure
from kg.formats import EXTRACTIONS
from kg.io import read_jsonl
from kg.records import PaperExtraction

__all__ = [
    "EXTRACTIONS",
    "FAILURES",
    "JOURNAL",
    "BuildState",
    "StoredRecords",
    "load_extractions",
    "load_state",
]

log = logging.getLogger("kg.pipeline")

FAILURES = "failures.jsonl"
JOURNAL = ".extractions.partial.jsonl"


class StoredRecords:
    """Where every extracted paper's record is on disk: paper id -> (file, byte offset of its line).

    A build never holds all extraction records in memory (at 200k papers they
    are gigabytes): it keeps this index, and :meth:`records` reads them back
    one at a time, sorted by id, when the output files are written.
    """

    def __init__(self) -> None:
        self._where: dict[str, tuple[int, int]] = {}
        self._files: list[Path] = []

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._where

    def __len__(self) -> int:
        return len(self._where)

    def __iter__(self) -> Iterator[str]:
        """Iterate over the paper ids, sorted (a container of ids, like the dict it replaced)."""
        return iter(self.ids())

    def ids(self) -> list[str]:
        """Return the paper ids, sorted."""
        return sorted(self._where)

    def file_number(self, path: Path) -> int:
        """Return the number under which ``path`` is known (added if new)."""
        if path not in self._files:
            self._files.append(path)
        return self._files.index(path)

    def add(self, paper_id: str, file: int, offset: int) -> None:
        """Record where a paper's line is; the first place given for an id wins."""
        self._where.setdefault(paper_id, (file, offset))

    def records(self) -> Iterator[PaperExtraction]:
        """Yield the records sorted by id, each read from its line (the files stay open meanwhile)."""
        handles = [path.open("rb") for path in self._files]
        try:
            for paper_id in self.ids():
                file, offset = self._where[paper_id]
                handle = handles[file]
                handle.seek(offset)
                yield PaperExtraction.from_dict(json.loads(handle.readline()))
        finally:
            for handle in handles:
                handle.close()


@dataclass
class BuildState:
    """What earlier builds left in an output folder: where each extraction is, and failures by paper id."""

    done: StoredRecords = field(default_factory=StoredRecords)
    failed: dict[str, PaperFailure] = field(default_factory=dict)


def load_state(out_dir: Path) -> BuildState:
    """Find what earlier builds did: the final files, then the journal of an interrupted one.

    Records are not kept, only where each one is (:class:`StoredRecords`). A
    torn line of the journal (a build killed mid-write) is dropped. A later
    success of a paper in the journal (a retry) clears its failure.
    """
    state = BuildState()
    failures = out_dir / FAILURES
    failed_before: dict[str, PaperFailure] = {}
    if failures.exists():
        for row in read_jsonl(failures):
            failure = PaperFailure.from_dict(row)
            failed_before[failure.id] = failure
    for path in (out_dir / EXTRACTIONS, out_dir / JOURNAL):
        if not path.exists():
            continue
        number = state.done.file_number(path)
        offset = 0
        with path.open("rb") as handle:
            for lineno, line in enumerate(handle, start=1):
                try:
                    row = json.loads(line)
                    if FAILURE_KEY in row:
                        failure = PaperFailure.from_dict(row[FAILURE_KEY])
                        if failure.id not in state.done:
                            state.failed[failure.id] = failure
                    else:
                        paper_id = row["id"]
                        if not isinstance(paper_id, str) or not isinstance(row.get("entities", []), list):
                            raise TypeError(paper_id)
                        state.done.add(paper_id, number, offset)
                        state.failed.pop(paper_id, None)
                except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError, AttributeError):
                    if path.name == EXTRACTIONS and line.strip():
                        raise InputError("not an extraction record", path=path, line=lineno) from None
                    if line.strip():
                        log.warning("%s: dropping a torn line left by an interrupted build", path)
                offset += len(line)
        if path.name == EXTRACTIONS:
            # failures.jsonl is read after the final extractions and before the journal
            for paper_id, failure in failed_before.items():
                if paper_id not in state.done:
                    state.failed[paper_id] = failure
    if not (out_dir / EXTRACTIONS).exists():
        for paper_id, failure in failed_before.items():
            state.failed.setdefault(paper_id, failure)
    return state


def load_extractions(out_dir: Path) -> dict[str, PaperExtraction]:
    """Read what earlier builds extracted (see :func:`load_state`), all records in memory."""
    return {record.id: record for record in load_state(out_dir).done.records()}
