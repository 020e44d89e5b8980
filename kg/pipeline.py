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
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from kg import outdir
from kg.errors import DiskFullError, InputError
from kg.failures import FAILURE_KEY, PaperFailure
from kg.io import dumps_line, read_jsonl, write_jsonl
from kg.records import Paper, PaperExtraction

log = logging.getLogger(__name__)

EXTRACTIONS = "extractions.jsonl"
FAILURES = "failures.jsonl"
JOURNAL = ".extractions.partial.jsonl"
PAPERS = "papers.jsonl"
GRAPH_JSON = "graph.json"
RDF_FILES = {"graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}
HTML = "graph.html"

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
    seconds: float = 0.0
    files: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as plain data."""
        return dict(self.__dict__)


@dataclass
class BuildState:
    """What earlier builds left in an output folder: extractions and failures by paper id."""

    done: dict[str, PaperExtraction] = field(default_factory=dict)
    failed: dict[str, PaperFailure] = field(default_factory=dict)


def load_state(out_dir: Path) -> BuildState:
    """Read what earlier builds did: the final files, then the journal of an interrupted one.

    A torn last line of the journal (a build killed mid-write) is dropped. A
    later success of a paper in the journal (a retry) clears its failure.
    """
    state = BuildState()
    final = out_dir / EXTRACTIONS
    if final.exists():
        for row in read_jsonl(final):
            record = PaperExtraction.from_dict(row)
            state.done[record.id] = record
    failures = out_dir / FAILURES
    if failures.exists():
        for row in read_jsonl(failures):
            failure = PaperFailure.from_dict(row)
            if failure.id not in state.done:
                state.failed[failure.id] = failure
    journal = out_dir / JOURNAL
    if journal.exists():
        with journal.open(encoding="utf-8") as handle:
            for line in handle:
                try:
                    row = json.loads(line)
                    if FAILURE_KEY in row:
                        failure = PaperFailure.from_dict(row[FAILURE_KEY])
                        if failure.id not in state.done:
                            state.failed[failure.id] = failure
                        continue
                    record = PaperExtraction.from_dict(row)
                except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
                    log.warning("%s: dropping a torn line left by an interrupted build", journal)
                    continue
                state.failed.pop(record.id, None)
                state.done.setdefault(record.id, record)
    return state


def load_extractions(out_dir: Path) -> dict[str, PaperExtraction]:
    """Read what earlier builds extracted (see :func:`load_state`)."""
    return load_state(out_dir).done


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while batch := list(islice(iterator, size)):
        yield batch


def extract_new(
    papers: Iterable[Paper],
    out_dir: Path,
    state: BuildState | dict[str, PaperExtraction],
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

    ``state`` is updated in place. Papers whose id is already extracted are
    counted as already built and skipped; papers that failed before are
    skipped too (and counted as failed) unless ``retry_failed``. A paper
    whose extraction raises is journalled as a failure, and the build goes on.
    """
    from kg.engines import make_engine
    from kg.extract.pipeline import MAX_CHARS

    if isinstance(state, dict):
        state = BuildState(done=state)
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
    with ExitStack() as stack:
        stack.callback(runner.close)
        journal: TextIO | None = None
        for batch in runner.run(_batches(fresh(), batch_size)):
            if journal is None:  # opened on the first batch: a build with nothing new leaves no journal
                journal = stack.enter_context((out_dir / JOURNAL).open("a", encoding="utf-8", newline="\n"))
            for outcome in batch:
                if isinstance(outcome, PaperFailure):
                    journal.write(dumps_line({FAILURE_KEY: outcome.to_dict()}) + "\n")
                    failed[outcome.id] = outcome
                    summary.papers_failed += 1
                    summary.failures.append(outcome.message())
                else:
                    journal.write(dumps_line(outcome.to_dict()) + "\n")
                    done[outcome.id] = outcome
                    failed.pop(outcome.id, None)
                    summary.papers_extracted += 1
            journal.flush()
            os.fsync(journal.fileno())
            if progress:
                progress(len(batch))


def write_outputs(
    extractions: list[PaperExtraction],
    out_dir: Path,
    summary: BuildSummary,
    *,
    failures: Iterable[PaperFailure] = (),
    base: str | None = None,
    html_max_nodes: int = 500,
    validate: bool | None = None,
    consume: bool = False,
) -> None:
    """Write every output file from the full, id-sorted set of extractions.

    :func:`build` writes into a staging folder and swaps the files in
    together; called on its own, this writes (each file atomically) into ``out_dir``.

    Args:
        extractions: all papers' extractions (sorted by id by the caller).
        out_dir: the folder to write into.
        summary: updated with counts and file sizes.
        failures: the papers whose extraction raised (``failures.jsonl``, sorted by id).
        base: base IRI for the RDF (kg's default when ``None``).
        html_max_nodes: how many of the most connected nodes the HTML page draws.
        validate: run SHACL; ``None`` means only for graphs under 200k triples.
        consume: empty ``extractions`` once the graph is built, so the records
            and the graph are not both held while the big files are written.
    """
    import gc

    from kg.graph import build_graph, write_node_link
    from kg.rdf import write_rdf_files

    write_jsonl(out_dir / PAPERS, (record.paper.to_dict() for record in extractions))
    write_jsonl(out_dir / EXTRACTIONS, (record.to_dict() for record in extractions))
    write_jsonl(out_dir / FAILURES, (failure.to_dict() for failure in sorted(failures, key=lambda f: f.id)))

    summary.papers_total = len(extractions)
    graph = build_graph(extractions)
    if consume:
        extractions.clear()
        gc.collect()
    write_node_link(graph, out_dir / GRAPH_JSON)
    rdf_options: dict[str, Any] = {} if base is None else {"base": base}
    # one sorted pass writes N-Triples and JSON-LD; Turtle is made from the N-Triples file
    summary.triples = write_rdf_files(
        graph, {fmt: out_dir / name for name, fmt in RDF_FILES.items()}, **rdf_options
    )

    summary.entities = sum(1 for _, data in graph.nodes(data=True) if data.get("kind") in ENTITY_KINDS)
    summary.links = sum(
        1 for _, _, data in graph.edges(data=True) if data.get("relation") in ("has_code", "has_link")
    )
    if validate is None:
        validate = summary.triples <= 200_000
    if validate:
        from kg.rdf import load_rdflib
        from kg.rdf import validate as shacl_validate

        report = shacl_validate(load_rdflib(out_dir / "graph.nt"))
        summary.shacl_conforms = report.conforms
        if not report.conforms:
            log.error("the graph does not conform to kg's SHACL shapes:\n%s", report.text)

    from kg.view import write_html

    write_html(graph, out_dir / HTML, max_nodes=html_max_nodes)
    for name in OUTPUT_FILES:
        summary.files[name] = (out_dir / name).stat().st_size


ENTITY_KINDS = frozenset({"Method", "Model", "Dataset", "Task"})
#: Every file a build writes, swapped into the output folder together.
OUTPUT_FILES = (PAPERS, EXTRACTIONS, FAILURES, GRAPH_JSON, *RDF_FILES, HTML)


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
        validate: SHACL-validate the written graph (default: small graphs only).
        retry_failed: extract again the papers that failed in earlier builds.
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
            _write_and_swap(state, out, summary, base=base, html_max_nodes=html_max_nodes, validate=validate)
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
    """Write every output into the staging folder, then swap the set into ``out`` (lock held)."""
    extractions = [state.done[key] for key in sorted(state.done)]
    state.done.clear()
    stage = outdir.staging(out)
    try:
        write_outputs(extractions, stage, summary, failures=state.failed.values(), consume=True, **options)
        outdir.commit(out, OUTPUT_FILES, remove=[JOURNAL])
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
