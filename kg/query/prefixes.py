"""The prefixes every kg query may use without declaring them, and the check for undeclared ones.

Ad-hoc SPARQL is mostly typed at a prompt: making users repeat ``PREFIX rdfs:
<...>`` for the ten vocabularies kg writes is friction with no benefit. These
prefixes are handed to the engine as defaults (``kg query``, the API and
``kg serve`` share :func:`kg.query.execute.iter_events`), and a query's own
``PREFIX`` declarations override them. A prefix that is neither predeclared
nor declared is caught on the tokens, before the engine, so the user reads
one line naming it instead of the engine's list of expected Unicode ranges.

The IRIs are the ones :data:`kg.ontology.PREFIXES` writes into Turtle (a test
keeps the two equal); they are spelled out here so the query layer does not
import rdflib.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

#: prefix -> namespace IRI, predeclared in every query
PREFIXES: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "kg": "https://kg.example.org/ontology#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


class _TokenLike(Protocol):
    """A token of :mod:`kg.query.syntax` (a protocol: that module imports this one)."""

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


T = TypeVar("T", bound=_TokenLike)


def undeclared_prefix(tokens: Iterable[T]) -> T | None:
    """Return the first prefixed name whose prefix is neither predeclared nor declared before it.

    ``PREFIX p: <iri>`` declares ``p`` for the rest of the query (SPARQL puts
    declarations in the prologue, so "before" is the same as "anywhere").
    """
    declared = set(PREFIXES)
    after_prefix_word = False
    for token in tokens:
        if token.kind == "pname":
            prefix = token.text.split(":", 1)[0]
            if after_prefix_word:
                declared.add(prefix)
            elif prefix not in declared:
                return token
        after_prefix_word = token.kind == "word" and token.text.upper() == "PREFIX"
    return None


def prologue() -> str:
    """Return the predeclared prefixes as SPARQL ``PREFIX`` lines (for pages and clients that need them).

    >>> prologue().splitlines()[0]
    'PREFIX dcat: <http://www.w3.org/ns/dcat#>'
    """
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))


__all__ = ["PREFIXES", "prologue", "undeclared_prefix"]
