"""Import cost and layering: heavy libraries load only in the layers allowed to use them (STYLE.md habit 1).

Most checks import a module in a fresh interpreter and look at ``sys.modules``;
one reads the source of every kg module, so an import hidden inside a function
(lazy, so invisible at import time) still has to sit in the right layer.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("spacy", "rdflib", "networkx", "pyvis", "pyoxigraph", "pyshacl", "dask", "click")
KG = Path(__file__).resolve().parent.parent / "kg"
#: What no library module may load when imported: the CLI library (only kg/cli uses it).
LIBRARY = ("click",)


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


def test_kg_extract_is_a_plain_package_and_extract_paper_the_function() -> None:
    result = _loaded_after(
        "import kg, types\n"
        "from kg.extract import EXTRACTOR_VERSION\n"
        "assert type(kg.extract) is types.ModuleType and type(kg) is types.ModuleType\n"
        "assert kg.extract.EXTRACTOR_VERSION == EXTRACTOR_VERSION and callable(kg.extract_paper)\n"
        "from kg import extract\n"
        "assert extract is sys.modules['kg.extract']"
    )
    assert "spacy" not in result["loaded"]  # importing the extractor package builds no pipeline


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("kg.records", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph", *LIBRARY)),
        ("kg.errors", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph", *LIBRARY)),
        ("kg.normalize", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph", *LIBRARY)),
        ("kg.io", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph", *LIBRARY)),
        ("kg.sources", ("spacy", "rdflib", "pyvis", "networkx", *LIBRARY)),
        ("kg.links", ("spacy", "rdflib", "pyvis", "networkx", *LIBRARY)),
        ("kg.extract", ("spacy", "rdflib", "pyvis", "networkx", *LIBRARY)),
        ("kg.lexicons", ("spacy", "rdflib", "pyvis", "networkx", *LIBRARY)),
        ("kg.extract.abbreviations", ("spacy", "rdflib", "pyvis", "networkx", *LIBRARY)),
        ("kg.resolve", ("spacy", "rdflib", "pyvis", "networkx", *LIBRARY)),
        ("kg.eval", ("spacy", "rdflib", "pyvis", *LIBRARY)),
        ("kg.graph", ("spacy", "rdflib", "pyvis", *LIBRARY)),
        ("kg.ontology", ("spacy", "pyvis", *LIBRARY)),
        ("kg.rdf", ("spacy", "pyvis", *LIBRARY)),
        ("kg.query", ("spacy", "pyvis", "rdflib", "networkx", *LIBRARY)),
        ("kg.view", ("spacy", "rdflib", "pyoxigraph", *LIBRARY)),
        ("kg.pipeline", ("spacy", "rdflib", "pyvis", "pyoxigraph", "pyshacl", "dask", *LIBRARY)),
        ("kg.engines", ("spacy", "rdflib", "pyvis", "pyoxigraph", "pyshacl", "dask", *LIBRARY)),
        ("kg.engines.dask_engine", ("spacy", "rdflib", "pyvis", "pyoxigraph", "pyshacl", "dask", *LIBRARY)),
        ("kg.api", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph", *LIBRARY)),
        ("kg.serve", ("spacy", "rdflib", "pyvis", "networkx", *LIBRARY)),
        # `kg --help` and every `kg <command> --help` must stay fast: commands import the library lazily
        ("kg.cli", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.cli.build_cmd", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph", "dask")),
        ("kg.cli.papers_cmd", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.cli.extract_cmd", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.cli.eval_cmd", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.cli.query_cmd", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.cli.view_cmd", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
        ("kg.cli.serve_cmd", ("spacy", "rdflib", "pyvis", "networkx", "pyoxigraph")),
    ],
)
def test_layering(module: str, forbidden: tuple[str, ...]) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist yet")
    loaded = _loaded_after(f"import {module}")["loaded"]
    assert isinstance(loaded, list)
    assert not set(loaded) & set(forbidden), f"{module} imports {sorted(set(loaded) & set(forbidden))}"


#: library -> the kg modules (paths relative to kg/, a trailing "/" for a package) allowed to import it
ALLOWED_IMPORTERS: dict[str, tuple[str, ...]] = {
    "spacy": ("extract/",),
    "rdflib": ("ontology.py", "rdf/", "query.py"),
    "pyvis": ("view/",),
    "click": ("cli/",),
}


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Return the top-level packages ``tree`` imports, skipping ``if TYPE_CHECKING:`` blocks (never run)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_heavy_libraries_are_imported_only_in_their_layer() -> None:
    wrong = []
    for path in sorted(KG.rglob("*.py")):
        rel = path.relative_to(KG).as_posix()
        imported = _runtime_imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for library, allowed in ALLOWED_IMPORTERS.items():
            if library in imported and not any(rel == a or rel.startswith(a) for a in allowed):
                wrong.append(f"kg/{rel} imports {library}")
    assert not wrong, "; ".join(wrong)


def test_layer_check_sees_lazy_imports_and_skips_typing_only_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import rdflib\n"
        "def f():\n    import spacy.tokens\n    from click import echo\n"
    )
    assert _runtime_imports(ast.parse(source)) == {"typing", "spacy", "click"}
