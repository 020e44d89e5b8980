"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint and the HTML view of a kg graph.

Only HTTP lives here: :mod:`~kg.serve.server` (routes, the SPARQL Protocol,
the server), :mod:`~kg.serve.negotiate` (which format a client gets),
:mod:`~kg.serve.pages` (the query form and HTML results), :mod:`~kg.serve.guard`
(slow clients) and :mod:`~kg.serve.graph` (what is served). Queries are run,
limited and written by :mod:`kg.query`, the one engine of kg.
"""

from __future__ import annotations

from kg.serve.graph import DOWNLOADS, ServedGraph, open_graph
from kg.serve.negotiate import RESULT_MEDIA, choose_format
from kg.serve.pages import query_page, result_page
from kg.serve.server import (
    DEFAULT_HOST,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RESULTS,
    DEFAULT_PORT,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    MAX_BODY_BYTES,
    SparqlServer,
    make_server,
    serve,
)

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MAX_RESULTS",
    "DEFAULT_PORT",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WORKERS",
    "DOWNLOADS",
    "MAX_BODY_BYTES",
    "RESULT_MEDIA",
    "ServedGraph",
    "SparqlServer",
    "choose_format",
    "make_server",
    "open_graph",
    "query_page",
    "result_page",
    "serve",
]
