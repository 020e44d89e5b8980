"""``kg build``: the CLI face of :func:`kg.pipeline.build` (progress bar and summary)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from kg.cli.pipeline_option import pipeline_option

if TYPE_CHECKING:
    from kg.pipeline import BuildSummary

from kg.formats import AUTO_ALL_MAX_PAPERS, FORMATS, LARGE_DEFAULT
from kg.sources import FORMATS as INPUT_FORMATS

LINE_FORMATS = {".jsonl", ".ndjson", ".csv"}


def estimate_total(paths: tuple[Path, ...]) -> int | None:
    """Guess how many papers the inputs hold, for the progress bar's ETA.

    Only line-per-record files are counted (one fast pass over the bytes);
    anything else leaves the total unknown and the bar shows a rate only.
    """
    if not paths or any(p.suffix.lower() not in LINE_FORMATS or not p.is_file() for p in paths):
        return None
    total = 0
    for path in paths:
        with path.open("rb") as handle:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return total


@click.command("build")
@pipeline_option
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", default="outputs", show_default=True, type=click.Path(path_type=Path),
              help="Output folder; papers already built there are skipped.")
@click.option("--format", "format_", default=None,
              help=f"Force the input format ({', '.join(INPUT_FORMATS)}) instead of sniffing it.")
@click.option("--strict", is_flag=True, help="Stop at the first bad record instead of skipping it.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Extraction processes (or Dask workers with --engine dask).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction runs: this machine, or a Dask cluster.")
@click.option("--scheduler", default=None, help="Address of a running Dask scheduler (default: a LocalCluster).")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(min=1),
              help="Papers per extraction batch and per journal flush.")
@click.option("--base-iri", default=None, help="Base IRI under which RDF resources are minted.")
@click.option("--html-max-nodes", default=500, show_default=True, type=click.IntRange(min=1),
              help="How many nodes graph.html draws: entities on the map, the most connected nodes when papers are drawn.")
@click.option("--validate/--no-validate", default=None,
              help="SHACL-validate the graph against schemas/shapes.ttl (default: on; the summary says how long "
                   "it took or why it did not run).")
@click.option("--formats", "formats_", default="auto", show_default=True, metavar="LIST",
              help=f"Graph files to write, comma-separated: {', '.join(FORMATS)}, or all. auto: all of them up "
                   f"to {AUTO_ALL_MAX_PAPERS:,} papers, else {','.join(LARGE_DEFAULT)} (the store answers kg "
                   "query and kg serve; N-Triples, Turtle and JSON-LD of a big graph are gigabytes).")
@click.option("--retry-failed", is_flag=True,
              help="Extract again the papers that failed in earlier builds (listed in failures.jsonl).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary (failures and warnings still show).")
def build(
    inputs: tuple[Path, ...],
    out_dir: Path,
    format_: str | None,
    strict: bool,
    workers: int,
    engine: str,
    scheduler: str | None,
    batch_size: int,
    base_iri: str | None,
    html_max_nodes: int,
    validate: bool | None,
    formats_: str,
    retry_failed: bool,
    quiet: bool,
) -> None:
    """Read papers, extract entities and links, and write the graph files.

    INPUTS are paper files in any supported format (the bundled Daily Papers
    sample when none is given). Writes papers.jsonl, extractions.jsonl,
    failures.jsonl and the graph files chosen with --formats (graph.oxigraph/,
    the on-disk store kg query and kg serve answer from; graph.json;
    graph.html; graph.nt, graph.ttl, graph.jsonld) into the output folder,
    all swapped in together, with entity-ids.jsonl (entities keep their ids
    across builds) and resolution.jsonl (what `kg explain` reads). Papers
    already there are not extracted again,
    so running a build twice changes nothing, and an interrupted build
    resumes. One build at a time may write to a folder; a second one stops
    at once. The graph is SHACL-validated on every build (--no-validate
    turns it off).

    A paper whose extraction raises is left out and listed (file:line,
    component, error) in the summary and in failures.jsonl; the build goes
    on and exits with code 5. Later builds skip it unless --retry-failed.
    Exit codes: 0 done, 1 error (e.g. disk full, folder busy), 2 bad input
    (every record bad, a missing file), 4 SHACL violations, 5 finished with
    failed papers, 130 interrupted, 143 terminated.

    \b
    Examples:
      kg build
      kg build papers.jsonl arxiv.xml -o outputs --workers 2
      kg build big.jsonl --engine dask --scheduler tcp://10.0.0.5:8786
      kg build big.jsonl --formats store,json,html,nt
    """
    from tqdm import tqdm

    from kg.formats import parse_formats
    from kg.pipeline import build as run_build

    try:
        formats = parse_formats(formats_)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--formats") from None

    show_bar = not quiet and sys.stderr.isatty()
    # no monitor thread: the build forks its entity-resolution child, and a fork is only
    # safe while no other thread holds a lock
    tqdm.monitor_interval = 0
    bar = tqdm(total=estimate_total(inputs), unit="paper", desc="extracting", disable=not show_bar, file=sys.stderr)
    in_main = threading.current_thread() is threading.main_thread()  # only there can signals be handled
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        summary = run_build(
            inputs, out_dir=out_dir, format=format_, strict=strict, engine=engine, workers=workers,
            scheduler=scheduler, batch_size=batch_size, base=base_iri, html_max_nodes=html_max_nodes,
            validate=validate, retry_failed=retry_failed, formats=formats, progress=bar.update,
        )
    finally:
        bar.close()
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    if quiet:
        print_problems(summary)
    else:
        print_summary(summary, out_dir)
    if summary.shacl_conforms is False:
        from kg.errors import ValidationError

        raise ValidationError(f"the graph of {out_dir} does not conform to kg's SHACL shapes (see the log above)")
    if summary.papers_failed:
        from kg.errors import PapersFailed
        from kg.pipeline import FAILURES

        raise PapersFailed(
            f"finished with {summary.papers_failed:,} failed paper{'s' if summary.papers_failed != 1 else ''} "
            f"(not in the graph; listed in {out_dir / FAILURES}); --retry-failed extracts them again"
        )


def _terminate(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into an orderly exit (code 143): workers are stopped and unfinished files removed."""
    click.echo("Terminated.", err=True)
    raise SystemExit(128 + signum)


#: Failures and warnings listed in the summary; the rest are counted.
MAX_LISTED = 20


def _listed(lines: list[str], what: str) -> None:
    from kg.cli.terminal import safe_line

    for line in lines[:MAX_LISTED]:
        click.echo(f"    {safe_line(line)}", err=True)
    if len(lines) > MAX_LISTED:
        click.echo(f"    ... and {len(lines) - MAX_LISTED:,} more {what}", err=True)


def print_problems(summary: BuildSummary) -> None:
    """Print what needs attention, even with --quiet: failed papers and warnings."""
    if summary.papers_failed:
        click.echo(f"failed           {summary.papers_failed:>10,}", err=True)
        _listed(summary.failures, "failures")
    if summary.warnings:
        click.echo(f"warnings         {len(summary.warnings):>10,}", err=True)
        _listed(summary.warnings, "warnings")


def print_summary(summary: BuildSummary, out_dir: Path) -> None:
    """Print the closing summary of a build to stderr."""
    click.echo(f"papers read      {summary.papers_read:>10,}", err=True)
    click.echo(f"  already built  {summary.papers_already_built:>10,}", err=True)
    click.echo(f"  extracted      {summary.papers_extracted:>10,}", err=True)
    click.echo(f"  skipped        {summary.papers_skipped:>10,}", err=True)
    _listed(summary.skip_reasons, "skipped records")
    click.echo(f"  failed         {summary.papers_failed:>10,}", err=True)
    _listed(summary.failures, "failures")
    if summary.warnings:
        click.echo(f"warnings         {len(summary.warnings):>10,}", err=True)
        _listed(summary.warnings, "warnings")
    click.echo(f"papers in graph  {summary.papers_total:>10,}", err=True)
    click.echo(f"entities         {summary.entities:>10,}", err=True)
    click.echo(f"links            {summary.links:>10,}", err=True)
    click.echo(f"triples          {summary.triples:>10,}", err=True)
    if summary.shacl_conforms is not None:
        verdict = "conforms" if summary.shacl_conforms else "DOES NOT CONFORM"
        click.echo(f"SHACL            {verdict:>10}  ({summary.shacl_engine}, {summary.shacl_seconds:.1f}s)", err=True)
    else:
        click.echo(f"SHACL            not validated: {summary.shacl_note}", err=True)
    click.echo(f"formats          {','.join(summary.formats):>10}", err=True)
    click.echo(f"time             {summary.seconds:>9.1f}s", err=True)
    for phase, seconds in summary.phases.items():
        click.echo(f"  {phase:<22} {seconds:>8.1f}s", err=True)
    for name, size in sorted(summary.files.items()):
        click.echo(f"  {out_dir / name}  ({size:,} bytes)", err=True)
