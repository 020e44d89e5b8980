"""``kg export``: the CLI face of :func:`kg.export.export_graph` (GraphML, GEXF, Neo4j CSV)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("export")
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "neo4j"]),
    default=None,
    help="graphml (Gephi, Cytoscape, yEd, igraph), gexf (Gephi) or neo4j (bulk-import CSV folder). "
    "Default: from the suffix of -o (.graphml, .gexf; no suffix means a Neo4j folder).",
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="The file to write (graphml, gexf) or the folder (neo4j).",
)
def export(graph_path: Path, fmt: str | None, output: Path) -> None:
    """Write GRAPH for Gephi, Cytoscape or Neo4j.

    GRAPH is a node-link graph.json, an RDF file written by kg (.ttl, .nt,
    .jsonld), an extractions.jsonl or an outputs/ folder of `kg build`.
    GraphML and GEXF hold flattened attributes: lists are joined with "; "
    and evidence sentences are left out (their number is kept as
    evidence_count). The Neo4j folder holds one nodes_<Label>.csv per node
    kind and one relationships_<TYPE>.csv per relation, with typed headers;
    the command that imports them is printed.

    \b
    Examples:
      kg export outputs/ --format graphml -o graph.graphml
      kg export outputs/ -o graph.gexf
      kg export outputs/ --format neo4j -o neo4j-import/
    """
    from kg.api import load

    summary = load(graph_path).export(output, format=fmt)
    click.echo(f"wrote {summary.message}")
    if summary.command:
        click.echo(f"import into an empty Neo4j database with:\n  {summary.command}")
