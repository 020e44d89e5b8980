"""``kg build``: stream papers through extraction into the graph files of an output folder.

The output folder is the state. ``extractions.jsonl`` holds one record per
paper already extracted; a build reads it, extracts only papers it does not
hold, and rebuilds every other file from the full set of extractions (entity
resolution is global, so the graph is always a pure function of that set).
While extracting, finished batches are appended to a journal
(``.extractions.partial.jsonl``); an interrupted build keeps them and the
next build resumes from there. Every final file is written to a temporary
file and renamed into place. This module prints nothing: progress goes
through a callback the CLI supplies.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.io import atomic_write, dumps_line, read_jsonl
from kg.records import Paper, PaperExtraction

log = logging.getLogger(__name__)

EXTRACTIONS = "extractions.jsonl"
JOURNAL = ".extractions.partial.jsonl"
PAPERS = "papers.jsonl"
GRAPH_JSON = "graph.json"
RDF_FILES = {"graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}
HTML = "graph.html"
STORE = "graph.oxigraph"

ProgressCallback = Callable[[int], None]


@dataclass
class BuildSummary:
    """What a build did, for the closing summary and for tests."""

    papers_read: int = 0
    papers_skipped: int = 0
    skip_reasons: list[str] = field(default_factory=list)
    papers_already_built: int = 0
    papers_extracted: int = 0
    papers_total: int = 0
    entities: int = 0
    links: int = 0
    triples: int = 0
    shacl_conforms: bool | None = None
    shacl_seconds: float = 0.0
    shacl_engine: str = ""
    shacl_note: str = ""
    formats: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    files: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as plain data."""
        return dict(self.__dict__)


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


def index_extractions(out_dir: Path) -> StoredRecords:
    """Find what earlier builds extracted: the final file, then the journal of an interrupted one.

    A torn line of the journal (a build killed mid-write) is dropped.
    """
    stored = StoredRecords()
    for path in (out_dir / EXTRACTIONS, out_dir / JOURNAL):
        if not path.exists():
            continue
        number = stored.file_number(path)
        offset = 0
        with path.open("rb") as handle:
            for lineno, line in enumerate(handle, start=1):
                try:
                    row = json.loads(line)
                    paper_id = row["id"]
                    if not isinstance(paper_id, str) or not isinstance(row.get("entities", []), list):
                        raise TypeError(paper_id)
                except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError):
                    if path.name == EXTRACTIONS and line.strip():
                        raise InputError("not an extraction record", path=path, line=lineno) from None
                    if line.strip():
                        log.warning("%s: dropping a torn line left by an interrupted build", path)
                else:
                    stored.add(paper_id, number, offset)
                offset += len(line)
    return stored


def load_extractions(out_dir: Path) -> dict[str, PaperExtraction]:
    """Read what earlier builds extracted (see :func:`index_extractions`), all records in memory."""
    return {record.id: record for record in index_extractions(out_dir).records()}


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_new(
    papers: Iterable[Paper],
    out_dir: Path,
    done: StoredRecords,
    summary: BuildSummary,
    *,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    batch_size: int = 64,
    progress: ProgressCallback | None = None,
) -> None:
    """Extract the papers not in ``done``, appending each finished batch to the journal.

    ``done`` is updated in place (with where each new record's journal line
    is). Papers whose id is already there are counted as already built and skipped.
    """
    from kg.engines import make_engine

    def fresh() -> Iterator[Paper]:
        seen: set[str] = set()
        for paper in papers:
            summary.papers_read += 1
            if paper.id in done or paper.id in seen:
                summary.papers_already_built += 1
                if progress:
                    progress(1)
                continue
            seen.add(paper.id)
            yield paper

    out_dir.mkdir(parents=True, exist_ok=True)
    runner = make_engine(engine, workers=workers, scheduler=scheduler)
    try:
        journal_path = out_dir / JOURNAL
        number = done.file_number(journal_path)
        with journal_path.open("ab") as journal:
            if journal.tell() > 0 and _last_byte(journal_path) != b"\n":
                journal.write(b"\n")  # end a line torn by a killed build, so it stays one bad line
            for batch in runner.run(_batches(fresh(), batch_size)):
                for record in batch:
                    done.add(record.id, number, journal.tell())
                    journal.write((dumps_line(record.to_dict()) + "\n").encode("utf-8"))
                journal.flush()
                os.fsync(journal.fileno())
                summary.papers_extracted += len(batch)
                if progress:
                    progress(len(batch))
    finally:
        runner.close()


class _Clock:
    """Time the phases of a build into ``BuildSummary.phases`` (seconds, by phase name)."""

    def __init__(self, phases: dict[str, float]) -> None:
        self._phases = phases
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self._phases[name] = self._phases.get(name, 0.0) + now - self._last
        self._last = now


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1)


def write_outputs(
    stored: StoredRecords,
    out_dir: Path,
    summary: BuildSummary,
    *,
    base: str | None = None,
    html_max_nodes: int = 500,
    validate: bool | None = None,
    formats: tuple[str, ...] | None = None,
) -> None:
    """Write every output file from the full set of extractions, read back one record at a time.

    ``extractions.jsonl`` and ``papers.jsonl`` are written in one pass over
    the records (sorted by id); the graph is then built from
    ``extractions.jsonl`` (:func:`kg.graph.build_graph_from`), so the records
    are never all in memory, nor records and graph together.

    Args:
        stored: where every paper's record is (:func:`index_extractions` plus this build's journal).
        out_dir: the output folder.
        summary: updated with counts, file sizes, the formats written and the SHACL outcome.
        base: base IRI for the RDF (kg's default when ``None``).
        html_max_nodes: how many of the most connected nodes the HTML page draws.
        validate: run the SHACL check (:class:`kg.rdf.shacl.StreamingCheck`, in the pass
            that writes the RDF) unless ``False``; the summary says the outcome and time.
        formats: the graph files to write (:data:`kg.formats.FORMATS`); ``None``
            for the size-dependent default of :func:`kg.formats.choose_formats`.
            Files of formats not chosen are removed, so none is left stale.
    """
    from kg.formats import FORMAT_FILES, choose_formats
    from kg.graph import build_graph_from, write_node_link

    clock = _Clock(summary.phases)
    with atomic_write(out_dir / PAPERS) as papers, atomic_write(out_dir / EXTRACTIONS) as records:
        for record in stored.records():
            papers.write(dumps_line(record.paper.to_dict()) + "\n")
            records.write(dumps_line(record.to_dict()) + "\n")
    journal = out_dir / JOURNAL
    if journal.exists():
        journal.unlink()

    summary.papers_total = len(stored)
    chosen = choose_formats(formats, summary.papers_total)
    summary.formats = list(chosen)
    clock.lap("records files")
    graph = build_graph_from(lambda: (PaperExtraction.from_dict(row) for row in read_jsonl(out_dir / EXTRACTIONS)))
    clock.lap("resolution and graph")
    if "json" in chosen:
        write_node_link(graph, out_dir / GRAPH_JSON)
        clock.lap("graph.json")
    summary.entities = sum(1 for _, data in graph.nodes(data=True) if data.get("kind") in ENTITY_KINDS)
    summary.links = sum(
        1 for _, _, data in graph.edges(data=True) if data.get("relation") in ("has_code", "has_link")
    )
    _write_rdf(graph, out_dir, summary, chosen, base=base, validate=validate)
    clock.lap("RDF, store and SHACL")
    if "html" in chosen:
        from kg.view import write_html

        write_html(graph, out_dir / HTML, max_nodes=html_max_nodes)
        clock.lap("graph.html")
    del graph
    for fmt, name in FORMAT_FILES.items():
        if fmt not in chosen:
            _remove(out_dir / name)
    for name in (PAPERS, EXTRACTIONS, *(FORMAT_FILES[fmt] for fmt in chosen)):
        summary.files[name] = _size(out_dir / name)


def _write_rdf(
    graph: Any,
    out_dir: Path,
    summary: BuildSummary,
    chosen: tuple[str, ...],
    *,
    base: str | None,
    validate: bool | None,
) -> None:
    """Write the chosen RDF files and the store in one pass that also runs the SHACL check; swap the store in."""
    from kg.formats import FORMAT_FILES
    from kg.rdf import write_rdf_files

    rdf_options: dict[str, Any] = {} if base is None else {"base": base}
    targets: dict[str, Path] = {
        writer: out_dir / FORMAT_FILES[fmt]
        for fmt, writer in (("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld"))
        if fmt in chosen
    }
    new_store: Path | None = None
    if "store" in chosen:
        new_store = out_dir / f".{STORE}.new"
        _remove(new_store)
        targets["store"] = new_store
    check = None
    if validate is False:
        summary.shacl_note = "not run (--no-validate)"
    else:
        from kg.rdf.shacl import StreamingCheck

        check = StreamingCheck()
    try:
        # one sorted pass writes N-Triples, JSON-LD and the store, and runs the SHACL check;
        # Turtle is then made from the N-Triples
        summary.triples = write_rdf_files(
            graph, targets, on_subject=None if check is None else check.add, **rdf_options
        )
        if check is not None:
            from kg.rdf import iter_subjects

            report = check.finish(rescan=lambda: iter_subjects(graph, **rdf_options))
            summary.shacl_conforms = report.conforms
            summary.shacl_seconds = check.seconds
            summary.shacl_engine = "kg streaming check, in the export pass"
            if not report.conforms:
                log.error("the graph does not conform to kg's SHACL shapes:\n%s", report.text)
        if new_store is not None:
            _swap_in(new_store, out_dir / STORE)
    finally:
        if new_store is not None:
            _remove(new_store)


def _swap_in(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target``: two renames, the old one removed after."""
    old = target.with_name(f".{target.name}.old")
    _remove(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _size(path: Path) -> int:
    """Return the size of a file, or of every file in a folder (the store)."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


ENTITY_KINDS = frozenset({"Method", "Model", "Dataset", "Task"})


def build(
    inputs: Iterable[str | Path] = (),
    *,
    out_dir: str | Path = "outputs",
    format: str | None = None,
    strict: bool = False,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    batch_size: int = 64,
    base: str | None = None,
    html_max_nodes: int = 500,
    validate: bool | None = None,
    formats: tuple[str, ...] | None = None,
    progress: ProgressCallback | None = None,
) -> BuildSummary:
    """Read, extract, resolve and write the graph files of ``out_dir``; resumable and idempotent.

    Papers already in ``out_dir/extractions.jsonl`` (or in the journal of an
    interrupted build) are not extracted again; running the same build twice
    changes no byte of the outputs.

    Args:
        inputs: paper files; the bundled Daily Papers sample when empty.
        out_dir: the output folder (created when missing).
        format: force a source format instead of sniffing.
        strict: stop at the first bad record instead of skipping it.
        engine: ``"local"`` or ``"dask"``.
        workers: extraction processes (local) or Dask workers.
        scheduler: address of a running Dask scheduler.
        batch_size: papers per extraction batch (and per journal flush).
        base: base IRI for RDF.
        html_max_nodes: node cap of the HTML page.
        validate: SHACL-validate the graph (default: yes; ``False`` skips it, and the summary says so).
        formats: graph files to write (see :mod:`kg.formats`); ``None`` for the default.
        progress: called with the number of papers just handled.

    Returns:
        A :class:`BuildSummary`.

    Raises:
        InputError: bad input (with ``strict``) or an unreadable output folder.
    """
    from kg.sources import ReadReport, read_papers

    started = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("output path exists and is not a folder", path=out)
    summary = BuildSummary()
    done = index_extractions(out)
    report = ReadReport()
    papers = read_papers(list(inputs), format=format, strict=strict, report=report)
    extract_new(
        papers,
        out,
        done,
        summary,
        engine=engine,
        workers=workers,
        scheduler=scheduler,
        batch_size=batch_size,
        progress=progress,
    )
    summary.papers_skipped = report.skipped
    summary.skip_reasons = [str(error) for error in report.errors]
    summary.phases["read and extract"] = time.perf_counter() - started
    write_outputs(
        done,
        out,
        summary,
        base=base,
        html_max_nodes=html_max_nodes,
        validate=validate,
        formats=formats,
    )
    summary.seconds = time.perf_counter() - started
    return summary
