"""RDF form of the knowledge graph: export, import and SHACL validation.

The networkx graph of :mod:`kg.graph` maps onto the vocabulary of
``schemas/kg.ttl``: papers are ``schema:ScholarlyArticle``, entities
``kg:Method`` / ``kg:Model`` / ``schema:Dataset`` / ``kg:Task``, repositories
``schema:SoftwareSourceCode`` and every paper-node edge also gets a
``kg:Mention`` node (IRI minted from the paper and the node, never a blank
node) holding the edge's attributes and evidence, so SPARQL can ask *why* a
paper is linked to an entity. Co-occurrence weights live on ``kg:CoOccurrence``
nodes. Loading the RDF back gives the same networkx graph.

Speed and memory matter (millions of triples): triples are generated as plain
tuples, subject by subject in sorted IRI order (:func:`iter_subjects`, no
global sort), and streamed to N-Triples and JSON-LD in the same pass
(:func:`write_rdf_files`); Turtle is made from the N-Triples file by
pyoxigraph, file to file. rdflib is used for the
``rdflib.Graph`` API (:func:`to_rdf`, :func:`from_rdf`) and SHACL. Every file
is deterministic (sorted, no blank nodes, no timestamps) and written
atomically. This module must not mint IRIs itself (see :mod:`kg.ontology`).
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from kg.errors import InputError, KGError
from kg.io import atomic_write
from kg.ontology import DEFAULT_BASE_IRI, KG, KG_NAMESPACE, PREFIXES, SCHEMA, IriMinter, schema_path

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

log = logging.getLogger(__name__)

RdfFormat = Literal["turtle", "nt", "json-ld"]

# -- vocabulary as plain strings (the fast path never touches rdflib terms) ----------------------
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCT = "http://purl.org/dc/terms/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_DCAT = "http://www.w3.org/ns/dcat#"
_S = str(SCHEMA)


class Iri(str):
    """An IRI object in a plain triple (a literal is a ``(lexical, datatype)`` tuple)."""

    __slots__ = ()


# kg: terms as plain strings (DefinedNamespace look-ups are slow in the hot loop)
K_CoOccurrence = str(KG.CoOccurrence)
K_Evidence = str(KG.Evidence)
K_Link = str(KG.Link)
K_Mention = str(KG.Mention)
K_Method = str(KG.Method)
K_Model = str(KG.Model)
K_Task = str(KG.Task)
K_authorList = str(KG.authorList)
K_categoryList = str(KG.categoryList)
K_coOccursWith = str(KG.coOccursWith)
K_component = str(KG.component)
K_confidence = str(KG.confidence)
K_endOffset = str(KG.endOffset)
K_evidenceSentence = str(KG.evidenceSentence)
K_extractorVersion = str(KG.extractorVersion)
K_field = str(KG.field)
K_firstEntity = str(KG.firstEntity)
K_hasCode = str(KG.hasCode)
K_hasEvidence = str(KG.hasEvidence)
K_hasLink = str(KG.hasLink)
K_host = str(KG.host)
K_index = str(KG.index)
K_kgVersion = str(KG.kgVersion)
K_linkKind = str(KG.linkKind)
K_mentionCount = str(KG.mentionCount)
K_nodeId = str(KG.nodeId)
K_origin = str(KG.origin)
K_paper = str(KG.paper)
K_paperCount = str(KG.paperCount)
K_proposes = str(KG.proposes)
K_relation = str(KG.relation)
K_secondEntity = str(KG.secondEntity)
K_sourceFile = str(KG.sourceFile)
K_startOffset = str(KG.startOffset)
K_surfaceAlias = str(KG.surfaceAlias)
K_surfaceName = str(KG.surfaceName)
K_target = str(KG.target)
K_uses = str(KG.uses)
K_weight = str(KG.weight)
I_CoOccurrence = Iri(K_CoOccurrence)
I_Evidence = Iri(K_Evidence)
I_Mention = Iri(K_Mention)


A = _RDF + "type"
SEQ = _RDF + "Seq"
LABEL = _RDFS + "label"
XSD_STRING = _XSD + "string"
XSD_INTEGER = _XSD + "integer"
XSD_DOUBLE = _XSD + "double"
XSD_BOOLEAN = _XSD + "boolean"
XSD_DATE = _XSD + "date"
XSD_ANYURI = _XSD + "anyURI"

#: node kind -> RDF class
KIND_CLASSES: dict[str, str] = {
    "Paper": _S + "ScholarlyArticle",
    "Method": K_Method,
    "Model": K_Model,
    "Dataset": _S + "Dataset",
    "Task": K_Task,
    "Repository": _S + "SoftwareSourceCode",
    "Link": K_Link,
}
CLASS_KINDS = {v: k for k, v in KIND_CLASSES.items()}
ENTITY_KINDS = ("Method", "Model", "Dataset", "Task")
#: edge relation -> the kg: property of the direct paper -> node triple
RELATION_PROPERTIES: dict[str, str] = {
    "proposes": K_proposes,
    "uses": K_uses,
    "has_code": K_hasCode,
    "has_link": K_hasLink,
}
PROPERTY_RELATIONS = {v: k for k, v in RELATION_PROPERTIES.items()}

P_NODE_ID = K_nodeId
P_TITLE, P_ABSTRACT, P_IDENT = _DCT + "title", _DCT + "abstract", _DCT + "identifier"
P_CREATOR, P_DATE, P_SUBJECT = _DCT + "creator", _DCT + "date", _DCT + "subject"
P_URL, P_CODEREPO = _S + "url", _S + "codeRepository"
P_PREF, P_ALT = _SKOS + "prefLabel", _SKOS + "altLabel"
P_ATTRIBUTED = _PROV + "wasAttributedTo"
C_AGENT, C_DCAT_DATASET = _PROV + "SoftwareAgent", _DCAT + "Dataset"
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
EDGE_ATTRS: dict[str, tuple[str, ...]] = {
    "proposes": ("relation", "name", "aliases", "confidence", "component", "extractor", "evidence"),
    "uses": ("relation", "name", "aliases", "confidence", "component", "extractor", "evidence"),
    "has_code": ("relation", "sentence", "origin"),
    "has_link": ("relation", "sentence", "origin", "link_kind"),
    "co_occurs": ("relation", "weight"),
}


Obj = Iri | tuple[str, str]
Triple = tuple[str, str, Obj]


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of a SHACL validation: ``conforms`` and pySHACL's readable report."""

    conforms: bool
    text: str


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
        return (repr(value), XSD_DOUBLE)
    return (str(value), XSD_STRING)


def _date_lit(value: str) -> tuple[str, str]:
    """Type a date as ``xsd:date`` only when it is a real ISO date, else keep it a string."""
    if _DATE.match(value):
        try:
            _dt.date.fromisoformat(value)
            return (value, XSD_DATE)
        except ValueError:
            pass
    return (value, XSD_STRING)


def _py(lexical: str, datatype: str) -> Any:
    """Return the Python value of a literal written by :func:`_lit`."""
    if datatype == XSD_INTEGER:
        return int(lexical)
    if datatype == XSD_DOUBLE:
        return float(lexical.replace("INF", "inf"))
    if datatype == XSD_BOOLEAN:
        return lexical in ("true", "1")
    return lexical


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
        seq_props.append((f"{_RDF}_{i}", _lit(item)))
    return seq, seq_props


def _dataset_group(graph: nx.DiGraph, m: IriMinter) -> Group:
    """Return the subject describing the graph as a whole (kg and extractor versions)."""
    meta = graph.graph or {}
    props: Props = [(A, Iri(C_DCAT_DATASET))]
    if meta.get("kg_version") is not None:
        props.append((K_kgVersion, _lit(meta["kg_version"])))
    if meta.get("extractor") is not None:
        props.append((K_extractorVersion, _lit(meta["extractor"])))
    return m.dataset(), props


def _agent_group(agent: str, extractor: str) -> Group:
    return agent, [(A, I_AGENT), (LABEL, _lit(extractor))]


def _node_groups(node_id: str, data: dict[str, Any], s: str, m: IriMinter) -> list[Group]:
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
        out.append((P_TITLE, _lit(data.get("title") or "")))
        if data.get("abstract") is not None:
            out.append((P_ABSTRACT, _lit(data["abstract"])))
        if data.get("url"):
            out.append((P_URL, (str(data["url"]), XSD_ANYURI)))
        if data.get("date"):
            out.append((P_DATE, _date_lit(str(data["date"]))))
        if data.get("source") is not None:
            out.append((K_sourceFile, _lit(data["source"])))
        authors = list(data.get("authors") or ())
        for name in sorted(set(authors)):
            out.append((P_CREATOR, _lit(name)))
        seqs.append(_seq_group(out, s, K_authorList, "authors", authors, m))
        categories = list(data.get("categories") or ())
        for name in sorted(set(categories)):
            out.append((P_SUBJECT, _lit(name)))
        seqs.append(_seq_group(out, s, K_categoryList, "categories", categories, m))
    elif kind == "Repository":
        if data.get("url"):
            out.append((P_CODEREPO, (str(data["url"]), XSD_ANYURI)))
        if data.get("host") is not None:
            out.append((K_host, _lit(data["host"])))
    elif kind == "Link":
        if data.get("url"):
            out.append((P_URL, (str(data["url"]), XSD_ANYURI)))
        if data.get("link_kind") is not None:
            out.append((K_linkKind, _lit(data["link_kind"])))
    else:
        out.append((P_PREF, _lit(data.get("name") or data.get("label") or "")))
        for alias in sorted(set(data.get("aliases") or ())):
            out.append((P_ALT, _lit(alias)))
        out.append((K_paperCount, _lit(int(data.get("paper_count") or 0))))
        out.append((K_mentionCount, _lit(int(data.get("mention_count") or 0))))
    _warn_extra(node_id, data, NODE_ATTRS[kind])  # type: ignore[index]
    return [(s, out), *(g for g in seqs if g is not None)]


def _edge_groups(
    u: str, v: str, data: dict[str, Any], m: IriMinter, agents: dict[str, Iri]
) -> tuple[tuple[str, Obj], list[Group]]:
    """Return an edge's triple on its source node, as (predicate, object), and the edge's own subjects.

    The subjects are the ``kg:Mention`` (or ``kg:CoOccurrence``) node first,
    then its ``kg:Evidence`` nodes. ``agents`` maps extractor versions to
    agent IRIs; versions not seen before are added to it.

    Raises:
        KGError: an edge relation the contract does not know.
    """
    relation = data.get("relation")
    iri = m.node
    if relation == "co_occurs":
        ou, ov = Iri(iri(u)), Iri(iri(v))
        props: Props = [
            (A, I_CoOccurrence),
            (K_firstEntity, ou),
            (K_secondEntity, ov),
            (K_weight, _lit(data.get("weight", 1))),
        ]
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


def iter_triples(graph: nx.DiGraph, *, base: str = DEFAULT_BASE_IRI) -> Iterator[Triple]:
    """Yield the graph's RDF triples as plain tuples (unsorted; see :func:`iter_subjects` for sorted).

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        base: base IRI for minted resources.

    Raises:
        KGError: a node kind or edge relation the contract does not know.
    """
    m = IriMinter(base)  # a fresh minter per export: its caches die with it
    groups: list[Group] = [_dataset_group(graph, m)]
    for node_id, data in graph.nodes(data=True):
        groups.extend(_node_groups(node_id, data, m.node(node_id), m))
    for s, props in groups:
        for p, o in props:
            yield s, p, o
    agents: dict[str, Iri] = {}
    for u, v, data in graph.edges(data=True):
        (p, o), groups = _edge_groups(u, v, data, m, agents)
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
    waiting: list[tuple[str, int, Props]] = []
    order = count()
    nodes = graph.nodes
    for s, tag, a, b in heapq.merge(
        node_stream, edge_subjects(mention_sources, 1), edge_subjects(cooc_sources, 2), agent_stream, dataset
    ):
        while waiting and waiting[0][0] < s:
            w, _, wprops = heapq.heappop(waiting)
            yield w, wprops
        if tag == 0:
            groups = _node_groups(a, nodes[a], s, m)
            props = groups[0][1]
            for v, d in succ[a].items():
                relation = d["relation"]
                prop = K_coOccursWith if relation == "co_occurs" else RELATION_PROPERTIES[relation]
                props.append((prop, Iri(iri(v))))
        elif tag in (1, 2):
            _, groups = _edge_groups(a, b, succ[a][b], m, agents)
        elif tag == 3:
            groups = [_agent_group(s, a)]
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


# -- N-Triples, Turtle, JSON-LD -------------------------------------------------------------------
_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"}
_ESCAPE_TABLE = {i: f"\\u{i:04X}" for i in range(0x20)} | {0x7F: "\\u007F"} | _ESCAPES


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _nt_object(o: Obj) -> str:
    if type(o) is Iri:
        return f"<{o}>"
    lexical, datatype = o  # type: ignore[misc]
    text = lexical.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE.search(lexical) else lexical
    if datatype == XSD_STRING:
        return f'"{text}"'
    return f'"{text}"^^<{datatype}>'


def ntriples_lines(graph: nx.DiGraph, *, base: str = DEFAULT_BASE_IRI) -> list[str]:
    """Return the graph as sorted, de-duplicated N-Triples lines (with their newline).

    Sorting by code point equals sorting the UTF-8 bytes, so the output is the
    same for the same graph whatever the order nodes and edges were added.
    """
    lines = {f"<{s}> <{p}> {_nt_object(o)} .\n" for s, p, o in iter_triples(graph, base=base)}
    return sorted(lines)


def _encode(text: str) -> bytes:
    # lone surrogates (from broken input) cannot be UTF-8: replace them rather than fail
    return text.encode("utf-8", "replace")


def _turtle(nt: bytes) -> bytes:
    """Turn sorted N-Triples into Turtle with kg's prefixes, subjects grouped (pyoxigraph)."""
    import pyoxigraph as ox

    # default-graph quads go straight from the parser to the Turtle writer
    quads = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    body = ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert body is not None
    # pyoxigraph orders the @prefix lines its own way: write them ourselves, sorted
    lines = body.split(b"\n")
    i = 0
    while i < len(lines) and lines[i].startswith(b"@prefix "):
        i += 1
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode()
    return header + b"\n" + b"\n".join(lines[i:])


def load_context() -> dict[str, Any]:
    """Return the ``@context`` object of ``schemas/context.jsonld``."""
    with open(schema_path("context.jsonld"), encoding="utf-8") as handle:
        context: dict[str, Any] = json.load(handle)["@context"]
    return context


def _curie(iri: str) -> str:
    for prefix, ns in _PREFIX_ORDER:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_encode_json = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) uses for str


class _Sink:
    """Buffered UTF-8 writer of text pieces (lone surrogates from broken input become ``?``)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._parts: list[str] = []

    def _emit(self, text: str) -> None:
        parts = self._parts
        parts.append(text)
        if len(parts) >= 4096:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._handle.write(_encode("".join(self._parts)))
            self._parts = []


class _NTriplesSink(_Sink):
    """Write subjects arriving in code-point order as N-Triples, sorted and de-duplicated by line.

    Lines sort as ``<subject>`` + ``"> "`` + rest, so a subject whose IRI
    extends another with a character below ``>`` (``.../x/evidence/1`` after
    ``.../x``) must be written before it: such subjects wait on a stack.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle)
        self._stack: list[tuple[str, str]] = []
        self.triples = 0

    def add(self, s: str, props: Props) -> None:
        head = f"<{s}> "
        tails = sorted({f"<{p}> {_nt_object(o)} .\n" for p, o in props})
        self.triples += len(tails)
        stack = self._stack
        while stack:
            top = stack[-1][0]
            if len(s) > len(top) and s.startswith(top) and s[len(top)] < ">":
                break
            self._emit(stack.pop()[1])
        stack.append((s, head + head.join(tails)))

    def close(self) -> None:
        while self._stack:
            self._emit(self._stack.pop()[1])
        self.flush()


_CURIES: dict[str, str] = {}


def _curie_of(iri: str) -> str:
    """Memoised :func:`_curie` (called only on the few predicate, class and datatype IRIs)."""
    c = _CURIES.get(iri)
    if c is None:
        c = _CURIES[iri] = _curie(iri)
    return c


_DATATYPE_SUFFIX: dict[str, str] = {}


def _json_value(o: Obj) -> tuple[str, str]:
    """Return (sort key, text) of one JSON-LD value object: its key-sorted and its written JSON."""
    if type(o) is Iri:
        text = '{"@id": ' + _encode_json(o) + "}"
        return text, text
    lexical, datatype = o  # type: ignore[misc]
    if datatype == XSD_STRING:
        text = '{"@value": ' + _encode_json(lexical) + "}"
        return text, text
    dt = _DATATYPE_SUFFIX.get(datatype)
    if dt is None:
        dt = _DATATYPE_SUFFIX[datatype] = _encode_json(_curie_of(datatype))
    value = _encode_json(lexical)
    return '{"@type": ' + dt + ', "@value": ' + value + "}", '{"@value": ' + value + ', "@type": ' + dt + "}"


class _JsonLdSink(_Sink):
    """Write JSON-LD: the kg context inline, one node object per subject, subjects in the order given.

    The bytes are those ``json.dumps`` gives for the node objects (values
    sorted by their key-sorted JSON), built from strings directly because a
    million ``json.dumps`` calls are the slow part of a big export.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        super().__init__(handle)
        head = json.dumps({"@context": load_context()}, ensure_ascii=False, indent=1, sort_keys=True)
        self._emit(head[:-2] + ',\n "@graph": [\n  ')
        self._started = False

    def add(self, s: str, props: Props) -> None:
        enc = _encode_json
        types: list[str] = []
        by_prop: dict[str, list[Obj]] = {}
        for p, o in props:
            if p == A:
                types.append(_curie_of(o))  # type: ignore[arg-type]
            elif p in by_prop:
                by_prop[p].append(o)
            else:
                by_prop[p] = [o]
        parts = [',\n  {"@id": ' if self._started else '{"@id": ', enc(s)]
        self._started = True
        if types:
            parts.append(', "@type": [' + ", ".join(enc(t) for t in sorted(set(types))) + "]")
        for c, p in sorted((_curie_of(p), p) for p in by_prop):
            parts.append(", " + enc(c) + ": [")
            objects = by_prop[p]
            if len(objects) == 1:
                parts.append(_json_value(objects[0])[1])
            else:
                parts.append(", ".join(text for _, text in sorted({_json_value(o) for o in objects})))
            parts.append("]")
        parts.append("}")
        self._emit("".join(parts))

    def close(self) -> None:
        self._emit("\n ]\n}\n")
        self.flush()


class _PrefixRewriter:
    """A binary writer for pyoxigraph: drops its ``@prefix`` lines and writes kg's, sorted, instead."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._pending: bytearray | None = bytearray()

    def write(self, data: bytes) -> int:
        if self._pending is None:
            return self._handle.write(data)
        self._pending += data
        while self._pending is not None:
            end = self._pending.find(b"\n")
            if end < 0:
                break
            if self._pending.startswith(b"@prefix "):
                del self._pending[: end + 1]
            else:
                self._finish_header()
        return len(data)

    def _finish_header(self) -> None:
        assert self._pending is not None
        header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode()
        self._handle.write(header + b"\n" + bytes(self._pending))
        self._pending = None

    def flush(self) -> None:
        return None

    def close(self) -> None:
        if self._pending is not None:
            self._finish_header()


def _turtle_file(nt_path: Path, handle: IO[bytes]) -> None:
    """Turn a sorted N-Triples file into Turtle, file to file (pyoxigraph streams both ways)."""
    import pyoxigraph as ox

    writer = _PrefixRewriter(handle)
    quads = ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    # pyoxigraph only calls write() (and flush()) on the output object
    ox.serialize(quads, writer, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)  # type: ignore[arg-type]
    writer.close()


_FORMATS = {
    "turtle": "turtle", "ttl": "turtle",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "json-ld": "json-ld", "jsonld": "json-ld",
}  # fmt: skip


def _format(format: str) -> str:
    fmt = _FORMATS.get(str(format).lower())
    if fmt is None:
        raise InputError(f"unknown RDF format {format!r}; expected turtle, nt or json-ld")
    return fmt


def serialize(graph: nx.DiGraph, *, format: RdfFormat = "nt", base: str = DEFAULT_BASE_IRI) -> bytes:
    """Return the graph serialised as Turtle, N-Triples or JSON-LD bytes (deterministic).

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        format: ``"turtle"``, ``"nt"`` or ``"json-ld"``.
        base: base IRI for minted resources.
    """
    import io

    fmt = _format(format)
    buffer = io.BytesIO()
    sink: _NTriplesSink | _JsonLdSink = _JsonLdSink(buffer) if fmt == "json-ld" else _NTriplesSink(buffer)
    for s, props in iter_subjects(graph, base=base):
        sink.add(s, props)
    sink.close()
    data = buffer.getvalue()
    return _turtle(data) if fmt == "turtle" else data


def write_rdf_files(graph: nx.DiGraph, paths: dict[str, str | Path], *, base: str = DEFAULT_BASE_IRI) -> int:
    """Write the graph in several RDF formats at once, each file atomically; return the triple count.

    One sorted pass over the graph (:func:`iter_subjects`) streams
    N-Triples and JSON-LD side by side; Turtle is then made from the
    N-Triples file by pyoxigraph, file to file (from a temporary N-Triples
    file when ``"nt"`` is not asked for). Memory stays bounded by the graph,
    not by the output. The bytes are those of :func:`serialize`.

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        paths: format (``"turtle"``, ``"nt"``, ``"json-ld"``) -> file to write.
        base: base IRI for minted resources.

    Raises:
        KGError: a node kind or edge relation the contract does not know (no file is written).
    """
    import os
    import tempfile
    from contextlib import ExitStack

    targets = {_format(fmt): Path(path) for fmt, path in paths.items()}
    scratch: Path | None = None
    nt_path = targets.get("nt")
    if nt_path is None and "turtle" in targets:
        fd, name = tempfile.mkstemp(prefix=".graph.", suffix=".nt.tmp", dir=targets["turtle"].parent)
        os.close(fd)
        scratch = nt_path = Path(name)
    try:
        with ExitStack() as stack:
            sinks: list[_NTriplesSink | _JsonLdSink] = []
            nt_sink: _NTriplesSink | None = None
            if nt_path is not None:
                handle = stack.enter_context(
                    atomic_write(nt_path, mode="wb") if scratch is None else open(nt_path, "wb")  # noqa: SIM115
                )
                nt_sink = _NTriplesSink(handle)
                sinks.append(nt_sink)
            if "json-ld" in targets:
                sinks.append(_JsonLdSink(stack.enter_context(atomic_write(targets["json-ld"], mode="wb"))))
            triples = 0
            for s, props in iter_subjects(graph, base=base):
                for sink in sinks:
                    sink.add(s, props)
                if nt_sink is None:
                    triples += len(set(props))
            for sink in sinks:
                sink.close()
        if "turtle" in targets:
            assert nt_path is not None
            with atomic_write(targets["turtle"], mode="wb") as handle:
                _turtle_file(nt_path, handle)
    finally:
        if scratch is not None:
            scratch.unlink(missing_ok=True)
    return nt_sink.triples if nt_sink is not None else triples


def write_rdf(
    graph: nx.DiGraph, path: str | Path, *, format: RdfFormat = "turtle", base: str = DEFAULT_BASE_IRI
) -> None:
    """Write the graph to ``path`` atomically as Turtle, N-Triples or JSON-LD.

    Identical graphs give identical bytes (sorted triples, fixed prefixes, no
    blank nodes, no timestamps). Streams to the file (see :func:`write_rdf_files`).

    Args:
        graph: a graph following the contract of ``docs/DESIGN.md``.
        path: the file to write.
        format: ``"turtle"``, ``"nt"`` or ``"json-ld"``.
        base: base IRI for minted resources.
    """
    write_rdf_files(graph, {format: path}, base=base)


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
            if pred.startswith(_RDF + "_") and pred[len(_RDF) + 1 :].isdigit():
                items.append((int(pred[len(_RDF) + 1 :]), _py(*values[0])))  # type: ignore[misc]
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


# -- SHACL ----------------------------------------------------------------------------------------
def shapes_graph() -> rdflib.Graph:
    """Return kg's SHACL shapes (``schemas/shapes.ttl``) as an rdflib Graph."""
    import rdflib

    return rdflib.Graph().parse(schema_path("shapes.ttl"), format="turtle")


def validate(rdf: rdflib.Graph) -> ValidationReport:
    """Validate an RDF graph against kg's SHACL shapes with pySHACL.

    Args:
        rdf: the data graph (e.g. from :func:`to_rdf` or :func:`load_rdflib`).

    Returns:
        ``conforms`` and pySHACL's text report (which names each violation).
    """
    from pyshacl import validate as shacl

    conforms, _, text = shacl(rdf, shacl_graph=shapes_graph(), inference="none", advanced=True)
    return ValidationReport(conforms=bool(conforms), text=str(text))


__all__ = [
    "KG_NAMESPACE",
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
