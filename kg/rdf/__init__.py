"""RDF form of the knowledge graph: export, files, import and SHACL validation.

The networkx graph of :mod:`kg.graph` maps onto the vocabulary of
``schemas/kg.ttl``: papers are ``schema:ScholarlyArticle``, entities
``kg:Method`` / ``kg:Model`` / ``schema:Dataset`` / ``kg:Task``, repositories
``schema:SoftwareSourceCode`` and every paper-node edge also gets a
``kg:Mention`` node (IRI minted from the paper and the node, never a blank
node) holding the edge's attributes and evidence, so SPARQL can ask *why* a
paper is linked to an entity. Co-occurrence weights live on ``kg:CoOccurrence``
nodes. Loading the RDF back gives the same networkx graph.

One job per module:

* :mod:`kg.rdf.export`: graph -> plain triples, subject by subject in sorted
  IRI order (and :func:`to_rdf` for an ``rdflib.Graph``);
* :mod:`kg.rdf.writers`: N-Triples, Turtle and JSON-LD files, streamed and
  deterministic;
* :mod:`kg.rdf.read`: RDF files and rdflib graphs back into the networkx graph;
* :mod:`kg.rdf.shacl`: validation against ``schemas/shapes.ttl``;
* :mod:`kg.rdf.store`: the on-disk Oxigraph store of a build (bulk-loaded,
  opened read-only).

The terms themselves (``kg:`` and the standard vocabularies, as plain
strings) and IRI minting live in :mod:`kg.ontology`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.ontology import KG_NAMESPACE
    from kg.rdf.export import iter_subjects, iter_triples, to_rdf
    from kg.rdf.read import from_rdf, load_rdf, load_rdflib, parse_plain, rdf_format_of
    from kg.rdf.shacl import ValidationReport, shapes_graph, validate
    from kg.rdf.writers import RdfFormat, load_context, ntriples_lines, serialize, write_rdf, write_rdf_files

#: public name -> the module that defines it. Submodules are imported on first use, so that
#: ``kg.rdf.store`` (all ``kg query`` needs) does not pay for rdflib, which the others import.
_HOMES: dict[str, str] = {
    "KG_NAMESPACE": "kg.ontology",
    **dict.fromkeys(("iter_subjects", "iter_triples", "to_rdf"), "kg.rdf.export"),
    **dict.fromkeys(
        ("from_rdf", "load_rdf", "load_rdflib", "parse_plain", "rdf_format_of"),
        "kg.rdf.read",
    ),
    **dict.fromkeys(("ValidationReport", "shapes_graph", "validate"), "kg.rdf.shacl"),
    **dict.fromkeys(
        ("RdfFormat", "load_context", "ntriples_lines", "serialize", "write_rdf", "write_rdf_files"),
        "kg.rdf.writers",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kg.rdf' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "KG_NAMESPACE",
    "RdfFormat",
    "ValidationReport",
    "from_rdf",
    "iter_subjects",
    "iter_triples",
    "load_context",
    "load_rdf",
    "load_rdflib",
    "ntriples_lines",
    "parse_plain",
    "rdf_format_of",
    "serialize",
    "shapes_graph",
    "to_rdf",
    "validate",
    "write_rdf",
    "write_rdf_files",
]
