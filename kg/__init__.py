"""kg: a knowledge-graph builder for research papers.

Importing ``kg`` is cheap: spaCy, rdflib, networkx and pyvis load only when a
function that needs them is called. The public names below are resolved on
first use by a module-level ``__getattr__``.

>>> import kg
>>> sorted(kg.__all__)[:3]
['Entity', 'InputError', 'KGError']

``kg.extract_paper("...abstract...")`` extracts one abstract (the facade
:func:`kg.api.extract_paper`); ``kg.extract`` is the extractor subpackage
(``from kg.extract import extract_papers``), an ordinary module.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from kg.version import __version__

logging.getLogger(__name__).addHandler(logging.NullHandler())

#: public name -> module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "KnowledgeGraph": "kg.api",
    "build": "kg.api",
    "load": "kg.api",
    "extract_paper": "kg.api",
    "Paper": "kg.records",
    "PaperExtraction": "kg.records",
    "Entity": "kg.records",
    "Mention": "kg.records",
    "Link": "kg.records",
    "KGError": "kg.errors",
    "InputError": "kg.errors",
    "QueryError": "kg.errors",
    "QueryTimeout": "kg.errors",
    "ValidationError": "kg.errors",
}

__all__ = [
    "Entity",
    "InputError",
    "KGError",
    "KnowledgeGraph",
    "Link",
    "Mention",
    "Paper",
    "PaperExtraction",
    "QueryError",
    "QueryTimeout",
    "ValidationError",
    "__version__",
    "build",
    "extract_paper",
    "load",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from kg.api import KnowledgeGraph, build, extract_paper, load
    from kg.errors import InputError, KGError, QueryError, QueryTimeout, ValidationError
    from kg.records import Entity, Link, Mention, Paper, PaperExtraction


def __getattr__(name: str) -> Any:
    if name == "extract":  # the subpackage, imported on first use like the public names
        return importlib.import_module("kg.extract")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
