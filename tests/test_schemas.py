"""JSON Schemas of papers and extraction lines: what to_dict() writes passes, broken records fail.

Validation is jsonschema's own Draft 2020-12 validator (the dev extra), so the
schemas are checked as any other JSON Schema tool would read them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kg.ontology import PREFIXES, schema_path
from kg.records import Entity, Link, Mention, Paper, PaperExtraction


def errors(value: Any, schema: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Return every violation of ``schema`` by ``value`` as (path in the value, failing keyword)."""
    validator = Draft202012Validator(schema)
    return sorted(
        ((tuple(err.absolute_path), str(err.validator)) for err in validator.iter_errors(value)), key=repr
    )


def _fails(found: list[tuple[tuple[Any, ...], str]], path: list[Any], keyword: str) -> bool:
    """Whether ``keyword`` failed inside the changed value at ``path`` (or on its parent object,
    where a missing or unexpected key is reported)."""
    changed = tuple(path)
    return any(
        kw == keyword and (where[: len(changed)] == changed or where == changed[:-1])
        for where, kw in found
    )


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
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("paper", [full_paper(), Paper(id="x-1", title="", abstract="")])
def test_paper_records_pass(paper: Paper) -> None:
    assert errors(paper.to_dict(), PAPER) == []


@pytest.mark.parametrize(
    "record", [full_extraction(), PaperExtraction(paper=Paper(id="y", title="t", abstract="a"))]
)
def test_extraction_lines_pass(record: PaperExtraction) -> None:
    data = record.to_dict()
    assert errors(data, EXTRACTION) == []
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
    "path,value,keyword",
    [
        (["id"], _DELETE, "required"),
        (["id"], "", "minLength"),
        (["title"], None, "type"),
        (["authors"], "C. Author", "type"),
        (["authors"], [], "minItems"),
        (["position"], 0, "minimum"),
        (["position"], "3", "type"),
        (["links", 0, "kind"], "repo", "enum"),
        (["links", 0, "origin"], "guess", "enum"),
        (["colour"], "red", "additionalProperties"),
    ],
)
def test_broken_papers_fail(path: list[Any], value: Any, keyword: str) -> None:
    data = copy.deepcopy(full_paper().to_dict())
    _set(data, path, value)
    found = errors(data, PAPER)
    assert _fails(found, path, keyword), found


@pytest.mark.parametrize(
    "path,value,keyword",
    [
        (["entities"], _DELETE, "required"),
        (["extractor"], 1, "type"),
        (["entities", 0, "type"], "Metric", "enum"),
        (["entities", 0, "role"], "introduced", "enum"),
        (["entities", 0, "confidence"], 1.5, "maximum"),
        (["entities", 0, "confidence"], -0.2, "minimum"),
        (["entities", 0, "confidence"], True, "type"),
        (["entities", 0, "name"], "", "minLength"),
        (["entities", 0, "mentions", 0, "start"], -1, "minimum"),
        (["entities", 0, "mentions", 0, "field"], "body", "enum"),
        (["entities", 0, "mentions", 0], {"start": 1}, "required"),
        (["links", 0, "url"], "", "minLength"),
        (["paper", "authors"], [1], "type"),
        (["paper", "title"], "moved", "additionalProperties"),
    ],
)
def test_broken_extraction_lines_fail(path: list[Any], value: Any, keyword: str) -> None:
    data = copy.deepcopy(full_extraction().to_dict())
    _set(data, path, value)
    found = errors(data, EXTRACTION)
    assert _fails(found, path, keyword), found


def test_jsonld_context_declares_kg_prefixes_and_terms() -> None:
    context = load("context.jsonld")["@context"]
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == namespace
    assert context["confidence"] == {"@id": "kg:confidence", "@type": "xsd:double"}
    for term, definition in context.items():
        target = definition["@id"] if isinstance(definition, dict) else definition
        prefix = target.split(":", 1)[0]
        assert prefix in PREFIXES or target.startswith(("http://", "https://")), term
