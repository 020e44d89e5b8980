"""The look-up keys the export writes beside each entity and paper, so ready queries read a few triples.

They are derived from the graph alone (ranks by papers, lower-cased names,
paper order by id) and declared in ``schemas/kg.ttl``; :mod:`kg.rdf.export`
writes them and the SHACL shapes require them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg.records import ENTITY_TYPES as ENTITY_KINDS

if TYPE_CHECKING:
    import networkx as nx

    from kg.ontology import IriMinter

__all__ = ["LookupKeys", "name_keys", "pref_label"]


class LookupKeys:
    """The look-up keys written on each entity so the ready queries read a few triples, not a class.

    ``kg:rankInType`` (position among the entities of its type by papers,
    then name, then IRI), ``kg:familyRank`` (position of a family by direct
    members, then papers, then IRI; families only), ``kg:nameKey`` (each
    lower-cased label) and, on papers, ``kg:idOrder`` (position by paper id). They are pure functions of the graph, computed once
    per export (one pass over nodes and ``broader`` edges), so every writer
    and the SHACL check see the same values. See ``schemas/kg.ttl``.
    """

    def __init__(self, graph: nx.DiGraph, m: IriMinter) -> None:
        iri = m.node
        by_kind: dict[str, list[tuple[int, str, str, str]]] = {}
        members: dict[str, int] = {}
        papers_by_id: list[tuple[str, str, str]] = []
        for node_id, data in graph.nodes(data=True):
            kind = data.get("kind")
            if kind == "Paper":
                papers_by_id.append((str(data.get("paper_id") or ""), iri(node_id), node_id))
            elif kind in ENTITY_KINDS:
                papers = int(data.get("paper_count") or 0)
                by_kind.setdefault(kind, []).append((-papers, pref_label(data), iri(node_id), node_id))
        for u, v, data in graph.edges(data=True):
            if data.get("relation") == "broader":
                members[v] = members.get(v, 0) + 1
        self.rank: dict[str, int] = {}
        for rows in by_kind.values():
            rows.sort()
            for position, row in enumerate(rows, start=1):
                self.rank[row[3]] = position
        nodes = graph.nodes
        families = sorted(
            (-count, -int(nodes[f].get("paper_count") or 0), iri(f), f)
            for f, count in members.items()
            if nodes[f].get("kind") in ENTITY_KINDS
        )
        self.family_rank: dict[str, int] = {row[3]: position for position, row in enumerate(families, start=1)}
        papers_by_id.sort()
        self.id_order: dict[str, int] = {row[2]: position for position, row in enumerate(papers_by_id, start=1)}


def pref_label(data: dict[str, Any]) -> str:
    """Return the ``skos:prefLabel`` of an entity node."""
    return str(data.get("name") or data.get("label") or "")


def name_keys(labels: Iterable[str]) -> list[str]:
    """Return the ``kg:nameKey`` values of an entity's labels: each lower-cased, distinct, sorted.

    ``str.lower`` is Unicode full lower-casing, the same mapping as SPARQL's
    ``LCASE`` in Oxigraph, so a query may look up ``LCASE(name)`` exactly.

    >>> name_keys(["ImageNet", "imagenet", "ImageNet-1k"])
    ['imagenet', 'imagenet-1k']
    """
    return sorted({label.lower() for label in labels})
