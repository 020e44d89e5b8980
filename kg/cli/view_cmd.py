"""``kg view``: the CLI face of :func:`kg.view.write_html` (load a graph, write one HTML page)."""

from __future__ import annotations

from pathlib import Path

import click

from kg.errors import InputError


@click.command("view")
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    default="graph.html",
    show_default=True,
    type=click.Path(path_type=Path),
    help="The HTML file to write.",
)
@click.option(
    "--mode",
    type=click.Choice(["auto", "map", "papers"], case_sensitive=False),
    default="auto",
    show_default=True,
    help="map: entities only (papers in the side panel); papers: papers and entities as nodes; "
    "auto: papers up to 150 papers, the map above.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=None,
    help="Draw at most N nodes: on the map the entities in most papers (default 500), "
    "with papers the most connected part.",
)
@click.option(
    "--focus",
    metavar="NAME",
    default=None,
    help="Draw only the neighbourhood of the entity with this name or alias.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Hops around --focus (edge direction ignored).",
)
@click.option(
    "--types",
    metavar="TYPE,...",
    default=None,
    help="Node types to draw: Paper, Method, Model, Dataset, Task, Repository, Link.",
)
@click.option("--title", default=None, help="Page title (default: 'kg knowledge graph').")
def view(
    graph_path: Path,
    output: Path,
    mode: str,
    max_nodes: int | None,
    focus: str | None,
    depth: int,
    types: str | None,
    title: str | None,
) -> None:
    """Draw GRAPH as one interactive, offline HTML page.

    GRAPH is a node-link graph.json, an RDF file written by kg (.ttl, .nt,
    .jsonld), an extractions.jsonl or an outputs/ folder of `kg build`. The
    page needs no network: open it from disk in any browser. Search by name
    or alias, filter by type or cluster, hover for details and click a node
    for its papers and evidence. A big graph is drawn as an entity map
    (entities sized by papers, coloured by cluster, tied by association
    strength; papers in the side panel), a small one with papers as nodes.

    \b
    Examples:
      kg view outputs/ -o graph.html
      kg view outputs/ --mode papers --focus LoRA -o lora.html
      kg view outputs/graph.json --max-nodes 300 --types Paper,Dataset
      kg view outputs/ --focus LoRA --depth 2 -o lora.html
    """
    from kg.api import load

    if focus is None and depth != 1:
        raise click.UsageError("--depth needs --focus NAME")
    graph = load(graph_path)
    try:
        summary = graph.to_html(
            output, mode=mode, max_nodes=max_nodes, focus=focus, depth=depth, types=types, title=title
        )
    except InputError as exc:
        if exc.path is not None:
            raise
        raise InputError(exc.message, path=graph_path) from None
    click.echo(f"wrote {output}: {summary.message}")
