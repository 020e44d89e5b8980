"""SHACL validation of kg's RDF form against ``schemas/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.ontology import schema_path

if TYPE_CHECKING:
    import rdflib


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of a SHACL validation: ``conforms`` and pySHACL's readable report."""

    conforms: bool
    text: str


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
