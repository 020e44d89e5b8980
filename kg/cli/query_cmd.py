"""``kg query``: run SPARQL over a graph file or an ``outputs/`` folder and print the result.

A thin layer over :mod:`kg.query`: the query comes from the command line,
a file (``--file``) or the ready-made queries (``--named``, with
``--param key=value``). Errors are :class:`kg.errors.KGError` subclasses,
printed as one line with the position of the mistake by ``kg.cli.main``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.errors import QueryError
from kg.io import read_text

if TYPE_CHECKING:
    from kg.query import Format


def _ready_help() -> str:
    from kg.query import list_queries

    lines = []
    for q in list_queries():
        params = " ".join(f"{p.name}=<{p.type}> (default {p.default!r})" for p in q.params)
        lines.append(f"{q.name}\n    {q.description}" + (f"\n    params: {params}" if params else ""))
    return "\n".join(lines)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param expects key=value, got {pair!r}")
        params[key.strip()] = value
    return params


@click.command("query")
@click.argument("graph", required=False, type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read the query from this .rq file.",
)
@click.option("-n", "--named", default=None, help="Run a ready-made query (see --list).")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Bind a parameter of a --named query (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="table (aligned), csv/tsv (SPARQL 1.1 CSV/TSV) or json (SPARQL 1.1 Results JSON).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop the query after this many seconds.",
)
@click.option(
    "--list", "list_", is_flag=True, help="List the ready-made queries and their parameters, then exit."
)
def query(
    graph: Path | None,
    sparql: str | None,
    query_file: Path | None,
    named: str | None,
    params: tuple[str, ...],
    fmt: Format,
    timeout: float | None,
    list_: bool,
) -> None:
    """Run a read-only SPARQL query over GRAPH and print the result.

    GRAPH is a .nt, .ttl or .jsonld file written by kg, or an output folder
    (its graph.nt is used). Give the query as SPARQL text, with --file, or
    pick a ready-made one with --named (list them with --list).

    \b
    Examples:
      kg query outputs/ 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query outputs/graph.nt --file my-query.rq --format csv
      kg query outputs/ --named papers_using_dataset --param dataset=ImageNet-1k
      kg query outputs/ --named top_methods --param limit=10 --format json
    """
    from kg.cli.terminal import safe_json_text, safe_text, stdout_is_terminal
    from kg.query import format_result, load_query, run_query

    if list_:
        click.echo(_ready_help())
        return
    if graph is None:
        raise click.UsageError("missing GRAPH (a .nt/.ttl/.jsonld file or an output folder)")
    sources = [
        name
        for name, given in (("SPARQL", sparql is not None), ("--file", query_file), ("--named", named))
        if given
    ]
    if len(sources) != 1:
        raise click.UsageError(
            "give exactly one query: SPARQL text, --file or --named"
            + (f" (got {', '.join(sources)})" if sources else "")
        )
    if params and not named:
        raise click.UsageError("--param only applies to --named queries")
    if query_file is not None:
        text = read_text(query_file, what="query file")
    elif named is not None:
        text = load_query(named, **_parse_params(params))
    else:
        assert sparql is not None
        text = sparql
    result = run_query(graph, text, timeout=timeout)
    output = format_result(result, fmt=fmt)
    if stdout_is_terminal():  # literals may hold escape sequences: show them, never run them
        output = safe_json_text(output) if fmt == "json" else safe_text(output)
    click.echo(output, nl=False)
