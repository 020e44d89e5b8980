"""The SPARQL 1.1 Service Description of ``kg serve``: what a client learns by fetching ``/sparql`` bare.

Clients (YASGUI, federated engines, crawlers) read it to learn the endpoint's
language, result formats and dataset size. It says only what holds: SPARQL 1.1
Query (no Update, no federation: SERVICE is refused), the formats
:mod:`kg.serve.negotiate` can send, and the size of the default graph when it
is known. The predeclared prefixes are listed as ``rdfs:comment`` text: the
vocabulary has no term for them.
"""

from __future__ import annotations

from kg.query.prefixes import PREFIXES

_FORMATS = "http://www.w3.org/ns/formats/"
#: result formats the endpoint writes, as W3C format IRIs
RESULT_FORMAT_IRIS: tuple[str, ...] = tuple(
    _FORMATS + name
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    )
)


def _iri(value: str) -> str:
    """Return ``value`` as a Turtle IRI reference; characters an IRI may not hold are %-escaped."""
    bad = set('<>"{}|^`\\ ')
    return "<" + "".join(f"%{ord(c):02X}" if c in bad or ord(c) < 0x21 else c for c in value) + ">"


def service_description(endpoint: str, triples: int | None) -> str:
    """Return the Service Description of the endpoint at ``endpoint`` as Turtle.

    Args:
        endpoint: the endpoint's absolute URL (``http://host:port/sparql``).
        triples: triples in the default graph, when known.

    >>> text = service_description("http://127.0.0.1:8000/sparql", 12)
    >>> "sd:endpoint <http://127.0.0.1:8000/sparql>" in text, "void:triples 12" in text
    (True, True)
    """
    formats = ",\n    ".join(_iri(f) for f in RESULT_FORMAT_IRIS)
    size = f" ;\n      void:triples {int(triples)}" if triples is not None else ""
    prefixes = " ".join(f"{p}: <{iri}>" for p, iri in sorted(PREFIXES.items()))
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        "@prefix void: <http://rdfs.org/ns/void#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        "[] a sd:Service ;\n"
        f"  sd:endpoint {_iri(endpoint)} ;\n"
        "  sd:supportedLanguage sd:SPARQL11Query ;\n"
        f"  sd:resultFormat {formats} ;\n"
        '  rdfs:comment "kg knowledge graph of research papers: read-only, offline (SERVICE is refused)." ,\n'
        f'    "Predeclared prefixes: {prefixes}" ;\n'
        "  sd:defaultDataset [\n"
        "    a sd:Dataset ;\n"
        "    sd:defaultGraph [\n"
        f"      a sd:Graph{size}\n"
        "    ]\n"
        "  ] .\n"
    )


__all__ = ["RESULT_FORMAT_IRIS", "service_description"]
