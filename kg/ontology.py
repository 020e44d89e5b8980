"""The ``kg:`` vocabulary and the only place where kg mints IRIs.

Every RDF resource kg writes gets its IRI from :class:`IriMinter`, built from
the networkx node ids of ``kg.graph`` under a configurable base IRI. Minting
percent-encodes everything outside a small safe set, so names with spaces,
quotes, non-ASCII letters, ``<>``, ``{}`` or backslashes always give valid,
stable IRIs; the same node id under the same base always gives the same IRI,
and two different node ids never collide. The terms of ``schemas/kg.ttl`` are
exposed as the :class:`KG` ``DefinedNamespace`` (unknown terms raise), next to
the standard vocabularies kg reuses, and as plain strings (``K_*``, ``P_*``,
``KIND_CLASSES``, ...) for the code that writes or checks millions of triples.
This module must not build triples.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from rdflib import Namespace, URIRef
from rdflib import namespace as _rns  # module alias: pytest's doctest scan trips over namespace objects

from kg.errors import InputError

#: Namespace of the kg ontology (fixed; the data base IRI is configurable).
KG_NAMESPACE = "https://kg.example.org/ontology#"
#: Base IRI under which data resources (papers, entities, ...) are minted.
DEFAULT_BASE_IRI = "https://kg.example.org/"

SCHEMA = Namespace("https://schema.org/")
#: BIBO, whose ``bibo:authorList`` carries a paper's authors in order.
BIBO_NS = "http://purl.org/ontology/bibo/"

#: Prefixes written into Turtle and the JSON-LD context (sorted by prefix).
PREFIXES: dict[str, str] = {
    "bibo": BIBO_NS,
    "dcat": str(_rns.DCAT),
    "dcterms": str(_rns.DCTERMS),
    "kg": KG_NAMESPACE,
    "owl": str(_rns.OWL),
    "prov": str(_rns.PROV),
    "rdf": str(_rns.RDF),
    "rdfs": str(_rns.RDFS),
    "schema": str(SCHEMA),
    "skos": str(_rns.SKOS),
    "xsd": str(_rns.XSD),
}


class KG(_rns.DefinedNamespace):
    """Terms of the kg ontology (``schemas/kg.ttl``); a typo raises ``AttributeError``."""

    _NS = Namespace(KG_NAMESPACE)
    _fail = True

    # classes
    Entity: URIRef
    Method: URIRef
    Model: URIRef
    Task: URIRef
    Link: URIRef
    Mention: URIRef
    Evidence: URIRef
    CoOccurrence: URIRef
    # paper -> node relations
    proposes: URIRef
    uses: URIRef
    hasCode: URIRef
    hasLink: URIRef
    coOccursWith: URIRef
    # mention (why a paper links to a node)
    paper: URIRef
    target: URIRef
    relation: URIRef
    surfaceName: URIRef
    surfaceAlias: URIRef
    confidence: URIRef
    component: URIRef
    hasEvidence: URIRef
    evidenceSentence: URIRef
    field: URIRef
    startOffset: URIRef
    endOffset: URIRef
    index: URIRef
    origin: URIRef
    linkKind: URIRef
    extractedType: URIRef
    # co-occurrence
    firstEntity: URIRef
    secondEntity: URIRef
    weight: URIRef
    associationStrength: URIRef
    npmi: URIRef
    # node data
    nodeId: URIRef
    host: URIRef
    paperCount: URIRef
    mentionCount: URIRef
    rankInType: URIRef
    familyRank: URIRef
    nameKey: URIRef
    idOrder: URIRef
    authorList: URIRef
    categoryList: URIRef
    sourceFile: URIRef
    kgVersion: URIRef
    extractorVersion: URIRef
    paperTotal: URIRef


# -- terms as plain strings -----------------------------------------------------------------------
# The RDF writers, readers and the SHACL check build millions of triples: they use these plain
# strings, never rdflib terms (a DefinedNamespace look-up is slow in a hot loop).
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
DCT_NS = "http://purl.org/dc/terms/"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
PROV_NS = "http://www.w3.org/ns/prov#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
DCAT_NS = "http://www.w3.org/ns/dcat#"
SCHEMA_NS = str(SCHEMA)

# kg: terms as plain strings (DefinedNamespace look-ups are slow in the hot loop)
K_CoOccurrence = str(KG.CoOccurrence)
K_associationStrength = str(KG.associationStrength)
K_extractedType = str(KG.extractedType)
K_npmi = str(KG.npmi)
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
K_paperTotal = str(KG.paperTotal)
K_rankInType = str(KG.rankInType)
K_familyRank = str(KG.familyRank)
K_nameKey = str(KG.nameKey)
K_idOrder = str(KG.idOrder)
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

A = RDF_NS + "type"
SEQ = RDF_NS + "Seq"
RDF_FIRST, RDF_REST, RDF_NIL = RDF_NS + "first", RDF_NS + "rest", RDF_NS + "nil"
LABEL = RDFS_NS + "label"
XSD_STRING = XSD_NS + "string"
XSD_INTEGER = XSD_NS + "integer"
XSD_DOUBLE = XSD_NS + "double"
XSD_BOOLEAN = XSD_NS + "boolean"
XSD_DATE = XSD_NS + "date"
XSD_ANYURI = XSD_NS + "anyURI"

#: node kind -> RDF class
KIND_CLASSES: dict[str, str] = {
    "Paper": SCHEMA_NS + "ScholarlyArticle",
    "Method": K_Method,
    "Model": K_Model,
    "Dataset": SCHEMA_NS + "Dataset",
    "Task": K_Task,
    "Repository": SCHEMA_NS + "SoftwareSourceCode",
    "Link": K_Link,
}
CLASS_KINDS = {v: k for k, v in KIND_CLASSES.items()}
#: edge relation -> the kg: property of the direct paper -> node triple
RELATION_PROPERTIES: dict[str, str] = {
    "proposes": K_proposes,
    "uses": K_uses,
    "has_code": K_hasCode,
    "has_link": K_hasLink,
}
PROPERTY_RELATIONS = {v: k for k, v in RELATION_PROPERTIES.items()}

P_NODE_ID = K_nodeId
P_TITLE, P_ABSTRACT, P_IDENT = DCT_NS + "title", DCT_NS + "abstract", DCT_NS + "identifier"
P_CREATOR, P_DATE, P_SUBJECT = DCT_NS + "creator", DCT_NS + "date", DCT_NS + "subject"
P_URL, P_CODEREPO = SCHEMA_NS + "url", SCHEMA_NS + "codeRepository"
P_PREF, P_ALT = SKOS_NS + "prefLabel", SKOS_NS + "altLabel"
#: an entity -> its family (a version, size or edition of it: kg.resolve), and a retired IRI -> the live one
P_BROADER, P_SAME_AS = SKOS_NS + "broader", OWL_NS + "sameAs"
P_ATTRIBUTED = PROV_NS + "wasAttributedTo"
#: a paper -> the canonical IRI of its arXiv id or DOI (https://arxiv.org/abs/..., https://doi.org/...)
P_SCHEMA_SAME_AS = SCHEMA_NS + "sameAs"
#: a paper -> its authors in order, an ``rdf:List`` of names (``dcterms:creator`` holds them unordered)
P_AUTHOR_LIST = BIBO_NS + "authorList"
C_AGENT, C_DCAT_DATASET = PROV_NS + "SoftwareAgent", DCAT_NS + "Dataset"


_ID_PREFIXES = {"paper", "method", "model", "dataset", "task", "repo", "link"}
# RFC 3986 unreserved characters plus ":" and "@" (allowed in a path segment);
# "%" is never safe, which keeps the encoding injective.
_SAFE = "-._~:@"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*$")
# Characters that may not appear anywhere in an IRI (RFC 3987) or in a Turtle IRIREF.
_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')


def segment(text: str) -> str:
    """Percent-encode ``text`` into one safe IRI path segment.

    Everything but ASCII letters, digits and ``-._~:@`` is UTF-8
    percent-encoded, ``/`` included, so a segment never splits a path.

    >>> segment('a b/"c"<{é}>')
    'a%20b%2F%22c%22%3C%7B%C3%A9%7D%3E'
    """
    return quote(text, safe=_SAFE)


def validate_base(base: str) -> str:
    """Return ``base`` if it can prefix kg's IRIs, else raise a clear error.

    A base IRI must be absolute (``scheme:...``; ``http``/``https`` need a
    host), contain no character forbidden in IRIs (spaces, ``<>"{}|\\^`` and
    controls) and end with ``/`` or ``#`` so minted names append cleanly.

    Raises:
        InputError: naming the problem and showing a valid example.

    >>> validate_base("https://example.org/kg/")
    'https://example.org/kg/'
    """
    hint = f"; use an absolute IRI ending in '/' or '#', e.g. {DEFAULT_BASE_IRI!r}"
    if not isinstance(base, str) or not base:
        raise InputError(f"invalid base IRI {base!r}: empty{hint}")
    bad = _FORBIDDEN.search(base)
    if bad:
        raise InputError(
            f"invalid base IRI {base!r}: character {bad.group()!r} is not allowed in an IRI{hint}"
        )
    parts = urlsplit(base)
    if not parts.scheme or not _SCHEME.match(parts.scheme):
        raise InputError(f"invalid base IRI {base!r}: not absolute (no scheme){hint}")
    if parts.scheme.lower() in {"http", "https"} and not parts.netloc:
        raise InputError(f"invalid base IRI {base!r}: no host{hint}")
    if not base.endswith(("/", "#")):
        raise InputError(f"invalid base IRI {base!r}: must end with '/' or '#'{hint}")
    return base


class IriMinter:
    """Mint the IRIs of one export under one validated base IRI.

    Args:
        base: the base IRI (checked by :func:`validate_base`).

    >>> m = IriMinter("https://example.org/")
    >>> m.node("method:low-rank-adaptation")
    'https://example.org/method/low-rank-adaptation'
    >>> m.node("paper:arxiv:2508.00001")
    'https://example.org/paper/arxiv:2508.00001'
    """

    def __init__(self, base: str = DEFAULT_BASE_IRI) -> None:
        self.base = validate_base(base)
        # node ids recur in many triples; percent-encoding each once keeps big exports fast
        self._nodes: dict[str, str] = {}
        self._segments: dict[str, str] = {}

    def _segment(self, node_id: str) -> str:
        seg = self._segments.get(node_id)
        if seg is None:
            seg = self._segments[node_id] = segment(node_id)
        return seg

    def node(self, node_id: str) -> str:
        """Return the IRI of a graph node from its ``kind:rest`` node id."""
        iri = self._nodes.get(node_id)
        if iri is None:
            prefix, sep, rest = node_id.partition(":")
            if sep and prefix in _ID_PREFIXES:
                iri = f"{self.base}{prefix}/{segment(rest)}"
            else:
                iri = f"{self.base}node/{segment(node_id)}"
            self._nodes[node_id] = iri
        return iri

    def mention(self, source_id: str, target_id: str) -> str:
        """Return the IRI of the mention node of the edge ``source_id -> target_id``."""
        return f"{self.base}mention/{self._segment(source_id)}/{self._segment(target_id)}"

    def evidence(self, mention_iri: str, index: int) -> str:
        """Return the IRI of the ``index``-th (1-based) evidence item of a mention."""
        return f"{mention_iri}/evidence/{int(index)}"

    def sequence(self, owner_iri: str, name: str) -> str:
        """Return the IRI of an ordered list (``rdf:Seq``) that belongs to ``owner_iri``."""
        return f"{owner_iri}/{segment(name)}"

    def list_cells(self, owner_iri: str, name: str, count: int) -> list[str]:
        """Return the IRIs of the ``count`` cells of an ``rdf:List`` that belongs to ``owner_iri``.

        kg writes no blank nodes, so the cells of a list (``rdf:first`` /
        ``rdf:rest``) get IRIs under their owner, numbered from 1 (the head).

        >>> IriMinter("https://example.org/").list_cells("https://example.org/paper/x", "author-list", 2)
        ['https://example.org/paper/x/author-list/1', 'https://example.org/paper/x/author-list/2']
        """
        prefix = f"{owner_iri}/{segment(name)}/"
        return [f"{prefix}{i}" for i in range(1, int(count) + 1)]

    def cooccurrence(self, first_id: str, second_id: str) -> str:
        """Return the IRI of the co-occurrence node of two entity node ids."""
        return f"{self.base}cooccurrence/{self._segment(first_id)}/{self._segment(second_id)}"

    def agent(self, extractor: str) -> str:
        """Return the IRI of the software agent (extractor version) that made a mention."""
        return f"{self.base}agent/{segment(extractor)}"

    def dataset(self) -> str:
        """Return the IRI of the graph as a whole (carries the kg and extractor versions)."""
        return f"{self.base}graph"


@lru_cache(maxsize=4)
def minter(base: str = DEFAULT_BASE_IRI) -> IriMinter:
    """Return a shared :class:`IriMinter` for ``base`` (used by the one-off helpers below)."""
    return IriMinter(base)


def node_iri(node_id: str, *, base: str = DEFAULT_BASE_IRI) -> str:
    """Return the IRI of a node id under ``base``.

    >>> node_iri('dataset:a "quoted" <name>', base="https://example.org/")
    'https://example.org/dataset/a%20%22quoted%22%20%3Cname%3E'
    """
    return minter(base).node(node_id)


def mention_iri(source_id: str, target_id: str, *, base: str = DEFAULT_BASE_IRI) -> str:
    """Return the IRI of the mention node of the edge ``source_id -> target_id``."""
    return minter(base).mention(source_id, target_id)


def schema_path(name: str) -> str:
    """Return the path of a file shipped in ``schemas/`` (the ``kg.schemas`` package)."""
    from importlib.resources import files

    return str(files("kg.schemas").joinpath(name))


__all__ = [
    "DEFAULT_BASE_IRI",
    "KG",
    "KG_NAMESPACE",
    "PREFIXES",
    "SCHEMA",
    "IriMinter",
    "mention_iri",
    "minter",
    "node_iri",
    "schema_path",
    "segment",
    "validate_base",
]
