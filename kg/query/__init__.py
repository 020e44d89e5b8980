"""SPARQL over kg graphs: the one query engine of kg (``kg query``, ``kg serve`` and the API use it).

Queries are read-only and offline. Before any engine sees a query,
:func:`check_query` tokenizes it and refuses updates, ``SERVICE`` anywhere,
queries over :data:`MAX_QUERY_CHARS` characters and brackets nested deeper
than :data:`MAX_DEPTH`. Queries on a graph named by a path, or with a time
limit, run in worker processes that are killed when time is up and that have
no network (:mod:`kg.query.worker`); a crash ends the worker, not the caller.
Results come back as plain :class:`QueryResult` records and are written as an
aligned table, SPARQL 1.1 CSV/TSV/JSON/XML or, for CONSTRUCT/DESCRIBE, RDF.

The ready-made queries of ``schemas/queries/*.rq`` are listed by
:func:`list_queries` and loaded by :func:`load_query`, which binds parameters
through ``VALUES`` with escaped literals, never by splicing raw text.

Modules: :mod:`~kg.query.syntax` (the checks), :mod:`~kg.query.store` (what a
query runs on), :mod:`~kg.query.execute` (one query on one store),
:mod:`~kg.query.worker` (child processes), :mod:`~kg.query.engine` (the entry
points), :mod:`~kg.query.results` (records and formats),
:mod:`~kg.query.ready` (ready-made queries).
"""

from __future__ import annotations

from kg.query.engine import QueryPool, QueryStream, run_query, stream_query
from kg.query.ready import QueryParam, ReadyQuery, list_queries, load_query, sparql_string
from kg.query.results import (
    FORMATS,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Format,
    QueryResult,
    Term,
    format_result,
    iter_formatted,
    serialize_result,
)
from kg.query.store import StoreSpec, open_store, spec_for
from kg.query.syntax import MAX_DEPTH, MAX_QUERY_CHARS, check_query

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "MAX_DEPTH",
    "MAX_QUERY_CHARS",
    "RESULT_FORMATS",
    "Format",
    "QueryParam",
    "QueryPool",
    "QueryResult",
    "QueryStream",
    "ReadyQuery",
    "StoreSpec",
    "Term",
    "check_query",
    "format_result",
    "iter_formatted",
    "list_queries",
    "load_query",
    "open_store",
    "run_query",
    "serialize_result",
    "sparql_string",
    "spec_for",
    "stream_query",
]
