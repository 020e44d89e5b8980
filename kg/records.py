"""Plain frozen records that cross every module boundary of kg.

Readers yield :class:`Paper`; the extractor turns each into a
:class:`PaperExtraction` holding :class:`Entity` and :class:`Link` records.
No spaCy, rdflib or networkx object ever leaves the module that owns it, so
these records are the whole contract between layers. Each round-trips through
``to_dict()`` / ``from_dict()`` exactly as ``schemas/extraction.schema.json``
describes. This module imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

EntityType = Literal["Method", "Model", "Dataset", "Task"]
Role = Literal["proposed", "used"]
LinkKind = Literal["code", "model", "dataset", "web"]
Field = Literal["title", "abstract"]

#: The entity types, in the order tables and legends list them: the one definition (from :data:`EntityType`).
ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)
ROLES: tuple[Role, ...] = get_args(Role)
LINK_KINDS: tuple[LinkKind, ...] = get_args(LinkKind)
#: The kinds of node in the graph (docs/DESIGN.md): papers, one per entity type, repositories, links.
NODE_KINDS: tuple[str, ...] = ("Paper", *ENTITY_TYPES, "Repository", "Link")


@dataclass(frozen=True)
class Link:
    """A cleaned URL and what it points to.

    ``sentence`` is the evidence (empty when the source gave the link as
    metadata, e.g. Hugging Face's ``githubRepo``); ``origin`` says which:
    ``"text"`` or ``"metadata"``.
    """

    url: str
    kind: LinkKind
    sentence: str = ""
    origin: Literal["text", "metadata"] = "text"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (gold format plus evidence)."""
        out: dict[str, Any] = {"url": self.url, "kind": self.kind}
        if self.sentence:
            out["sentence"] = self.sentence
        if self.origin != "text":
            out["origin"] = self.origin
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Link:
        """Build from the JSON form; unknown keys are ignored."""
        return cls(
            url=str(data["url"]),
            kind=data.get("kind", "web"),
            sentence=str(data.get("sentence", "") or ""),
            origin=data.get("origin", "text"),
        )


@dataclass(frozen=True)
class Paper:
    """One paper as a source gives it.

    ``id`` is minted by :func:`kg.normalize.paper_id` (arXiv id or DOI when
    known, else a title slug plus a short hash) so the same paper read from
    two sources gets the same id. ``source`` and ``position`` say where it was
    read (file name and 1-based line or record number) for error messages and
    provenance.
    """

    id: str
    title: str
    abstract: str
    url: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    categories: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    source: str | None = None
    position: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form with a fixed key order; empty fields are omitted."""
        out: dict[str, Any] = {"id": self.id, "title": self.title, "abstract": self.abstract}
        if self.url:
            out["url"] = self.url
        if self.authors:
            out["authors"] = list(self.authors)
        if self.date:
            out["date"] = self.date
        if self.categories:
            out["categories"] = list(self.categories)
        if self.links:
            out["links"] = [link.to_dict() for link in self.links]
        if self.source is not None:
            out["source"] = self.source
        if self.position is not None:
            out["position"] = self.position
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Build from the JSON form written by :meth:`to_dict`."""
        return cls(
            id=str(data["id"]),
            title=str(data.get("title", "")),
            abstract=str(data.get("abstract", "")),
            url=data.get("url"),
            authors=tuple(data.get("authors", ()) or ()),
            date=data.get("date"),
            categories=tuple(data.get("categories", ()) or ()),
            links=tuple(Link.from_dict(x) for x in data.get("links", ()) or ()),
            source=data.get("source"),
            position=data.get("position"),
        )

    def with_changes(self, **changes: Any) -> Paper:
        """Return a copy with some fields replaced (records are frozen)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Mention:
    """Where an entity was seen: character offsets into one field of the paper.

    ``field`` is ``"title"`` or ``"abstract"``; ``start``/``end`` index into that
    field's text; ``sentence`` is the evidence sentence that holds the mention.
    """

    start: int
    end: int
    sentence: str
    field: Field = "abstract"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"start": self.start, "end": self.end, "sentence": self.sentence, "field": self.field}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        """Build from the JSON form."""
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            sentence=str(data.get("sentence", "")),
            field=data.get("field", "abstract"),
        )


@dataclass(frozen=True)
class Entity:
    """A method, model, dataset or task one paper mentions.

    ``name`` is the long form as it appears in the text; ``aliases`` holds
    other surface forms (acronym, spelling variants). ``confidence`` is in
    [0, 1]; ``component`` names the pipeline component that found it.
    """

    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    role: Role = "used"
    confidence: float = 1.0
    mentions: tuple[Mention, ...] = ()
    component: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (the gold format of ANNOTATION.md plus evidence)."""
        return {
            "type": self.type,
            "name": self.name,
            "aliases": list(self.aliases),
            "role": self.role,
            "confidence": round(float(self.confidence), 4),
            "component": self.component,
            "mentions": [m.to_dict() for m in self.mentions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        """Build from the JSON form; gold lines without evidence are accepted."""
        return cls(
            type=data["type"],
            name=str(data["name"]),
            aliases=tuple(data.get("aliases", ()) or ()),
            role=data.get("role", "used"),
            confidence=float(data.get("confidence", 1.0)),
            mentions=tuple(Mention.from_dict(m) for m in data.get("mentions", ()) or ()),
            component=str(data.get("component", "")),
        )


@dataclass(frozen=True)
class PaperExtraction:
    """Everything extracted from one paper, plus the paper itself.

    Serialised as one JSON Lines record in the gold format (``id``, ``title``,
    ``abstract``, ``entities``, ``links``) with the paper's other metadata
    under ``paper`` and the extractor's version under ``extractor``.
    """

    paper: Paper
    entities: tuple[Entity, ...] = ()
    links: tuple[Link, ...] = ()
    extractor: str = ""

    @property
    def id(self) -> str:
        """The paper's id."""
        return self.paper.id

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON Lines form with a fixed key order."""
        meta = self.paper.to_dict()
        for key in ("id", "title", "abstract"):
            meta.pop(key, None)
        out: dict[str, Any] = {
            "id": self.paper.id,
            "title": self.paper.title,
            "abstract": self.paper.abstract,
            "entities": [e.to_dict() for e in self.entities],
            "links": [link.to_dict() for link in self.links],
            "extractor": self.extractor,
        }
        if meta:
            out["paper"] = meta
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperExtraction:
        """Build from the JSON Lines form (gold lines are accepted too)."""
        paper_data = dict(data.get("paper", {}) or {})
        paper_data.update(id=data["id"], title=data.get("title", ""), abstract=data.get("abstract", ""))
        return cls(
            paper=Paper.from_dict(paper_data),
            entities=tuple(Entity.from_dict(e) for e in data.get("entities", ()) or ()),
            links=tuple(Link.from_dict(x) for x in data.get("links", ()) or ()),
            extractor=str(data.get("extractor", "")),
        )


__all__ = [
    "ENTITY_TYPES",
    "LINK_KINDS",
    "NODE_KINDS",
    "ROLES",
    "Entity",
    "EntityType",
    "Field",
    "Link",
    "LinkKind",
    "Mention",
    "Paper",
    "PaperExtraction",
    "Role",
]
