"""``kg query``: run SPARQL over a graph file or an ``outputs/`` folder and print the result.

A thin layer over :mod:`kg.query`: the query comes from the command line,
a file (``--file``) or the ready-made queries (``--named``, with
``--param key=value``). Rows are printed as the engine finds them, so memory
stays bounded whatever the size of the answer; ``--max-results`` stops early
with a note on stderr. Errors are :class:`kg.errors.KGError` subclasses,
printed as one line with the position of the mistake (``file:line:column``
for ``--file``) by ``kg.cli.main``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
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
        params = " ".join(
            f"{p.name}=<{p.type}>" + (f" (default {p.default!r})" if p.default else "") for p in q.params
        )
        lines.append(f"{q.name}\n    {q.description}" + (f"\n    params: {params}" if params else ""))
    return "\n".join(lines)


def _unchanged(chunk: str) -> str:
    """Pass output to a file or pipe as it is (only a terminal gets escapes)."""
    return chunk


def _ready_limit(name: str, bound: dict[str, str]) -> int | None:
    """The row limit a ready query ran with (its ``limit`` parameter, given or default), or ``None``."""
    from kg.query.ready import list_queries

    for ready in list_queries():
        if ready.name == name:
            for param in ready.params:
                if param.name == "limit":
                    return int(bound.get("limit", param.default))
    return None


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
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Read the query from this .rq file; '-' reads it from standard input.",
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
    type=click.Choice(["table", "csv", "tsv", "json", "turtle", "nt", "jsonld"]),
    default=None,
    help="SELECT/ASK: table (aligned, the default), csv/tsv (SPARQL 1.1 CSV/TSV) or json "
    "(SPARQL 1.1 Results JSON). CONSTRUCT/DESCRIBE: turtle (the default), nt (N-Triples) or jsonld.",
)
@click.option(
    "--wide",
    is_flag=True,
    help="Table: print every cell whole on one line instead of wrapping cells over 80 characters.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop the query after this many seconds (loading the graph not counted).",
)
@click.option(
    "--max-results",
    type=click.IntRange(min=1),
    default=None,
    help="Print at most this many rows, then stop with a note on stderr (default: all, streamed).",
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
    fmt: Format | None,
    wide: bool,
    timeout: float | None,
    max_results: int | None,
    list_: bool,
) -> None:
    """Run a read-only SPARQL query over GRAPH and print the result.

    GRAPH is an output folder of `kg build` (its graph.oxigraph/ store when
    there is one, else graph.nt, .ttl, .jsonld, graph.json or
    extractions.jsonl) or one such file. Give the query as SPARQL text, with
    --file, or pick a ready-made one with --named (list them with --list).
    Rows are printed as they are found. Queries are read-only and offline:
    updates and SERVICE are refused, and so are brackets nested over 100 deep.
    The prefixes rdf rdfs xsd owl skos dcterms schema prov dcat bibo kg are
    predeclared; a query's own PREFIX lines override them. Long table cells
    wrap within their column (nothing is cut); --wide keeps each row on one
    line. CONSTRUCT and DESCRIBE answers print as Turtle unless --format says
    nt or jsonld.

    \b
    Examples:
      kg query outputs/ 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      kg query outputs/ 'SELECT ?name WHERE { ?d a schema:Dataset ; skos:prefLabel ?name }'
      kg query outputs/ 'DESCRIBE ?d WHERE { ?d skos:prefLabel "ImageNet" }' --format nt
      kg query outputs/ --named evidence --wide
      kg query outputs/graph.nt --file my-query.rq --format csv
      kg query outputs/ --named papers_using_dataset --param dataset=ImageNet-1k
      kg query outputs/ --named top_methods --param limit=10 --format json
      kg query outputs/ 'SELECT * WHERE { ?s ?p ?o }' --max-results 100 --format tsv
    """
    from kg.cli.terminal import safe_json_text, safe_text, stdout_is_terminal
    from kg.query import iter_formatted, load_query, stream_query

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
    name = None
    if query_file is not None and str(query_file) == "-":
        text = sys.stdin.read()
        name = "<stdin>"
    elif query_file is not None:
        text = read_text(query_file, what="query file")
        name = str(query_file)
    elif named is not None:
        bound = _parse_params(params)
        text = load_query(named, **bound)
    else:
        assert sparql is not None
        text = sparql
    # literals may hold escape sequences: on a terminal show them, never run them
    clean: Callable[[str], str]
    if stdout_is_terminal():
        clean = safe_json_text if fmt in ("json", "jsonld") else safe_text
    else:
        clean = _unchanged
    try:
        with stream_query(graph, text, timeout=timeout, max_results=max_results, name=name) as stream:
            chosen = fmt or ("turtle" if stream.kind == "graph" else "table")
            for chunk in iter_formatted(
                stream.kind,
                stream.variables,
                stream.batches(),
                boolean=stream.boolean,
                fmt=chosen,
                max_width=None if wide else 80,
            ):
                click.echo(clean(chunk), nl=False)
    except BrokenPipeError:  # `kg query ... | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    if stream.truncated:
        click.echo(
            f"kg: stopped after {max_results:,} rows (--max-results); the query has more", err=True
        )
    elif named is not None:
        limit = _ready_limit(named, bound)
        if limit is not None and limit > 0 and stream.rows_seen == limit:
            click.echo(
                f"kg: the first {limit:,} row{'s' if limit != 1 else ''} (the query's limit); "
                "--param limit=N for more",
                err=True,
            )
