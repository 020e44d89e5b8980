"""``kg papers``: list the papers a source yields, as a table or JSON Lines.

A thin layer over :func:`kg.sources.read_papers`: parse options, print rows
to stdout and the read summary (counts, skip reasons) to stderr. Bad input
raises :class:`kg.errors.InputError`, which ``kg.cli.main`` turns into one
line and exit code 2.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import click

from kg.cli.terminal import safe_json_line, safe_line, safe_text, stdout_is_terminal
from kg.records import Paper
from kg.sources import FORMATS, ReadReport, read_papers

#: Rows used to size the table's columns before it starts streaming.
WIDTH_WINDOW = 200
TITLE_WIDTH = 60


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def table_lines(papers: Iterable[Paper], *, title_width: int = TITLE_WIDTH) -> Iterator[str]:
    """Yield an aligned text table (id, date, title), sizing columns from the first rows."""
    it = iter(papers)
    head = list(itertools.islice(it, WIDTH_WINDOW))
    id_width = max([len("ID")] + [len(p.id) for p in head])
    date_width = max([len("DATE")] + [len(p.date or "") for p in head])

    def row(pid: str, date: str, title: str) -> str:
        return f"{pid:<{id_width}}  {date:<{date_width}}  {title}".rstrip()

    yield row("ID", "DATE", "TITLE")
    for paper in itertools.chain(head, it):
        yield row(paper.id, paper.date or "", _truncate(paper.title, title_width))


def jsonl_lines(papers: Iterable[Paper]) -> Iterator[str]:
    """Yield one JSON object per paper (:meth:`Paper.to_dict`)."""
    from kg.io import dumps_line

    for paper in papers:
        yield dumps_line(paper.to_dict())


@click.command("papers")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "format_", type=click.Choice(FORMATS), default=None,
              help="Force the input format instead of guessing it from the extension and content.")
@click.option("--strict", is_flag=True, help="Stop at the first bad record instead of skipping it.")
@click.option("--output-format", "output_format", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True, help="A readable table, or one JSON object per paper.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Show at most N papers.")
def papers(inputs: tuple[Path, ...], format_: str | None, strict: bool, output_format: str,
           limit: int | None) -> None:
    """List the papers INPUTS yield (the bundled Daily Papers sample when none is given).

    Formats: daily (Hugging Face Daily Papers text page), jsonl, json, csv,
    arxiv-atom (arXiv API), arxiv-snapshot (arXiv bulk metadata), bibtex,
    openalex, hf-daily (Hugging Face daily-papers JSON). The same paper read
    twice is listed once. Bad records are skipped and summarised on stderr
    at the end; with --strict the first one stops the command (exit code 2).

    \b
    Examples:
      kg papers
      kg papers papers.csv arxiv.xml --output-format jsonl --limit 5
      cat papers.jsonl | kg papers -
    """
    from kg.cli.stdio import stdin_inputs

    with stdin_inputs(inputs) as given:
        _list_papers(given.paths, format_, strict, output_format, limit, display=given.display)


def _list_papers(inputs: tuple[Path, ...], format_: str | None, strict: bool, output_format: str,
                 limit: int | None, *, display: Callable[[str], str]) -> None:
    report = ReadReport()
    stream: Iterable[Paper] = read_papers(inputs, format=format_, strict=strict, report=report)
    if limit is not None:
        stream = itertools.islice(stream, limit)
    lines = jsonl_lines(stream) if output_format == "jsonl" else table_lines(stream)
    if stdout_is_terminal():  # a title may hold escape sequences: show them, never run them
        lines = map(safe_json_line if output_format == "jsonl" else safe_line, lines)
    shown = 0
    try:
        for line in lines:
            click.echo(line)
            shown += 1
    except BrokenPipeError:  # `kg papers | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    if limit != 0:
        report.raise_if_nothing_read()
    click.echo(safe_text(display(report.summary())), err=True)
