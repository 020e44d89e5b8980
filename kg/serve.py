"""A read-only SPARQL 1.1 Protocol server for a kg graph, on the standard library's HTTP server.

``kg serve`` loads the graph once into one in-memory pyoxigraph store and
shares it between request threads: pyoxigraph's ``Store`` is a frozen, Sync
object whose queries run on a consistent snapshot and release the GIL, so
read-only queries from many threads need no lock. Routes:

* ``/sparql``: the SPARQL 1.1 Protocol query operation (GET ``?query=``,
  POST form ``query=``, POST ``application/sparql-query``), results chosen by
  ``Accept`` (or a ``format``/``output`` parameter);
* ``/``: the HTML view; ``/graph.ttl``, ``/graph.nt``, ``/graph.jsonld``: downloads;
* ``/query``: a small form listing the ready-made queries.

The server is read-only by construction: it only ever calls
``Store.query``, never ``Store.update``, and refuses SPARQL Update requests
and methods other than GET/HEAD/POST with a 4xx. Every query runs on a
bounded worker pool with a time limit and a result-size limit. Only
pyoxigraph is imported at module level (the query layer); networkx, rdflib
and pyvis are loaded only to generate a missing view or download at start.
This module prints nothing: requests are logged on the ``kg.serve`` logger.
"""

from __future__ import annotations

import csv
import html
import io
import json
import logging
import queue
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from kg.errors import InputError, QueryError, QueryTimeout
from kg.query import ReadyQuery, check_read_only, list_queries, open_store

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
MAX_BODY_BYTES = 1_000_000
MAX_QUERY_CHARS = 100_000

#: route -> (file name in an outputs/ folder, media type)
DOWNLOADS: dict[str, tuple[str, str]] = {
    "/graph.ttl": ("graph.ttl", "text/turtle; charset=utf-8"),
    "/graph.nt": ("graph.nt", "application/n-triples; charset=utf-8"),
    "/graph.jsonld": ("graph.jsonld", "application/ld+json; charset=utf-8"),
}
_RDF_SUFFIXES = (".nt", ".ttl", ".jsonld")

# -- result formats ----------------------------------------------------------------------------

#: result format name -> media type sent back
RESULT_MEDIA: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples; charset=utf-8",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
#: media types a client may ask for -> (format for SELECT/ASK, format for CONSTRUCT/DESCRIBE)
_ACCEPT: dict[str, tuple[str | None, str | None]] = {
    "application/sparql-results+json": ("json", None),
    "application/json": ("json", "jsonld"),
    "text/javascript": ("json", None),
    "application/javascript": ("json", None),
    "application/sparql-results+xml": ("xml", None),
    "application/xml": ("xml", "rdfxml"),
    "text/xml": ("xml", "rdfxml"),
    "text/csv": ("csv", None),
    "text/tab-separated-values": ("tsv", None),
    "text/turtle": (None, "turtle"),
    "application/turtle": (None, "turtle"),
    "application/x-turtle": (None, "turtle"),
    "application/n-triples": (None, "nt"),
    "text/plain": (None, "nt"),
    "application/rdf+xml": (None, "rdfxml"),
    "application/ld+json": (None, "jsonld"),
    "application/x-json+ld": (None, "jsonld"),
}
#: values of the ``format``/``output`` parameter -> (SELECT/ASK format, CONSTRUCT format)
_FORMAT_PARAM: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "html": ("html", "turtle"),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "nt": (None, "nt"),
    "ntriples": (None, "nt"),
    "rdf+xml": (None, "rdfxml"),
    "json-ld": (None, "jsonld"),
    **_ACCEPT,
}
_RDF_OUT: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SYNTAX_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)


_RESULT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL results</title>
<style>body{{font-family:sans-serif;margin:1em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}}</style>
</head><body><p><a href="/query">New query</a> &middot; {count} result(s)</p>
{table}
</body></html>
"""
_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"


def choose_format(kind: str, accept: str | None, param: str | None) -> str:
    """Pick the result format for a query of ``kind`` from a format parameter or an Accept header.

    The ``format``/``output`` parameter (as SPARQLWrapper and browsers send
    it) wins over ``Accept``; among Accept entries the highest ``q`` wins,
    earlier on ties. Anything unknown falls back to SPARQL JSON (SELECT/ASK)
    or Turtle (CONSTRUCT/DESCRIBE) rather than failing.

    Args:
        kind: ``"solutions"``, ``"boolean"`` or ``"graph"``.
        accept: the Accept header.
        param: the ``format`` or ``output`` parameter.

    >>> choose_format("solutions", "text/csv;q=0.5, application/sparql-results+xml", None)
    'xml'
    >>> choose_format("graph", "*/*", None)
    'turtle'
    >>> choose_format("solutions", "text/html", "tsv")
    'tsv'
    """
    index = 1 if kind == "graph" else 0
    default = "turtle" if kind == "graph" else "json"
    if param:
        choice = _FORMAT_PARAM.get(param.strip().lower())
        chosen = choice[index] if choice else None
        if chosen:
            return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept or "").split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for item in params.split(";"):
            key, _, value = item.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        choice = _ACCEPT.get(media.strip().lower())
        chosen = choice[index] if choice else None
        if q > 0 and chosen:
            ranked.append((-q, position, chosen))
    return min(ranked)[2] if ranked else default


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    return {"type": "literal", "value": str(term)}


def _term_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = "".join(
            f"<{name}>{_term_xml(getattr(term, name))}</{name}>" for name in ("subject", "predicate", "object")
        )
        return f"<triple>{parts}</triple>"
    return f"<literal>{xml_escape(str(term))}</literal>"


def _term_csv(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def serialize_solutions(variables: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    """Write SELECT results in a SPARQL 1.1 results format (JSON, XML, CSV or TSV).

    Args:
        variables: the projected variable names, without ``?``.
        rows: one list per solution, aligned with ``variables``; ``None`` for unbound.
        fmt: ``"json"``, ``"xml"``, ``"csv"`` or ``"tsv"``.

    >>> serialize_solutions(["x", "y"], [[ox.Literal("a,b"), None]], "csv")
    b'x,y\\r\\n"a,b",\\r\\n'
    """
    if fmt == "json":
        bindings = [{v: _term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>")
        out.append("<results>")
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>" for v, t in zip(variables, row) if t is not None
            )
            out.append(f"<result>{cells}</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_term_csv(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "html":
        head = "".join(f"<th>?{html.escape(v)}</th>" for v in variables)
        body = "\n".join(
            "<tr>" + "".join(f"<td>{html.escape(_term_csv(t))}</td>" for t in row) + "</tr>" for row in rows
        )
        return _RESULT_PAGE.format(count=len(rows), table=f"<table><tr>{head}</tr>\n{body}</table>").encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {fmt!r}")


def serialize_boolean(value: bool, fmt: str) -> bytes:
    """Write an ASK result (JSON or XML; CSV and TSV get a bare ``true``/``false`` line).

    >>> serialize_boolean(True, "json")
    b'{"head": {}, "boolean": true}'
    """
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    if fmt == "html":
        return _RESULT_PAGE.format(count=1, table=f"<p>{'true' if value else 'false'}</p>").encode("utf-8")
    return b"true\n" if value else b"false\n"


# -- query execution ---------------------------------------------------------------------------


@dataclass
class QueryAnswer:
    """What a query produced, ready to send: body, media type and whether it was cut at the size limit."""

    body: bytes
    media_type: str
    truncated: bool = False
    count: int = 0


def syntax_error(exc: BaseException) -> QueryError:
    """Turn pyoxigraph's ``SyntaxError`` into a :class:`QueryError` with line and column.

    >>> str(syntax_error(SyntaxError("error at 1:25: expected one of LATERAL")))
    'query error at line 1, column 25: expected one of LATERAL'
    """
    message = str(exc.args[0] if exc.args else exc)
    m = _SYNTAX_POSITION.match(message)
    if m:
        return QueryError(m.group(3).strip(), line=int(m.group(1)), column=int(m.group(2)))
    return QueryError(message)


class WorkerPool:
    """A fixed set of daemon threads that run submitted calls and report through futures.

    Unlike :class:`concurrent.futures.ThreadPoolExecutor`, whose threads are
    joined when the interpreter exits, these are daemon threads: a query
    that pyoxigraph cannot interrupt does not keep ``kg serve`` from
    stopping on Ctrl-C.
    """

    def __init__(self, workers: int, *, name: str = "kg-query") -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self._threads = [
            threading.Thread(target=self._loop, name=f"{name}-{i}", daemon=True) for i in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Queue ``fn(*args)``; the future can be cancelled while it waits."""
        future: Future[Any] = Future()
        self._queue.put((future, fn, args))
        return future

    def _loop(self) -> None:
        while (item := self._queue.get()) is not None:
            future, fn, args = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
                future.set_exception(exc)

    def close(self, *, wait: bool = False) -> None:
        """Stop the threads once the queued calls are done; with ``wait``, wait for them."""
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for thread in self._threads:
                thread.join()


class QueryRunner:
    """Runs read-only queries on a shared store, each with a time and result-size limit.

    Queries run on a bounded thread pool, so a runaway query cannot take more
    than ``workers`` threads. A query that overruns gets :class:`QueryTimeout`
    at once; its worker stops at the next solution it reads. pyoxigraph cannot
    interrupt the part of a query that runs before the first solution (a big
    ``ORDER BY`` or ``GROUP BY``): such a query keeps its worker busy until it
    finishes, later queries queue behind it and time out in turn.
    """

    def __init__(self, store: ox.Store, *, timeout: float | None, max_results: int, workers: int = 4) -> None:
        self.store = store
        self.timeout = timeout
        self.max_results = max_results
        self._pool = WorkerPool(workers)

    def run(self, sparql: str, *, accept: str | None = None, format: str | None = None) -> QueryAnswer:
        """Run ``sparql`` and serialise its result in the format the client asked for.

        Raises:
            QueryError: the query does not parse, is an update, or fails.
            QueryTimeout: the time limit passed.
        """
        check_read_only(sparql)
        cancel = threading.Event()
        future: Future[QueryAnswer] = self._pool.submit(self._execute, sparql, accept, format, cancel)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            cancel.set()
            future.cancel()
            raise QueryTimeout(f"the query ran longer than the time limit of {self.timeout:g} s") from None

    def _execute(self, sparql: str, accept: str | None, fmt_param: str | None, cancel: threading.Event) -> QueryAnswer:
        # pyoxigraph's result iterators are "unsendable": they must be dropped on the
        # thread that made them. ``del result`` in ``finally`` frees the iterator here
        # even when an exception (whose traceback keeps this frame) goes to the
        # request thread, where a later garbage collection would otherwise drop it.
        started = time.monotonic()
        try:
            result = self.store.query(sparql)
        except SyntaxError as exc:
            raise syntax_error(exc) from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(str(exc)) from None
        try:
            if isinstance(result, ox.QueryBoolean):
                fmt = choose_format("boolean", accept, fmt_param)
                if fmt not in ("json", "xml", "csv", "tsv", "html"):
                    fmt = "json"
                return QueryAnswer(serialize_boolean(bool(result), fmt), RESULT_MEDIA[fmt], count=1)
            kind = "graph" if isinstance(result, ox.QueryTriples) else "solutions"
            fmt = choose_format(kind, accept, fmt_param)
            variables = [v.value for v in result.variables] if isinstance(result, ox.QuerySolutions) else []
            items: list[Any] = []
            truncated = False
            try:
                for item in result:
                    if cancel.is_set():  # the client already got its 503
                        return QueryAnswer(b"", RESULT_MEDIA[fmt])
                    if len(items) >= self.max_results:
                        truncated = True
                        break
                    items.append(item if kind == "graph" else [item[v] for v in variables])
            except (OSError, ValueError, RuntimeError) as exc:
                raise QueryError(str(exc)) from None
        finally:
            del result
        if kind == "graph":
            body = ox.serialize(items, format=_RDF_OUT[fmt]) if items else b""
        else:
            body = serialize_solutions(variables, items, fmt)
        log.debug("query answered %d results in %.3f s", len(items), time.monotonic() - started)
        return QueryAnswer(body or b"", RESULT_MEDIA[fmt], truncated=truncated, count=len(items))

    def close(self, *, wait: bool = False) -> None:
        """Stop the workers; a running query finishes in the background unless ``wait``."""
        self._pool.close(wait=wait)


# -- loading -----------------------------------------------------------------------------------


@dataclass
class ServedGraph:
    """The store and the files the server hands out, made once at start."""

    store: ox.Store
    files: dict[str, Path] = field(default_factory=dict)
    queries: list[ReadyQuery] = field(default_factory=list)
    triples: int = 0
    tmpdir: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        """Remove the files generated at start."""
        if self.tmpdir is not None:
            self.tmpdir.cleanup()
            self.tmpdir = None


def open_graph(path: str | Path) -> ServedGraph:
    """Load an ``outputs/`` folder or a graph file for serving.

    The store is filled from ``graph.nt`` (fastest to parse), else
    ``graph.ttl`` or ``graph.jsonld``; a node-link ``graph.json`` or
    ``extractions.jsonl`` is converted through :mod:`kg.api`. Downloads and the
    HTML view that the folder lacks are generated into a temporary folder.

    Raises:
        InputError: the path is missing or holds no graph.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("file or folder not found", path=p)
    tmp = tempfile.TemporaryDirectory(prefix="kg-serve-")
    try:
        served = _open(p, Path(tmp.name))
    except BaseException:
        tmp.cleanup()
        raise
    served.tmpdir = tmp
    return served


def _open(p: Path, tmp: Path) -> ServedGraph:
    folder = p if p.is_dir() else None
    existing: dict[str, Path] = {}
    if folder is not None:
        for route, (name, _) in DOWNLOADS.items():
            if (folder / name).is_file():
                existing[route] = folder / name
        if (folder / "graph.html").is_file():
            existing["/"] = folder / "graph.html"
        rdf_source = next((existing[r] for r in ("/graph.nt", "/graph.ttl", "/graph.jsonld") if r in existing), None)
    else:
        rdf_source = p if p.suffix.lower() in _RDF_SUFFIXES else None
        if rdf_source is not None:
            existing["/graph" + p.suffix.lower()] = p

    kgraph = None
    if rdf_source is None:
        from kg.api import load

        kgraph = load(p)
        rdf_source = kgraph.save(tmp / "graph.nt")
        existing["/graph.nt"] = rdf_source

    store = open_store(rdf_source)
    files = dict(existing)
    missing = [route for route in (*DOWNLOADS, "/") if route not in files]
    if missing:
        if kgraph is None:
            from kg.api import load

            kgraph = load(p)
        for route in missing:
            if route == "/":
                files[route] = tmp / "graph.html"
                kgraph.to_html(files[route])
            else:
                files[route] = kgraph.save(tmp / DOWNLOADS[route][0])
        log.debug("generated %s", ", ".join(missing))
    return ServedGraph(store=store, files=files, queries=list_queries(), triples=len(store))


# -- HTTP --------------------------------------------------------------------------------------

_QUERY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL query</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
textarea{{width:100%;font-family:monospace}}pre{{background:#f4f4f4;padding:.5em;overflow:auto}}</style>
</head><body>
<h1>SPARQL query</h1>
<p>{triples} triples. Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, read-only).
<a href="/">Graph view</a> &middot; downloads: <a href="/graph.ttl">Turtle</a>,
<a href="/graph.nt">N-Triples</a>, <a href="/graph.jsonld">JSON-LD</a></p>
<form method="post" action="/sparql">
<textarea name="query" rows="14">{query}</textarea>
<p><label>Results as <select name="format">
<option value="html">HTML table</option>
<option value="json">SPARQL JSON</option><option value="xml">SPARQL XML</option>
<option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="turtle">Turtle (CONSTRUCT)</option></select></label>
<button type="submit">Run</button></p>
</form>
<h2>Ready-made queries</h2>
{ready}
</body></html>
"""
_DEFAULT_QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"


def query_page(queries: Sequence[ReadyQuery], *, selected: str | None = None, triples: int = 0) -> bytes:
    """Render the ``/query`` page; every query name, description and text is HTML-escaped.

    Args:
        queries: the ready-made queries to list (see :func:`kg.query.list_queries`).
        selected: name of the query to put in the form (the first when ``None`` or unknown).
        triples: size of the graph, shown on the page.

    >>> q = ReadyQuery(name="x", description="<b>bold</b>", params=(), text="SELECT * { ?s ?p '<script>' }")
    >>> page = query_page([q])
    >>> b"&lt;script&gt;" in page, b"<script>" in page
    (True, False)
    """
    chosen = next((q for q in queries if q.name == selected), queries[0] if queries else None)
    rows = []
    for q in queries:
        link = f"/query?name={quote(q.name)}"
        rows.append(
            f'<li><a href="{html.escape(link)}">{html.escape(q.name)}</a>: {html.escape(q.description)}</li>'
        )
    ready = "<ul>\n" + "\n".join(rows) + "\n</ul>" if rows else "<p>(none)</p>"
    text = chosen.text if chosen is not None else _DEFAULT_QUERY
    return _QUERY_PAGE.format(triples=triples, query=html.escape(text), ready=ready).encode("utf-8")


class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server that owns the served graph and the query runner.

    At most ``max_connections`` requests are handled at once; a connection
    beyond that gets an immediate 503 instead of a new thread.
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        graph: ServedGraph,
        runner: QueryRunner,
        *,
        max_connections: int = 64,
    ) -> None:
        self.graph = graph
        self.runner = runner
        self._slots = threading.BoundedSemaphore(max_connections)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SparqlRequestHandler)

    @property
    def url(self) -> str:
        """The base URL the server listens on, e.g. ``http://127.0.0.1:8000/``."""
        host, port = self.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        """Answer 503 at once when every connection slot is taken, so a flood cannot exhaust threads."""
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(2)
                request.sendall(
                    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                    b"Retry-After: 1\r\nContent-Length: 12\r\nConnection: close\r\n\r\nserver busy\n"
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Handle one request in its thread and always give its connection slot back."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a handler's crash through ``logging`` instead of printing a traceback to stderr."""
        log.exception("error while handling a request from %s", client_address[0] if client_address else "?")

    def server_close(self) -> None:
        """Close the socket, then the query runner and the graph store it serves."""
        super().server_close()
        self.runner.close()
        self.graph.close()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _first(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


class SparqlRequestHandler(BaseHTTPRequestHandler):
    """Routes requests; GET, HEAD and POST only."""

    server: SparqlServer
    server_version = "kg-serve"
    timeout = 30  # seconds a client may take to send its request

    # -- plumbing -----------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        """Log a request line through ``logging``, control characters escaped and long queries cut."""
        message = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", format % args)  # no terminal escapes
        if len(message) > 300:  # a long GET query would flood the log
            message = message[:240] + " ... " + message[-40:]
        log.info("%s %s", self.address_string(), message)

    def _send_headers(
        self, status: int, media_type: str, length: int, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _send(self, status: int, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> None:
        self._send_headers(status, media_type, len(body), headers)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, (message.rstrip() + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _send_file(self, path: Path, media_type: str) -> None:
        self._send_headers(HTTPStatus.OK, media_type, path.stat().st_size)
        if self.command != "HEAD":
            with path.open("rb") as handle:
                shutil.copyfileobj(handle, self.wfile)

    # -- methods ------------------------------------------------------------------------------

    def do_GET(self) -> None:
        """Route a GET (or HEAD): the SPARQL endpoint, the HTML view, downloads, the query page."""
        url = urlsplit(self.path)
        route = url.path
        try:
            if route == "/sparql":
                params = parse_qs(url.query, keep_blank_values=True)
                self._sparql(params)
            elif route in ("/", "/index.html", "/graph.html"):
                self._send_file(self.server.graph.files["/"], "text/html; charset=utf-8")
            elif route in DOWNLOADS:
                self._send_file(self.server.graph.files[route], DOWNLOADS[route][1])
            elif route == "/query":
                name = _first(parse_qs(url.query), "name")
                self._send(
                    HTTPStatus.OK,
                    query_page(self.server.graph.queries, selected=name, triples=self.server.graph.triples),
                    "text/html; charset=utf-8",
                    {"Content-Security-Policy": _PAGE_CSP},
                )
            else:
                self._error(HTTPStatus.NOT_FOUND, f"not found: {route}")
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        """Answer a SPARQL Protocol POST to ``/sparql``; any other route gets 405."""
        route = urlsplit(self.path).path
        if route != "/sparql":
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql accepts POST", {"Allow": "GET, HEAD"})
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self._error(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length header")
            return
        try:
            length = int(length_header)
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length header")
            return
        if length < 0 or length > MAX_BODY_BYTES:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY_BYTES} bytes")
            return
        body = self.rfile.read(length)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8")
            return
        query_params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        try:
            if media == "application/x-www-form-urlencoded":
                params = parse_qs(text, keep_blank_values=True)
                for key, values in query_params.items():
                    params.setdefault(key, values)
                self._sparql(params)
            elif media == "application/sparql-query":
                query_params["query"] = [text]
                self._sparql(query_params)
            elif media == "application/sparql-update":
                self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is not accepted")
            else:
                self._error(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "POST application/x-www-form-urlencoded (query=...) or application/sparql-query",
                )
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away")

    def _refuse_method(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only server: use GET or POST", {"Allow": "GET, HEAD, POST"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method

    # -- SPARQL -------------------------------------------------------------------------------

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is not accepted")
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one non-empty 'query' parameter")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._error(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not supported")
            return
        sparql = queries[0]
        if len(sparql) > MAX_QUERY_CHARS:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"query over {MAX_QUERY_CHARS} characters")
            return
        fmt = _first(params, "format") or _first(params, "output")
        try:
            check_read_only(sparql)
        except QueryError as exc:
            self._error(HTTPStatus.FORBIDDEN, f"this endpoint is read-only: {exc}")
            return
        try:
            answer = self.server.runner.run(sparql, accept=self.headers.get("Accept"), format=fmt)
        except QueryTimeout as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), {"Retry-After": "5"})
            return
        except QueryError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        except RuntimeError as exc:  # the pool was shut down under us
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, f"server is stopping ({exc})")
            return
        headers = {"Cache-Control": "no-store"}
        if answer.truncated:
            headers["X-KG-Results-Truncated"] = str(self.server.runner.max_results)
        if answer.media_type.startswith("text/html"):
            headers["Content-Security-Policy"] = _PAGE_CSP
        self._send(HTTPStatus.OK, answer.body, answer.media_type, headers)


# -- entry points ------------------------------------------------------------------------------


def make_server(
    path: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_results: int = DEFAULT_MAX_RESULTS,
    workers: int = 4,
    max_connections: int = 64,
) -> SparqlServer:
    """Load the graph at ``path`` and bind a server to ``host:port`` (not yet serving).

    Call ``serve_forever()`` on the result (in a thread, in tests), then
    ``shutdown()`` and ``server_close()``.

    Args:
        path: an ``outputs/`` folder or a graph file (.nt, .ttl, .jsonld, .json, .jsonl).
        host: interface to listen on; loopback by default.
        port: TCP port; 0 picks a free one (read it from ``server.url``).
        timeout: seconds a query may run; no limit when ``None``.
        max_results: most solutions or triples a response holds; more are cut off
            and the ``X-KG-Results-Truncated`` header is set.
        workers: queries run at the same time.
        max_connections: requests handled at the same time.

    Raises:
        InputError: the graph cannot be loaded.
        OSError: the address cannot be bound.
    """
    if max_results < 1:
        raise ValueError("max_results must be at least 1")
    if timeout is not None and timeout <= 0:
        raise ValueError("timeout must be positive")
    graph = open_graph(path)
    runner = QueryRunner(graph.store, timeout=timeout, max_results=max_results, workers=workers)
    try:
        return SparqlServer((host, port), graph, runner, max_connections=max_connections)
    except BaseException:
        runner.close()
        graph.close()
        raise


def serve(
    path: str | Path,
    *,
    ready: Callable[[SparqlServer], None] | None = None,
    **options: Any,
) -> None:
    """Serve the graph at ``path`` until interrupted (Ctrl-C) and then close cleanly.

    Args:
        path: an ``outputs/`` folder or a graph file.
        ready: called with the bound server before serving starts (the CLI prints its URL).
        **options: passed to :func:`make_server`.
    """
    server = make_server(path, **options)
    try:
        log.debug("serving %s (%d triples) at %s", path, server.graph.triples, server.url)
        if ready is not None:
            ready(server)
        server.serve_forever()
    finally:
        server.server_close()


__all__ = [
    "QueryRunner",
    "ServedGraph",
    "SparqlServer",
    "choose_format",
    "make_server",
    "open_graph",
    "query_page",
    "serialize_boolean",
    "serialize_solutions",
    "serve",
]
