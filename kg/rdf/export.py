"""The networkx graph as plain RDF triples, grouped by subject (the export half of :mod:`kg.rdf`).

Triples are plain tuples: the subject and predicate are ``str``, the object
an :class:`Iri` or a ``(lexical form, datatype)`` literal, because millions
of rdflib terms are too slow and too big. :func:`iter_subjects` yields them
subject by subject in sorted IRI order without a global sort, which is what
the streaming writers of :mod:`kg.rdf.writers` need. This module maps the
graph contract of ``docs/DESIGN.md`` onto ``schemas/kg.ttl``; it must not
write files or mint IRIs itself (see :mod:`kg.ontology`).
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.ontology import (
    C_AGENT,
    C_DCAT_DATASET,
    DEFAULT_BASE_IRI,
    KIND_CLASSES,
    LABEL,
    P_ABSTRACT,
    P_ALT,
    P_ATTRIBUTED,
    P_AUTHOR_LIST,
    P_BROADER,
    P_CODEREPO,
    P_CREATOR,
    P_DATE,
    P_IDENT,
    P_NODE_ID,
    P_PREF,
    P_SAME_AS,
    P_SCHEMA_SAME_AS,
    P_SUBJECT,
    P_TITLE,
    P_URL,
    PREFIXES,
    RDF_FIRST,
    RDF_NIL,
    RDF_NS,
    RDF_REST,
    RELATION_PROPERTIES,
    SEQ,
    XSD_BOOLEAN,
    XSD_DATE,
    XSD_DOUBLE,
    XSD_INTEGER,
    XSD_STRING,
    A,
    IriMinter,
    K_associationStrength,
    K_categoryList,
    K_component,
    K_confidence,
    K_CoOccurrence,
    K_coOccursWith,
    K_endOffset,
    K_Evidence,
    K_evidenceSentence,
    K_extractedType,
    K_extractorVersion,
    K_familyRank,
    K_field,
    K_firstEntity,
    K_hasEvidence,
    K_host,
    K_idOrder,
    K_index,
    K_kgVersion,
    K_linkKind,
    K_Mention,
    K_mentionCount,
    K_nameKey,
    K_npmi,
    K_origin,
    K_paper,
    K_paperCount,
    K_paperTotal,
    K_rankInType,
    K_relation,
    K_secondEntity,
    K_sourceFile,
    K_startOffset,
    K_surfaceAlias,
    K_surfaceName,
    K_target,
    K_weight,
)
from kg.rdf.identifiers import same_as_iris, web_iri
from kg.rdf.lookup_keys import LookupKeys, name_keys, pref_label
from kg.records import ENTITY_TYPES as ENTITY_KINDS

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

log = logging.getLogger(__name__)


class Iri(str):
    """An IRI object in a plain triple (a literal is a ``(lexical, datatype)`` tuple)."""

    __slots__ = ()


I_CoOccurrence = Iri(K_CoOccurrence)
I_Evidence = Iri(K_Evidence)
I_Mention = Iri(K_Mention)
I_AGENT = Iri(C_AGENT)
#: attributes each node kind / edge relation maps to RDF (the contract of DESIGN.md); any other
#: attribute is not exported and a warning is logged.
NODE_ATTRS: dict[str, tuple[str, ...]] = {
    "Paper": (
        "kind",
        "label",
        "paper_id",
        "title",
        "abstract",
        "url",
        "authors",
        "date",
        "categories",
        "source",
    ),
    "Repository": ("kind", "label", "url", "host"),
    "Link": ("kind", "label", "url", "link_kind"),
    **{k: ("kind", "label", "name", "aliases", "paper_count", "mention_count") for k in ENTITY_KINDS},
}
_MENTION_ATTRS = (
    "relation",
    "name",
    "aliases",
    "confidence",
    "component",
    "extractor",
    "evidence",
    "extracted_type",
)
EDGE_ATTRS: dict[str, tuple[str, ...]] = {
    "proposes": _MENTION_ATTRS,
    "uses": _MENTION_ATTRS,
    "has_code": ("relation", "sentence", "origin"),
    "has_link": ("relation", "sentence", "origin", "link_kind"),
    "co_occurs": ("relation", "weight"),
    "broader": ("relation",),
}
#: graph attributes with an RDF form (the dataset's versions; retired ids as owl:sameAs)
GRAPH_ATTRS = ("kg_version", "extractor", "papers", "redirects")


Obj = Iri | tuple[str, str]
Triple = tuple[str, str, Obj]


# -- literals ------------------------------------------------------------------------------------
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _lit(value: Any) -> tuple[str, str]:
    """Return the (lexical form, datatype) of a Python value."""
    if isinstance(value, bool):
        return ("true" if value else "false", XSD_BOOLEAN)
    if isinstance(value, int):
        return (str(value), XSD_INTEGER)
    if isinstance(value, float):
        if math.isnan(value):
            return ("NaN", XSD_DOUBLE)
        if math.isinf(value):
            return ("INF" if value > 0 else "-INF", XSD_DOUBLE)
        return (_double_lexical(value), XSD_DOUBLE)
    return (str(value), XSD_STRING)


def _double_lexical(value: float) -> str:
    """The shortest digits that read back as ``value``, without an exponent.

    The form Oxigraph gives a double (``4``, ``0.000001``), so ``graph.nt``
    and the store hold the same lexical forms line for line.

    >>> [_double_lexical(v) for v in (4.0, 0.5, 1e-06, -0.0, 1e20)]
    ['4', '0.5', '0.000001', '-0', '100000000000000000000']
    """
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date_lit(value: str) -> tuple[str, str]:
    """Type a date as ``xsd:date`` only when it is a real ISO date, else keep it a string."""
    if _DATE.match(value):
        try:
            _dt.date.fromisoformat(value)
            return (value, XSD_DATE)
        except ValueError:
            pass
    return (value, XSD_STRING)


def _url_obj(url: str) -> Obj:
    """Return a URL as an IRI when it is a valid web IRI, else as a plain string literal.

    URLs come from untrusted text: one with a space, a quote or an angle
    bracket is not an IRI and would break N-Triples and Turtle written as
    one, so it is kept, escaped, as a literal (see :mod:`kg.rdf.identifiers`).
    """
    iri = web_iri(url)
    return Iri(iri) if iri is not None else (url, XSD_STRING)


# -- graph -> plain triples, grouped by subject ----------------------------------------------------
Props = list[tuple[str, Obj]]
Group = tuple[str, Props]


def _seq_group(
    props: Props, owner: str, prop: str, name: str, items: list[Any], m: IriMinter
) -> Group | None:
    """Add the link to an ordered list to ``props``; return the ``rdf:Seq`` subject (an IRI, no blank node)."""
    if not items:
        return None
    seq = m.sequence(owner, name)
    props.append((prop, Iri(seq)))
    seq_props: Props = [(A, Iri(SEQ))]
    for i, item in enumerate(items, start=1):
        seq_props.append((f"{RDF_NS}_{i}", _lit(item)))
    return seq, seq_props


def _list_groups(
    props: Props, owner: str, prop: str, name: str, items: list[Any], m: IriMinter
) -> list[Group]:
    """Add the link to an ``rdf:List`` of ``items`` to ``props``; return the list's cells as subjects.

    The cells are IRIs minted under ``owner`` (kg writes no blank nodes), each
    with its ``rdf:first`` and an ``rdf:rest`` to the next cell or ``rdf:nil``.
    """
    if not items:
        return []
    cells = m.list_cells(owner, name, len(items))
    props.append((prop, Iri(cells[0])))
    rests = [Iri(c) for c in cells[1:]] + [Iri(RDF_NIL)]
    return [
        (cell, [(RDF_FIRST, _lit(item)), (RDF_REST, rest)]) for cell, item, rest in zip(cells, items, rests)
    ]


def _dataset_group(graph: nx.DiGraph, m: IriMinter) -> Group:
    """Return the subject describing the graph as a whole (kg and extractor versions)."""
    meta = graph.graph or {}
    props: Props = [(A, Iri(C_DCAT_DATASET))]
    if meta.get("kg_version") is not None:
        props.append((K_kgVersion, _lit(meta["kg_version"])))
    if meta.get("extractor") is not None:
        props.append((K_extractorVersion, _lit(meta["extractor"])))
    if meta.get("papers") is not None:
        props.append((K_paperTotal, _lit(int(meta["papers"]))))
    return m.dataset(), props


def _agent_group(agent: str, extractor: str) -> Group:
    return agent, [(A, I_AGENT), (LABEL, _lit(extractor))]


def _node_groups(node_id: str, data: dict[str, Any], s: str, m: IriMinter, derived: LookupKeys) -> list[Group]:
    """Return a node's own subject (its attributes, not its edges) followed by its ``rdf:Seq`` subjects.

    Raises:
        KGError: a node kind the contract does not know.
    """
    kind = data.get("kind")
    cls = KIND_CLASSES.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise KGError(f"node {node_id!r} has unknown kind {kind!r}; expected one of {sorted(KIND_CLASSES)}")
    out: Props = [(A, Iri(cls)), (P_NODE_ID, (node_id, XSD_STRING))]
    seqs: list[Group | None] = []
    if data.get("label") is not None:
        out.append((LABEL, _lit(data["label"])))
    if kind == "Paper":
        if data.get("paper_id") is not None:
            out.append((P_IDENT, _lit(data["paper_id"])))
        out.append((K_idOrder, (str(derived.id_order[node_id]), XSD_INTEGER)))
        out.append((P_TITLE, _lit(data.get("title") or "")))
        if data.get("abstract") is not None:
            out.append((P_ABSTRACT, _lit(data["abstract"])))
        if data.get("url"):
            out.append((P_URL, _url_obj(str(data["url"]))))
        for iri in same_as_iris(data.get("paper_id"), data.get("url")):
            out.append((P_SCHEMA_SAME_AS, Iri(iri)))
        if data.get("date"):
            out.append((P_DATE, _date_lit(str(data["date"]))))
        if data.get("source") is not None:
            out.append((K_sourceFile, _lit(data["source"])))
        authors = list(data.get("authors") or ())
        for name in sorted(set(authors)):
            out.append((P_CREATOR, _lit(name)))
        seqs.extend(_list_groups(out, s, P_AUTHOR_LIST, "author-list", authors, m))
        categories = list(data.get("categories") or ())
        for name in sorted(set(categories)):
            out.append((P_SUBJECT, _lit(name)))
        seqs.append(_seq_group(out, s, K_categoryList, "categories", categories, m))
    elif kind == "Repository":
        if data.get("url"):
            out.append((P_CODEREPO, _url_obj(str(data["url"]))))
        if data.get("host") is not None:
            out.append((K_host, _lit(data["host"])))
    elif kind == "Link":
        if data.get("url"):
            out.append((P_URL, _url_obj(str(data["url"]))))
        if data.get("link_kind") is not None:
            out.append((K_linkKind, _lit(data["link_kind"])))
    else:
        pref = pref_label(data)
        aliases = sorted(set(data.get("aliases") or ()))
        out.append((P_PREF, _lit(pref)))
        for alias in aliases:
            out.append((P_ALT, _lit(alias)))
        out.append((K_paperCount, _lit(int(data.get("paper_count") or 0))))
        out.append((K_mentionCount, _lit(int(data.get("mention_count") or 0))))
        out.append((K_rankInType, (str(derived.rank[node_id]), XSD_INTEGER)))
        family = derived.family_rank.get(node_id)
        if family is not None:
            out.append((K_familyRank, (str(family), XSD_INTEGER)))
        for key in name_keys([pref, *(str(a) for a in aliases)]):
            out.append((K_nameKey, (key, XSD_STRING)))
    _warn_extra(node_id, data, NODE_ATTRS[kind])  # type: ignore[index]
    return [(s, out), *(g for g in seqs if g is not None)]


def _edge_groups(
    u: str,
    v: str,
    data: dict[str, Any],
    m: IriMinter,
    agents: dict[str, Iri],
    strength: tuple[float, float] | None = None,
) -> tuple[tuple[str, Obj], list[Group]]:
    """Return an edge's triple on its source node, as (predicate, object), and the edge's own subjects.

    The subjects are the ``kg:Mention`` (or ``kg:CoOccurrence``) node first,
    then its ``kg:Evidence`` nodes; a ``broader`` edge has none (only the
    ``skos:broader`` triple). ``agents`` maps extractor versions to agent
    IRIs; versions not seen before are added to it. ``strength`` is the
    co-occurrence's (association strength, NPMI), derived by the caller
    (:func:`kg.graph.association_strength`).

    Raises:
        KGError: an edge relation the contract does not know.
    """
    relation = data.get("relation")
    iri = m.node
    if relation == "broader":
        return (P_BROADER, Iri(iri(v))), []
    if relation == "co_occurs":
        ou, ov = Iri(iri(u)), Iri(iri(v))
        props: Props = [
            (A, I_CoOccurrence),
            (K_firstEntity, ou),
            (K_secondEntity, ov),
            (K_weight, _lit(data.get("weight", 1))),
        ]
        if strength is not None:
            props.append((K_associationStrength, _lit(float(strength[0]))))
            props.append((K_npmi, _lit(float(strength[1]))))
        _warn_extra(f"{u} -> {v}", data, EDGE_ATTRS[relation])
        return (K_coOccursWith, ov), [(m.cooccurrence(u, v), props)]
    prop = RELATION_PROPERTIES.get(relation)  # type: ignore[arg-type]
    if prop is None:
        raise KGError(f"edge {u!r} -> {v!r} has unknown relation {relation!r}")
    s, o = Iri(iri(u)), Iri(iri(v))
    mi = m.mention(u, v)
    groups: list[Group] = []
    props = [(A, I_Mention), (K_paper, s), (K_target, o), (K_relation, Iri(prop))]
    if relation in ("proposes", "uses"):
        props.append((K_surfaceName, (data.get("name") or "", XSD_STRING)))
        aliases = data.get("aliases")
        if aliases:
            for alias in sorted(set(aliases)):
                props.append((K_surfaceAlias, (alias, XSD_STRING)))
        if data.get("confidence") is not None:
            props.append((K_confidence, _lit(float(data["confidence"]))))
        if data.get("component") is not None:
            props.append((K_component, _lit(data["component"])))
        if data.get("extracted_type"):
            props.append((K_extractedType, _lit(str(data["extracted_type"]))))
        extractor = data.get("extractor")
        if extractor:
            agent = agents.get(extractor)
            if agent is None:
                agent = agents[extractor] = Iri(m.agent(extractor))
            props.append((P_ATTRIBUTED, agent))
        for i, ev in enumerate(data.get("evidence") or (), start=1):
            e = f"{mi}/evidence/{i}"  # == m.evidence(mi, i), inlined for speed
            props.append((K_hasEvidence, Iri(e)))
            groups.append(
                (
                    e,
                    [
                        (A, I_Evidence),
                        (K_index, (str(i), XSD_INTEGER)),
                        (K_field, (str(ev.get("field", "abstract")), XSD_STRING)),
                        (K_startOffset, (str(int(ev.get("start", 0))), XSD_INTEGER)),
                        (K_endOffset, (str(int(ev.get("end", 0))), XSD_INTEGER)),
                        (K_evidenceSentence, (str(ev.get("sentence", "")), XSD_STRING)),
                    ],
                )
            )
    else:
        if data.get("sentence"):
            props.append((K_evidenceSentence, _lit(data["sentence"])))
        if data.get("origin") is not None:
            props.append((K_origin, _lit(data["origin"])))
        if relation == "has_link" and data.get("link_kind") is not None:
            props.append((K_linkKind, _lit(data["link_kind"])))
    _warn_extra(f"{u} -> {v}", data, EDGE_ATTRS[relation])  # type: ignore[index]
    return (prop, o), [(mi, props), *groups]


class _Strengths:
    """Association strength and NPMI of co-occurrence edges, derived from the graph's counts."""

    def __init__(self, graph: nx.DiGraph) -> None:
        from kg.graph import association_strength

        self._strength = association_strength
        papers = graph.graph.get("papers")
        if papers is None:
            papers = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "Paper")
        self._papers = int(papers)
        self._nodes = graph.nodes

    def of(self, u: str, v: str, data: dict[str, Any]) -> tuple[float, float]:
        nodes = self._nodes
        return self._strength(
            int(data.get("weight", 1)),
            int(nodes[u].get("paper_count") or 0),
            int(nodes[v].get("paper_count") or 0),
            self._papers,
        )


def _redirect_groups(graph: nx.DiGraph, m: IriMinter) -> list[Group]:
    """Return one subject per retired entity id: its node id and ``owl:sameAs`` the live node."""
    redirects = graph.graph.get("redirects") or {}
    return [
        (m.node(old), [(P_NODE_ID, (old, XSD_STRING)), (P_SAME_AS, Iri(m.node(new)))])
        for old, new in sorted(redirects.items())
        if new in graph
    ]


def iter_triples(graph: nx.DiGraph, *, base: str = DEFAULT_BASE_IRI) -> Iterator[Triple]:
    """Yield the graph's RDF triples as plain tuples (unsorted; see :func:`iter_subjects` for sorted).

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        base: base IRI for minted resources.

    Raises:
        KGError: a node kind or edge relation the contract does not know.
    """
    m = IriMinter(base)  # a fresh minter per export: its caches die with it
    strengths = _Strengths(graph)
    derived = LookupKeys(graph, m)
    groups: list[Group] = [_dataset_group(graph, m), *_redirect_groups(graph, m)]
    for node_id, data in graph.nodes(data=True):
        groups.extend(_node_groups(node_id, data, m.node(node_id), m, derived))
    for s, props in groups:
        for p, o in props:
            yield s, p, o
    agents: dict[str, Iri] = {}
    for u, v, data in graph.edges(data=True):
        strength = strengths.of(u, v, data) if data.get("relation") == "co_occurs" else None
        (p, o), groups = _edge_groups(u, v, data, m, agents, strength)
        yield m.node(u), p, o
        for s, props in groups:
            for p, o in props:
                yield s, p, o
    for extractor, agent in agents.items():
        s, props = _agent_group(agent, extractor)
        for p, o in props:
            yield s, p, o


def iter_subjects(graph: nx.DiGraph, *, base: str = DEFAULT_BASE_IRI) -> Iterator[Group]:
    """Yield every RDF subject of the graph with its (predicate, object) pairs, subjects sorted.

    Subjects come in code-point order of their IRIs without sorting all of
    them in memory: nodes are sorted by IRI, mention and co-occurrence
    subjects source by source (their IRIs start with the source's segment),
    and the subjects whose IRI extends another one (``rdf:Seq`` lists of a
    paper, evidence of a mention) wait in a small heap until their turn.
    Every triple of a subject is in its one group (a node's group includes
    the triples of its out-edges), so writers can stream subject by subject.

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        base: base IRI for minted resources.

    Raises:
        KGError: a node kind or edge relation the contract does not know.
    """
    import heapq
    from itertools import count

    from kg.ontology import segment

    m = IriMinter(base)
    iri = m.node
    succ = graph.succ
    mention_sources: list[str] = []
    cooc_sources: list[str] = []
    extractors: set[str] = set()
    for u, nbrs in graph.adjacency():
        mentions = cooc = False
        for v, d in nbrs.items():
            relation = d.get("relation")
            if relation == "co_occurs":
                cooc = True
            elif relation == "broader":
                continue
            elif relation in RELATION_PROPERTIES:
                mentions = True
                if relation in ("proposes", "uses") and d.get("extractor"):
                    extractors.add(d["extractor"])
            else:
                raise KGError(f"edge {u!r} -> {v!r} has unknown relation {relation!r}")
        if mentions:
            mention_sources.append(u)
        if cooc:
            cooc_sources.append(u)
    agents = {x: Iri(m.agent(x)) for x in extractors}

    def edge_subjects(sources: list[str], tag: int) -> Iterator[tuple[str, int, str, str]]:
        # an edge IRI is <family>/<segment(u)>/<segment(v)> and segments hold no "/",
        # so ordering sources by segment + "/" and then each source's IRIs sorts them all
        mint = m.cooccurrence if tag == 2 else m.mention
        for u in sorted(sources, key=lambda n: segment(n) + "/"):
            items = sorted(
                (mint(u, v), v)
                for v, d in succ[u].items()
                if (d.get("relation") == "co_occurs") == (tag == 2)
            )
            for e, v in items:
                yield e, tag, u, v

    node_stream = sorted((iri(n), 0, n, "") for n in graph)
    agent_stream = sorted((agent, 3, x, "") for x, agent in agents.items())
    dataset = [(m.dataset(), 4, "", "")]
    redirect_groups = {s: props for s, props in _redirect_groups(graph, m)}
    redirect_stream = sorted((s, 5, "", "") for s in redirect_groups)
    strengths = _Strengths(graph)
    derived = LookupKeys(graph, m)
    waiting: list[tuple[str, int, Props]] = []
    order = count()
    nodes = graph.nodes
    for s, tag, a, b in heapq.merge(
        node_stream,
        edge_subjects(mention_sources, 1),
        edge_subjects(cooc_sources, 2),
        agent_stream,
        dataset,
        redirect_stream,
    ):
        while waiting and waiting[0][0] < s:
            w, _, wprops = heapq.heappop(waiting)
            yield w, wprops
        if tag == 0:
            groups = _node_groups(a, nodes[a], s, m, derived)
            props = groups[0][1]
            for v, d in succ[a].items():
                relation = d["relation"]
                if relation == "co_occurs":
                    prop = K_coOccursWith
                elif relation == "broader":
                    prop = P_BROADER
                else:
                    prop = RELATION_PROPERTIES[relation]
                props.append((prop, Iri(iri(v))))
        elif tag == 1:
            _, groups = _edge_groups(a, b, succ[a][b], m, agents)
        elif tag == 2:
            data = succ[a][b]
            _, groups = _edge_groups(a, b, data, m, agents, strengths.of(a, b, data))
        elif tag == 3:
            groups = [_agent_group(s, a)]
        elif tag == 5:
            groups = [(s, redirect_groups[s])]
        else:
            groups = [_dataset_group(graph, m)]
        yield groups[0]
        for child in groups[1:]:
            heapq.heappush(waiting, (child[0], next(order), child[1]))
    while waiting:
        w, _, wprops = heapq.heappop(waiting)
        yield w, wprops


_warned: set[tuple[str, ...]] = set()


def _warn_extra(where: str, data: dict[str, Any], known: tuple[str, ...]) -> None:
    """Log (once per set of keys) attributes that have no RDF mapping and will not round-trip."""
    extra = tuple(sorted(k for k in data if k not in known))
    if extra and extra not in _warned:
        _warned.add(extra)
        log.warning("attributes %s of %s have no RDF mapping and are not exported", list(extra), where)


def to_rdf(graph: nx.DiGraph, *, base: str = DEFAULT_BASE_IRI) -> rdflib.Graph:
    """Return the graph as an ``rdflib.Graph`` in kg's vocabulary, prefixes bound.

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        base: base IRI for minted resources.
    """
    import rdflib

    g = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    uri = rdflib.URIRef
    add = g.add
    for s, p, o in iter_triples(graph, base=base):
        if type(o) is Iri:
            add((uri(s), uri(p), uri(o)))
        else:
            add((uri(s), uri(p), _rdflib_literal(o)))  # type: ignore[arg-type]
    return g


def _rdflib_literal(o: tuple[str, str]) -> rdflib.Literal:
    """Make an rdflib Literal; ``xsd:string`` stays a plain literal (same thing in RDF 1.1)."""
    import rdflib

    lexical, datatype = o
    if datatype == XSD_STRING:
        return rdflib.Literal(lexical)
    return rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))
