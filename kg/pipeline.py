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
from kg.io import dumps_line, read_jsonl, write_jsonl
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
    seconds: float = 0.0
    files: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as plain data."""
        return dict(self.__dict__)


def load_extractions(out_dir: Path) -> dict[str, PaperExtraction]:
    """Read what earlier builds extracted: the final file, then the journal of an interrupted one.

    A torn last line of the journal (a build killed mid-write) is dropped.
    """
    done: dict[str, PaperExtraction] = {}
    final = out_dir / EXTRACTIONS
    if final.exists():
        for row in read_jsonl(final):
            record = PaperExtraction.from_dict(row)
            done[record.id] = record
    journal = out_dir / JOURNAL
    if journal.exists():
        with journal.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = PaperExtraction.from_dict(json.loads(line))
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                    log.warning("%s: dropping a torn line left by an interrupted build", journal)
                    continue
                done.setdefault(record.id, record)
    return done


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_new(
    papers: Iterable[Paper],
    out_dir: Path,
    done: dict[str, PaperExtraction],
    summary: BuildSummary,
    *,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    batch_size: int = 64,
    progress: ProgressCallback | None = None,
) -> None:
    """Extract the papers not in ``done``, appending each finished batch to the journal.

    ``done`` is updated in place. Papers whose id is already there are
    counted as already built and skipped.
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
        with (out_dir / JOURNAL).open("a", encoding="utf-8", newline="\n") as journal:
            for batch in runner.run(_batches(fresh(), batch_size)):
                for record in batch:
                    journal.write(dumps_line(record.to_dict()) + "\n")
                    done[record.id] = record
                journal.flush()
                os.fsync(journal.fileno())
                summary.papers_extracted += len(batch)
                if progress:
                    progress(len(batch))
    finally:
        runner.close()


def write_outputs(
    extractions: list[PaperExtraction],
    out_dir: Path,
    summary: BuildSummary,
    *,
    base: str | None = None,
    html_max_nodes: int = 500,
    validate: bool | None = None,
    consume: bool = False,
    formats: tuple[str, ...] | None = None,
) -> None:
    """Write every output file from the full, id-sorted set of extractions.

    Args:
        extractions: all papers' extractions (sorted by id by the caller).
        out_dir: the output folder.
        summary: updated with counts, file sizes, the formats written and the SHACL outcome.
        base: base IRI for the RDF (kg's default when ``None``).
        html_max_nodes: how many of the most connected nodes the HTML page draws.
        validate: run the SHACL check (:class:`kg.rdf.shacl.StreamingCheck`, in the pass
            that writes the RDF) unless ``False``; the summary says the outcome and time.
        consume: empty ``extractions`` once the graph is built, so the records
            and the graph are not both held while the big files are written.
        formats: the graph files to write (:data:`kg.formats.FORMATS`); ``None``
            for the size-dependent default of :func:`kg.formats.choose_formats`.
            Files of formats not chosen are removed, so none is left stale.
    """
    import gc

    from kg.formats import FORMAT_FILES, choose_formats
    from kg.graph import build_graph, write_node_link

    write_jsonl(out_dir / PAPERS, (record.paper.to_dict() for record in extractions))
    write_jsonl(out_dir / EXTRACTIONS, (record.to_dict() for record in extractions))
    journal = out_dir / JOURNAL
    if journal.exists():
        journal.unlink()

    summary.papers_total = len(extractions)
    chosen = choose_formats(formats, summary.papers_total)
    summary.formats = list(chosen)
    graph = build_graph(extractions)
    if consume:
        extractions.clear()
        gc.collect()
    if "json" in chosen:
        write_node_link(graph, out_dir / GRAPH_JSON)
    summary.entities = sum(1 for _, data in graph.nodes(data=True) if data.get("kind") in ENTITY_KINDS)
    summary.links = sum(
        1 for _, _, data in graph.edges(data=True) if data.get("relation") in ("has_code", "has_link")
    )
    _write_rdf(graph, out_dir, summary, chosen, base=base, validate=validate)
    if "html" in chosen:
        from kg.view import write_html

        write_html(graph, out_dir / HTML, max_nodes=html_max_nodes)
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
    started = time.perf_counter()
    try:
        # one sorted pass writes N-Triples, JSON-LD and the store, and runs the SHACL check;
        # Turtle is then made from the N-Triples
        summary.triples = write_rdf_files(
            graph, targets, on_subject=None if check is None else check.add, **rdf_options
        )
        if check is not None:
            report = check.finish()
            summary.shacl_conforms = report.conforms
            summary.shacl_seconds = time.perf_counter() - started
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
    done = load_extractions(out)
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
    extractions = [done[key] for key in sorted(done)]
    del done
    write_outputs(
        extractions,
        out,
        summary,
        base=base,
        html_max_nodes=html_max_nodes,
        validate=validate,
        consume=True,
        formats=formats,
    )
    summary.seconds = time.perf_counter() - started
    return summary
