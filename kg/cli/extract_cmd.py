"""``kg extract``: run the extractor over papers and write one JSON object per paper.

A thin layer over :func:`kg.sources.read_papers` and
:func:`kg.extract.extract_papers`: parse options, stream, write the JSON Lines
file atomically (:func:`kg.io.atomic_write`), show a progress bar on a
terminal and print a summary to stderr. spaCy loads only when the command runs.
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click

from kg.cli.pipeline_option import pipeline_option
from kg.cli.stdio import is_dash
from kg.cli.terminal import safe_line, safe_text
from kg.records import Paper
from kg.sources import FORMATS, ReadReport, read_papers


@click.command("extract")
@pipeline_option
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=Path("extractions.jsonl"),
    show_default=True,
    help="Where to write the extractions (JSON Lines, replaced atomically); '-' for standard output.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default=None,
    help="Force the input format instead of guessing it from the extension and content.",
)
@click.option("--strict", is_flag=True, help="Stop at the first bad record instead of skipping it.")
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=64, show_default=True, help="Papers per spaCy batch."
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: only when stderr is a terminal).",
)
def extract(
    inputs: tuple[Path, ...],
    output: Path,
    format_: str | None,
    strict: bool,
    batch_size: int,
    progress: bool | None,
) -> None:
    """Extract methods, models, datasets, tasks and links from INPUTS.

    INPUTS are paper files in any format `kg papers` reads (the bundled Daily
    Papers sample when none is given). Each paper becomes one line of OUTPUT in
    the gold format of the annotation guide: id, title, abstract, entities
    (type, name, aliases, role, confidence, component, mentions with field,
    offsets and sentence) and links (url, kind). Bad records are skipped and
    summarised at the end; with --strict the first one stops the command. A
    paper whose extraction raises is left out and named (file:line,
    component, error); the command goes on and exits with code 5.

    \b
    Examples:
      kg extract -o outputs/extractions.jsonl
      kg extract papers.jsonl arxiv.xml -o out.jsonl --batch-size 128
      cat papers.jsonl | kg extract - -o - > extractions.jsonl
    """
    from kg.cli.stdio import stdin_inputs

    with stdin_inputs(inputs) as given:
        _extract(given.paths, output, format_, strict, batch_size, progress, display=given.display)


def _extract(
    inputs: tuple[Path, ...],
    output: Path,
    format_: str | None,
    strict: bool,
    batch_size: int,
    progress: bool | None,
    *,
    display: Callable[[str], str],
) -> None:
    from kg.engines import extract_batch
    from kg.failures import PaperFailure
    from kg.io import dumps_line

    report = ReadReport()
    papers: Iterable[Paper] = read_papers(inputs, format=format_, strict=strict, report=report)
    show = sys.stderr.isatty() if progress is None else progress
    if show:
        from tqdm import tqdm

        papers = tqdm(papers, desc="extract", unit=" papers", file=sys.stderr, dynamic_ncols=True)
    types: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    links = 0
    written = 0
    failures: list[PaperFailure] = []
    with _open_output(output) as handle:
        iterator = iter(papers)
        while batch := list(itertools.islice(iterator, batch_size)):
            for outcome in extract_batch(batch):
                if isinstance(outcome, PaperFailure):
                    failures.append(outcome)
                    continue
                handle.write(dumps_line(outcome.to_dict()) + "\n")
                written += 1
                types.update(e.type for e in outcome.entities)
                roles.update(e.role for e in outcome.entities)
                links += len(outcome.links)
        report.raise_if_nothing_read()  # inside the block: the old output stays untouched
    click.echo(safe_text(display(report.summary())), err=True)
    for failure in failures[:20]:
        click.echo(safe_line(f"  failed: {failure.message()}"), err=True)
    if len(failures) > 20:
        click.echo(f"  ... and {len(failures) - 20} more failures", err=True)
    by_type = ", ".join(f"{t} {types[t]}" for t in ("Method", "Model", "Dataset", "Task"))
    click.echo(
        f"wrote {written} extraction{'s' if written != 1 else ''} to {'<stdout>' if is_dash(output) else output}: "
        f"{sum(types.values())} entities ({by_type}; {roles['proposed']} proposed), {links} links",
        err=True,
    )
    if failures:
        from kg.errors import PapersFailed

        raise PapersFailed(f"finished with {len(failures)} failed paper{'s' if len(failures) != 1 else ''} "
                           "(extraction raised; not in the output)")


@contextmanager
def _open_output(output: Path) -> Iterator[IO[str]]:
    """Open the output: standard output for ``-`` (no atomicity to offer), else an atomic file."""
    from kg.io import atomic_write

    if is_dash(output):
        stream = sys.stdout
        yield stream
        stream.flush()
        return
    with atomic_write(output) as handle:
        yield handle
