"""``kg build``: stream papers through extraction into the graph files of an output folder.

The output folder is the state. ``extractions.jsonl`` holds one record per
paper already extracted and ``failures.jsonl`` one per paper whose
extraction raised; a build reads both, extracts only papers in neither
(known failures again only with ``retry_failed``), and rebuilds every other
file from the full set of extractions (entity resolution is global, so the
graph is always a pure function of that set). While extracting, finished
batches are appended to a journal (``.extractions.partial.jsonl``); an
interrupted build keeps them and the next build resumes from there.

One build at a time holds the folder (:func:`kg.outdir.lock`), and the new
files are written into a staging folder and swapped in together
(:func:`kg.outdir.commit`), so the folder always holds the old set of files
or the new one, even when the disk fills up. This module prints nothing:
progress goes through a callback the CLI supplies, problems into the
:class:`BuildSummary`.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from kg import outdir
from kg.build_state import EXTRACTIONS, FAILURES, JOURNAL, BuildState, StoredRecords, load_state
from kg.errors import DiskFullError, InputError
from kg.explain import RESOLUTION_REPORT
from kg.failures import FAILURE_KEY, PaperFailure
from kg.formats import FORMAT_FILES
from kg.io import atomic_write, dumps_line, write_jsonl
from kg.records import ENTITY_TYPES, Paper
from kg.registry import ENTITY_IDS

log = logging.getLogger(__name__)

PAPERS = "papers.jsonl"
GRAPH_JSON = FORMAT_FILES["json"]
#: RDF file -> the rdflib format it is written in
RDF_FILES = {FORMAT_FILES["ttl"]: "turtle", FORMAT_FILES["nt"]: "nt", FORMAT_FILES["jsonld"]: "json-ld"}
HTML = FORMAT_FILES["html"]
STORE = FORMAT_FILES["store"]

ProgressCallback = Callable[[int], None]


@dataclass
class BuildSummary:
    """What a build did, for the closing summary and for tests.

    ``papers_failed`` counts papers of this build's inputs that are not in the
    graph because their extraction raised: new failures plus known ones not
    retried (``known_failures``). ``failures`` and ``warnings`` are one line
    each, ready to show.
    """

    papers_read: int = 0
    papers_skipped: int = 0
    skip_reasons: list[str] = field(default_factory=list)
    papers_already_built: int = 0
    papers_extracted: int = 0
    papers_failed: int = 0
    known_failures: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
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


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_new(
    papers: Iterable[Paper],
    out_dir: Path,
    state: BuildState,
    summary: BuildSummary,
    *,
    engine: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    batch_size: int = 64,
    retry_failed: bool = False,
    progress: ProgressCallback | None = None,
) -> None:
    """Extract the papers not in ``state``, appending each finished batch to the journal.

    ``state`` is updated in place (with where each new record's journal line
    is). Papers whose id is already extracted are
    counted as already built and skipped; papers that failed before are
    skipped too (and counted as failed) unless ``retry_failed``. A paper
    whose extraction raises is journalled as a failure, and the build goes on.
    """
    from kg.engines import make_engine
    from kg.extract.pipeline import MAX_CHARS

    done, failed = state.done, state.failed

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
            if paper.id in failed and not retry_failed:
                summary.papers_failed += 1
                summary.known_failures += 1
                summary.failures.append(failed[paper.id].message() + " (failed before; --retry-failed retries)")
                if progress:
                    progress(1)
                continue
            if len(paper.title) + len(paper.abstract) > MAX_CHARS:
                summary.warnings.append(
                    f"{paper.source or '<input>'}:{paper.position}: paper {paper.id}: only the first "
                    f"{MAX_CHARS:,} characters of title and abstract were extracted from")
            yield paper

    out_dir.mkdir(parents=True, exist_ok=True)
    runner = make_engine(engine, workers=workers, scheduler=scheduler)
    journal_path = out_dir / JOURNAL
    with ExitStack() as stack:
        stack.callback(runner.close)
        journal: BinaryIO | None = None
        number = 0
        for batch in runner.run(_batches(fresh(), batch_size)):
            if journal is None:  # opened on the first batch: a build with nothing new leaves no journal
                number = done.file_number(journal_path)
                journal = stack.enter_context(journal_path.open("ab"))
                if journal.tell() > 0 and _last_byte(journal_path) != b"\n":
                    journal.write(b"\n")  # end a line torn by a killed build, so it stays one bad line
            for outcome in batch:
                if isinstance(outcome, PaperFailure):
                    journal.write((dumps_line({FAILURE_KEY: outcome.to_dict()}) + "\n").encode("utf-8"))
                    failed[outcome.id] = outcome
                    summary.papers_failed += 1
                    summary.failures.append(outcome.message())
                else:
                    done.add(outcome.id, number, journal.tell())
                    journal.write((dumps_line(outcome.to_dict()) + "\n").encode("utf-8"))
                    failed.pop(outcome.id, None)
                    summary.papers_extracted += 1
            journal.flush()
            os.fsync(journal.fileno())
            if progress:
                progress(len(batch))


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
    failures: Iterable[PaperFailure] = (),
    formats: tuple[str, ...] | None = None,
    registry_from: Path | None = None,
) -> list[str]:
    """Write every output file from the full set of extractions, read back one record at a time.

    ``extractions.jsonl`` and ``papers.jsonl`` are written in one pass over
    the records (sorted by id) while a child process resolves the entities
    from the same stored records; the graph is then filled from them
    (:func:`kg.graph.build_graph_from`), so the records are never all in
    memory, nor records and graph together, nor resolution's working memory
    and the graph. :func:`build`
    writes into a staging folder and swaps the files in together; called on
    its own, this writes (each file atomically) into ``out_dir``.

    Args:
        stored: where every paper's record is (:func:`index_extractions` plus this build's journal).
        out_dir: the output folder.
        summary: updated with counts, file sizes, the formats written and the SHACL outcome.
        failures: the papers whose extraction raised (``failures.jsonl``, sorted by id).
        base: base IRI for the RDF (kg's default when ``None``).
        html_max_nodes: how many of the most connected nodes the HTML page draws.
        validate: run the SHACL check (:class:`kg.rdf.shacl.StreamingCheck`, in the pass
            that writes the RDF) unless ``False``; the summary says the outcome and time.
        formats: the graph files to write (:data:`kg.formats.FORMATS`); ``None``
            for the size-dependent default of :func:`kg.formats.choose_formats`.
            Files of formats not chosen are removed, so none is left stale.
        registry_from: the entity id registry of the folder being updated
            (:mod:`kg.registry`): entities keep the ids (IRIs) they had there.
            The updated registry (``entity-ids.jsonl``) and the resolution
            report (``resolution.jsonl``, what ``kg explain`` reads) are
            always written.

    Returns:
        The names of the files (and the store folder) written.
    """
    from kg.formats import choose_formats
    from kg.graph import build_graph_from
    from kg.node_link import write_node_link

    clock = _Clock(summary.phases)

    def write_records() -> None:
        with atomic_write(out_dir / PAPERS) as papers, atomic_write(out_dir / EXTRACTIONS) as records:
            for record in stored.records():
                papers.write(dumps_line(record.paper.to_dict()) + "\n")
                records.write(dumps_line(record.to_dict()) + "\n")
        write_jsonl(out_dir / FAILURES, (failure.to_dict() for failure in sorted(failures, key=lambda f: f.id)))

    summary.papers_total = len(stored)
    chosen = choose_formats(formats, summary.papers_total)
    summary.formats = list(chosen)
    from kg.explain import report_records, write_report
    from kg.registry import IdRegistry

    registry = IdRegistry.load(registry_from) if registry_from is not None else IdRegistry()
    # resolution runs in a child process reading the stored records while this one writes the
    # record files from them (two cores at once); the graph is then filled from them too
    graph, resolved = build_graph_from(
        stored.records, registry=registry, apart=True, scratch=out_dir, meanwhile=write_records
    )
    registry.save(out_dir / ENTITY_IDS)
    write_report(report_records(resolved), out_dir / RESOLUTION_REPORT)
    del resolved, registry
    clock.lap("records files, resolution and graph")
    if "json" in chosen:
        write_node_link(graph, out_dir / GRAPH_JSON)
        clock.lap("graph.json")
    summary.entities = sum(1 for _, data in graph.nodes(data=True) if data.get("kind") in ENTITY_TYPES)
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
    written = [PAPERS, EXTRACTIONS, FAILURES, ENTITY_IDS, RESOLUTION_REPORT, *(FORMAT_FILES[fmt] for fmt in chosen)]
    for name in written:
        summary.files[name] = _size(out_dir / name)
    return written


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


#: Every file a build with every format writes (``--formats all``), swapped into the output folder together.
OUTPUT_FILES = (PAPERS, EXTRACTIONS, FAILURES, ENTITY_IDS, RESOLUTION_REPORT, GRAPH_JSON, *RDF_FILES, HTML, STORE)


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
    retry_failed: bool = False,
    formats: tuple[str, ...] | None = None,
    progress: ProgressCallback | None = None,
) -> BuildSummary:
    """Read, extract, resolve and write the graph files of ``out_dir``; resumable and idempotent.

    Papers already in ``out_dir/extractions.jsonl`` (or in the journal of an
    interrupted build) are not extracted again; running the same build twice
    changes no byte of the outputs. A paper whose extraction raises is
    recorded in ``failures.jsonl`` (and the summary) and left out; the build
    goes on. The output folder holds the old files or the new ones, never a mix.

    Args:
        inputs: paper files; the bundled Daily Papers sample when empty.
        out_dir: the output folder (created when missing, once the inputs are found).
        format: force a source format instead of sniffing.
        strict: stop at the first bad record instead of skipping it.
        engine: ``"local"`` or ``"dask"``.
        workers: extraction processes (local) or Dask workers.
        scheduler: address of a running Dask scheduler.
        batch_size: papers per extraction batch (and per journal flush).
        base: base IRI for RDF.
        html_max_nodes: node cap of the HTML page.
        validate: SHACL-validate the graph (default: yes; ``False`` skips it, and the summary says so).
        retry_failed: extract again the papers that failed in earlier builds.
        formats: graph files to write (see :mod:`kg.formats`); ``None`` for the default.
        progress: called with the number of papers just handled.

    Returns:
        A :class:`BuildSummary`.

    Raises:
        InputError: a missing input, every record bad, a bad record with
            ``strict``, or an output path that is a file.
        BusyError: another build holds the output folder.
        DiskFullError: the disk filled up (the folder keeps its previous files).
    """
    from kg.sources import ReadReport, check_inputs, read_papers

    started = time.perf_counter()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("output path exists and is not a folder", path=out)
    inputs = list(inputs)
    check_inputs(inputs, format=format)  # before anything is created
    created = not out.exists()
    summary = BuildSummary()
    try:
        with outdir.lock(out):
            summary.warnings.extend(f"{out}: {line}" for line in outdir.recover(out))
            state = load_state(out)
            report = ReadReport()
            papers = read_papers(inputs, format=format, strict=strict, report=report)
            extract_new(papers, out, state, summary, engine=engine, workers=workers, scheduler=scheduler,
                        batch_size=batch_size, retry_failed=retry_failed, progress=progress)
            summary.papers_skipped = report.skipped
            summary.skip_reasons = [str(error) for error in report.errors]
            summary.warnings[:0] = report.warnings
            report.raise_if_nothing_read()  # every record bad: an error, and the folder stays as it was
            summary.phases["read and extract"] = time.perf_counter() - started
            _write_and_swap(
                state, out, summary, base=base, html_max_nodes=html_max_nodes, validate=validate, formats=formats
            )
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(
                f"disk full while writing to {out}: the folder keeps its previous files; free some space and "
                "run kg build again (papers extracted so far are kept and not extracted again)"
            ) from None
        raise
    except BaseException:
        if created:
            _remove_if_unused(out)
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _write_and_swap(state: BuildState, out: Path, summary: BuildSummary, **options: Any) -> None:
    """Write every output into the staging folder, then swap the set into ``out`` (lock held).

    The records are read from where they are in ``out`` (the old
    ``extractions.jsonl`` and the journal) while the new files are written;
    files of formats not written this time are removed in the same swap.
    """
    from kg.formats import FORMAT_FILES

    stage = outdir.staging(out)
    try:
        written = write_outputs(
            state.done, stage, summary, failures=state.failed.values(), registry_from=out / ENTITY_IDS, **options
        )
        stale = [name for name in FORMAT_FILES.values() if name not in written]
        outdir.commit(out, written, remove=[JOURNAL, *stale])
    finally:
        outdir.discard(out)


def _remove_if_unused(out: Path) -> None:
    """Remove an output folder this build created if it holds nothing of value (an empty journal at most)."""
    try:
        entries = list(out.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name in (outdir.LOCK_NAME, outdir.STAGING_NAME):
            continue
        if entry.name == JOURNAL and entry.is_file() and entry.stat().st_size == 0:
            continue
        return
    shutil.rmtree(out, ignore_errors=True)
