"""RDF back into the networkx graph: parse kg's RDF files and rebuild the graph contract.

Files are parsed by pyoxigraph into plain triples (:func:`parse_plain`) and
the graph is rebuilt from them (:func:`load_rdf`); an ``rdflib.Graph`` goes
the same way (:func:`from_rdf`). Anything that is not kg's RDF form (blank
nodes, a mention pointing to a non-node) is refused with an
:class:`~kg.errors.InputError`. This module must not write files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.ontology import (
    C_DCAT_DATASET,
    CLASS_KINDS,
    LABEL,
    P_ABSTRACT,
    P_ALT,
    P_ATTRIBUTED,
    P_CODEREPO,
    P_DATE,
    P_IDENT,
    P_NODE_ID,
    P_PREF,
    P_TITLE,
    P_URL,
    PREFIXES,
    PROPERTY_RELATIONS,
    RDF_NS,
    XSD_BOOLEAN,
    XSD_DOUBLE,
    XSD_INTEGER,
    XSD_STRING,
    A,
    K_authorList,
    K_categoryList,
    K_component,
    K_confidence,
    K_CoOccurrence,
    K_endOffset,
    K_evidenceSentence,
    K_extractorVersion,
    K_field,
    K_firstEntity,
    K_hasEvidence,
    K_host,
    K_index,
    K_kgVersion,
    K_linkKind,
    K_Mention,
    K_mentionCount,
    K_origin,
    K_paper,
    K_paperCount,
    K_relation,
    K_secondEntity,
    K_sourceFile,
    K_startOffset,
    K_surfaceAlias,
    K_surfaceName,
    K_target,
    K_weight,
)
from kg.rdf.export import Iri, Obj, Triple, _rdflib_literal

if TYPE_CHECKING:
    import networkx as nx
    import rdflib


def _py(lexical: str, datatype: str) -> Any:
    """Return the Python value of a literal written by :func:`_lit`."""
    if datatype == XSD_INTEGER:
        return int(lexical)
    if datatype == XSD_DOUBLE:
        return float(lexical.replace("INF", "inf"))
    if datatype == XSD_BOOLEAN:
        return lexical in ("true", "1")
    return lexical


# -- RDF -> graph ---------------------------------------------------------------------------------
def _from_plain(triples: Iterable[Triple]) -> nx.DiGraph:
    """Rebuild the networkx graph from plain triples written by :func:`iter_triples`."""
    import networkx as nx

    props: dict[str, dict[str, list[Obj]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        props[s][p].append(o)

    def one(s: str, p: str, default: Any = None) -> Any:
        values = props[s].get(p)
        if not values:
            return default
        o = values[0]
        return str(o) if type(o) is Iri else _py(*o)  # type: ignore[misc]

    def many(s: str, p: str) -> list[Any]:
        return sorted(str(o) if type(o) is Iri else _py(*o) for o in props[s].get(p, ()))  # type: ignore[misc]

    def seq(s: str, p: str) -> list[Any]:
        owner = props[s].get(p)
        if not owner:
            return []
        items = []
        for pred, values in props[str(owner[0])].items():
            if pred.startswith(RDF_NS + "_") and pred[len(RDF_NS) + 1 :].isdigit():
                items.append((int(pred[len(RDF_NS) + 1 :]), _py(*values[0])))  # type: ignore[misc]
        return [value for _, value in sorted(items)]

    g = nx.DiGraph()
    ids: dict[str, str] = {}
    nodes: list[tuple[str, dict[str, Any]]] = []
    mentions: list[str] = []
    pairs: list[str] = []
    for s, pmap in props.items():
        types = {str(t) for t in pmap.get(A, ())}
        if C_DCAT_DATASET in types and P_NODE_ID not in pmap:
            for key, prop in (("kg_version", K_kgVersion), ("extractor", K_extractorVersion)):
                if prop in pmap:
                    g.graph[key] = one(s, prop)
            continue
        if K_Mention in types:
            mentions.append(s)
            continue
        if K_CoOccurrence in types:
            pairs.append(s)
            continue
        node_id = one(s, P_NODE_ID)
        if node_id is None:
            continue
        kinds = sorted(CLASS_KINDS[t] for t in types if t in CLASS_KINDS)
        if len(kinds) != 1:
            raise InputError(f"node {node_id!r} ({s}) has {len(kinds)} kg node classes; expected exactly one")
        kind = kinds[0]
        ids[s] = node_id
        data: dict[str, Any] = {"kind": kind, "label": one(s, LABEL)}
        if kind == "Paper":
            data.update(
                paper_id=one(s, P_IDENT),
                title=one(s, P_TITLE, ""),
                abstract=one(s, P_ABSTRACT),
                url=one(s, P_URL),
                authors=seq(s, K_authorList),
                date=one(s, P_DATE),
                categories=seq(s, K_categoryList),
                source=one(s, K_sourceFile),
            )
        elif kind == "Repository":
            data.update(url=one(s, P_CODEREPO), host=one(s, K_host))
        elif kind == "Link":
            data.update(url=one(s, P_URL), link_kind=one(s, K_linkKind))
        else:
            data.update(
                name=one(s, P_PREF),
                aliases=many(s, P_ALT),
                paper_count=one(s, K_paperCount, 0),
                mention_count=one(s, K_mentionCount, 0),
            )
        nodes.append((node_id, data))
    for node_id, data in sorted(nodes, key=lambda item: item[0]):
        g.add_node(node_id, **data)

    def node_of(s: str, p: str) -> str:
        target = one(s, p)
        if target not in ids:
            raise InputError(f"{s} points with {p} to {target}, which is not a kg node")
        return ids[target]

    edges: list[tuple[str, str, dict[str, Any]]] = []
    for mi in mentions:
        relation = PROPERTY_RELATIONS.get(str(one(mi, K_relation)))
        if relation is None:
            raise InputError(f"mention {mi} has no known kg:relation")
        u, v = node_of(mi, K_paper), node_of(mi, K_target)
        data = {"relation": relation}
        if relation in ("proposes", "uses"):
            evidence = []
            for ev in props[mi].get(K_hasEvidence, ()):
                e = str(ev)
                evidence.append(
                    (
                        one(e, K_index, 0),
                        {
                            "field": one(e, K_field, "abstract"),
                            "start": one(e, K_startOffset, 0),
                            "end": one(e, K_endOffset, 0),
                            "sentence": one(e, K_evidenceSentence, ""),
                        },
                    )
                )
            agent = one(mi, P_ATTRIBUTED)
            data.update(
                name=one(mi, K_surfaceName, ""),
                aliases=many(mi, K_surfaceAlias),
                confidence=one(mi, K_confidence),
                component=one(mi, K_component),
                extractor=one(agent, LABEL, "") if agent else "",
                evidence=[item for _, item in sorted(evidence, key=lambda pair: pair[0])],
            )
        else:
            data.update(sentence=one(mi, K_evidenceSentence, ""), origin=one(mi, K_origin))
            if relation == "has_link":
                data["link_kind"] = one(mi, K_linkKind)
        edges.append((u, v, data))
    for c in pairs:
        u, v = node_of(c, K_firstEntity), node_of(c, K_secondEntity)
        edges.append((u, v, {"relation": "co_occurs", "weight": one(c, K_weight, 1)}))
    for u, v, data in sorted(edges, key=lambda item: (item[0], item[1])):
        g.add_edge(u, v, **data)
    return g


def _plain_from_rdflib(rdf: rdflib.Graph) -> Iterator[Triple]:
    import rdflib

    for s, p, o in rdf:
        if isinstance(s, rdflib.BNode):
            raise InputError("blank nodes are not part of kg's RDF form")
        if isinstance(o, rdflib.Literal):
            yield str(s), str(p), (str(o), str(o.datatype) if o.datatype else XSD_STRING)
        else:
            yield str(s), str(p), Iri(str(o))


def from_rdf(rdf: rdflib.Graph) -> nx.DiGraph:
    """Rebuild the networkx graph from its RDF form (inverse of :func:`to_rdf`).

    Raises:
        InputError: the RDF is not in kg's form (a mention pointing to a
            non-node, a node with two kinds, blank nodes).
    """
    return _from_plain(_plain_from_rdflib(rdf))


_SUFFIX_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}


def rdf_format_of(path: str | Path) -> str:
    """Return kg's RDF format name for a file from its extension.

    Raises:
        InputError: the extension is not .ttl, .nt, .jsonld or .json.
    """
    fmt = _SUFFIX_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError("cannot tell the RDF format from the extension; use .ttl, .nt or .jsonld", path=path)
    return fmt


def _ox_format(fmt: str) -> Any:
    import pyoxigraph as ox

    return {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "json-ld": ox.RdfFormat.JSON_LD}[fmt]


_ERROR_POS = re.compile(r"(?:line |at )(\d+)")


def parse_plain(path: str | Path) -> Iterator[Triple]:
    """Yield the triples of an RDF file as plain tuples (parsed by pyoxigraph).

    Raises:
        InputError: the file is missing or not valid RDF (with the line when known).
    """
    import pyoxigraph as ox

    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", path=p)
    try:
        for quad in ox.parse(path=str(p), format=_ox_format(rdf_format_of(p))):
            s, pred, o = quad.subject, quad.predicate, quad.object
            if isinstance(s, ox.BlankNode):
                raise InputError("blank nodes are not part of kg's RDF form", path=p)
            if isinstance(o, ox.Literal):
                yield s.value, pred.value, (o.value, o.datatype.value)
            else:
                yield s.value, pred.value, Iri(o.value)
    except SyntaxError as exc:
        m = _ERROR_POS.search(str(exc))
        raise InputError(f"not valid RDF: {exc}", path=p, line=int(m.group(1)) if m else None) from None


def load_rdf(path: str | Path) -> nx.DiGraph:
    """Load a ``.ttl``, ``.nt`` or ``.jsonld`` file kg wrote back into the networkx graph.

    Raises:
        InputError: missing file, unknown extension or RDF not in kg's form.
    """
    return _from_plain(parse_plain(path))


def load_rdflib(path: str | Path) -> rdflib.Graph:
    """Load an RDF file into an ``rdflib.Graph`` (parsed by pyoxigraph for speed)."""
    import rdflib

    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    uri = rdflib.URIRef
    for s, p, o in parse_plain(path):
        if type(o) is Iri:
            g.add((uri(s), uri(p), uri(o)))
        else:
            g.add((uri(s), uri(p), _rdflib_literal(o)))  # type: ignore[arg-type]
    return g
