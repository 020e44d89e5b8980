"""JSON Schemas of papers and extraction lines: what to_dict() writes passes, broken records fail.

jsonschema is not a dependency of kg, so a small validator for the subset of
JSON Schema 2020-12 the two schemas use lives here (type, enum, required,
properties, additionalProperties, items, minItems, minLength, minimum,
maximum, $ref to #/$defs).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kg.ontology import PREFIXES, schema_path
from kg.records import Entity, Link, Mention, Paper, PaperExtraction

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}
_KNOWN = {
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "title",
    "description",
    "type",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "minLength",
    "minimum",
    "maximum",
}


def errors(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    """Return every violation of ``schema`` by ``value`` as 'path: problem' strings."""
    unknown = set(schema) - _KNOWN
    assert not unknown, f"validator does not support {unknown}"
    if "$ref" in schema:
        assert schema["$ref"].startswith("#/$defs/")
        return errors(value, root["$defs"][schema["$ref"][len("#/$defs/") :]], root, path)
    out: list[str] = []
    if "type" in schema and not _TYPES[schema["type"]](value):
        return [f"{path}: expected {schema['type']}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        out.append(f"{path}: shorter than {schema['minLength']}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: fewer than {schema['minItems']} items")
        for i, item in enumerate(value):
            out += errors(item, schema.get("items", {}), root, f"{path}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out += [f"{path}: missing {key!r}" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in props:
                out += errors(item, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties", True) is False:
                out.append(f"{path}: unexpected {key!r}")
    return out


def load(name: str) -> dict[str, Any]:
    return json.loads(Path(schema_path(name)).read_text(encoding="utf-8"))


PAPER = load("paper.schema.json")
EXTRACTION = load("extraction.schema.json")

SENTENCE = "We train BrightNet on the PixelSet benchmark (code: https://github.com/example/brightnet)."


def full_paper() -> Paper:
    return Paper(
        id="arxiv:2603.00042",
        title="BrightNet",
        abstract=SENTENCE,
        url="https://arxiv.org/abs/2603.00042",
        authors=("C. Author",),
        date="2026-03-01",
        categories=("cs.CV",),
        links=(Link("https://github.com/example/brightnet", "code", origin="metadata"),),
        source="papers.jsonl",
        position=3,
    )


def full_extraction() -> PaperExtraction:
    return PaperExtraction(
        paper=full_paper(),
        entities=(
            Entity(
                "Model",
                "BrightNet",
                aliases=("BN",),
                role="proposed",
                confidence=0.9,
                component="kg_rules",
                mentions=(Mention(9, 18, SENTENCE),),
            ),
            Entity(
                "Dataset",
                "PixelSet",
                confidence=0.75,
                component="kg_lexicon",
                mentions=(Mention(26, 34, SENTENCE, "abstract"),),
            ),
        ),
        links=(Link("https://github.com/example/brightnet", "code", SENTENCE),),
        extractor="kg-extract/0.1.0",
    )


def test_schemas_are_json_schema_2020_12() -> None:
    for schema in (PAPER, EXTRACTION):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["description"]


@pytest.mark.parametrize("paper", [full_paper(), Paper(id="x-1", title="", abstract="")])
def test_paper_records_pass(paper: Paper) -> None:
    assert errors(paper.to_dict(), PAPER, PAPER) == []


@pytest.mark.parametrize(
    "record", [full_extraction(), PaperExtraction(paper=Paper(id="y", title="t", abstract="a"))]
)
def test_extraction_lines_pass(record: PaperExtraction) -> None:
    data = record.to_dict()
    assert errors(data, EXTRACTION, EXTRACTION) == []
    assert PaperExtraction.from_dict(json.loads(json.dumps(data))) == record


def _set(data: dict[str, Any], path: list[Any], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    if value is _DELETE:
        del data[path[-1]]
    else:
        data[path[-1]] = value


_DELETE = object()


@pytest.mark.parametrize(
    "path,value,problem",
    [
        (["id"], _DELETE, "missing 'id'"),
        (["id"], "", "shorter"),
        (["title"], None, "expected string"),
        (["authors"], "C. Author", "expected array"),
        (["authors"], [], "fewer than"),
        (["position"], 0, "< 1"),
        (["position"], "3", "expected integer"),
        (["links", 0, "kind"], "repo", "not in"),
        (["links", 0, "origin"], "guess", "not in"),
        (["colour"], "red", "unexpected 'colour'"),
    ],
)
def test_broken_papers_fail(path: list[Any], value: Any, problem: str) -> None:
    data = copy.deepcopy(full_paper().to_dict())
    _set(data, path, value)
    found = errors(data, PAPER, PAPER)
    assert any(problem in e for e in found), found


@pytest.mark.parametrize(
    "path,value,problem",
    [
        (["entities"], _DELETE, "missing 'entities'"),
        (["extractor"], 1, "expected string"),
        (["entities", 0, "type"], "Metric", "not in"),
        (["entities", 0, "role"], "introduced", "not in"),
        (["entities", 0, "confidence"], 1.5, "> 1"),
        (["entities", 0, "confidence"], -0.2, "< 0"),
        (["entities", 0, "confidence"], True, "expected number"),
        (["entities", 0, "name"], "", "shorter"),
        (["entities", 0, "mentions", 0, "start"], -1, "< 0"),
        (["entities", 0, "mentions", 0, "field"], "body", "not in"),
        (["entities", 0, "mentions", 0], {"start": 1}, "missing 'end'"),
        (["links", 0, "url"], "", "shorter"),
        (["paper", "authors"], [1], "expected string"),
        (["paper", "title"], "moved", "unexpected 'title'"),
    ],
)
def test_broken_extraction_lines_fail(path: list[Any], value: Any, problem: str) -> None:
    data = copy.deepcopy(full_extraction().to_dict())
    _set(data, path, value)
    found = errors(data, EXTRACTION, EXTRACTION)
    assert any(problem in e for e in found), found


def test_jsonld_context_declares_kg_prefixes_and_terms() -> None:
    context = load("context.jsonld")["@context"]
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == namespace
    assert context["confidence"] == {"@id": "kg:confidence", "@type": "xsd:double"}
    for term, definition in context.items():
        target = definition["@id"] if isinstance(definition, dict) else definition
        prefix = target.split(":", 1)[0]
        assert prefix in PREFIXES or target.startswith(("http://", "https://")), term
