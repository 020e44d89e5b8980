"""Import cost and layering: heavy libraries load only in the layers allowed to use them (STYLE.md habit 1).

Each check imports a module in a fresh interpreter and looks at ``sys.modules``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

HEAVY = ("spacy", "rdflib", "networkx", "pyvis", "pyoxigraph", "pyshacl", "dask")


def _loaded_after(code: str) -> dict[str, object]:
    """Run ``code`` in a new interpreter; return which heavy packages got imported and how long it took."""
    script = (
        "import sys, time, json\n"
        "t = time.perf_counter()\n"
        f"{code}\n"
        "took = time.perf_counter() - t\n"
        f"print(json.dumps({{'loaded': sorted(m for m in {list(HEAVY)!r} if m in sys.modules), 'seconds': took}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_import_kg_is_light_and_quick() -> None:
    result = _loaded_after("import kg")
    assert result["loaded"] == []


def test_public_names_resolve_lazily_without_heavy_imports() -> None:
    result = _loaded_after(
        "import kg\n"
        "assert kg.KnowledgeGraph.__name__ == 'KnowledgeGraph'\n"
        "assert callable(kg.build) and callable(kg.load) and kg.Paper and kg.InputError\n"
        "assert set(kg.__all__) <= set(dir(kg))"
    )
    assert result["loaded"] == []


def test_kg_extract_is_callable_and_stays_a_package() -> None:
    result = _loaded_after(
        "import kg\n"
        "from kg.extract import EXTRACTOR_VERSION\n"
        "assert callable(kg.extract) and kg.extract.EXTRACTOR_VERSION == EXTRACTOR_VERSION\n"
        "from kg import extract\n"
        "assert extract is sys.modules['kg.extract']"
    )
    assert "spacy" not in result["loaded"]  # importing the extractor package builds no pipeline


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("kg.records", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.errors", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.normalize", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.io", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.sources", ("spacy", "rdflib", "pyvis")),
        ("kg.links", ("spacy", "rdflib", "pyvis")),
        ("kg.resolve", ("spacy", "rdflib", "pyvis")),
        ("kg.eval", ("spacy", "rdflib", "pyvis")),
        ("kg.graph", ("spacy", "rdflib", "pyvis")),
        ("kg.rdf", ("spacy", "pyvis")),
        ("kg.query", ("spacy", "pyvis", "rdflib", "networkx")),
        ("kg.api", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.serve", ("spacy", "rdflib", "pyvis", "networkx")),
    ],
)
def test_layering(module: str, forbidden: tuple[str, ...]) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist yet")
    loaded = _loaded_after(f"import {module}")["loaded"]
    assert isinstance(loaded, list)
    assert not set(loaded) & set(forbidden), f"{module} imports {sorted(set(loaded) & set(forbidden))}"
