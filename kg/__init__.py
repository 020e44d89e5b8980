"""kg: a knowledge-graph builder for research papers.

Importing ``kg`` is cheap: spaCy, rdflib, networkx and pyvis load only when a
function that needs them is called. The public names below are resolved on
first use by a module-level ``__getattr__``.

>>> import kg
>>> sorted(kg.__all__)[:3]
['Entity', 'InputError', 'KGError']

``kg.extract`` is both the extractor subpackage and the one-abstract
function :func:`kg.api.extract`: the subpackage module is made callable, so
``kg.extract("...abstract...")`` and ``from kg.extract import extract_papers``
both work whichever is used first.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

#: public name -> module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "KnowledgeGraph": "kg.api",
    "build": "kg.api",
    "load": "kg.api",
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
    "extract",
    "load",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from kg.api import KnowledgeGraph, build, load
    from kg.api import extract as extract
    from kg.errors import InputError, KGError, QueryError, QueryTimeout, ValidationError
    from kg.records import Entity, Link, Mention, Paper, PaperExtraction


class _CallableExtractModule(types.ModuleType):
    """The ``kg.extract`` subpackage, callable as :func:`kg.api.extract`."""

    def __call__(self, text_or_paper: Any) -> Any:
        from kg.api import extract as extract_one

        return extract_one(text_or_paper)


class _Package(types.ModuleType):
    """The ``kg`` package module: makes the ``kg.extract`` subpackage callable when it is bound."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "extract" and isinstance(value, types.ModuleType) and type(value) is types.ModuleType:
            value.__class__ = _CallableExtractModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name == "extract":
        # importing the subpackage binds it here (through _Package.__setattr__)
        return importlib.import_module("kg.extract")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
