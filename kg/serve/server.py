"""The HTTP side of ``kg serve``: routes, the SPARQL 1.1 Protocol, limits per request, on the standard library.

Queries are not run here: :class:`kg.query.QueryPool` runs each in a worker
process with the graph open read-only, kills it at the time limit and
replaces it, so neither a slow query nor a crashing one can take the server
down or keep its workers busy. This module parses requests, negotiates the
format (:mod:`kg.serve.negotiate`), sends answers, and keeps slow clients
from holding every connection (:mod:`kg.serve.guard`). Routes:

* ``/sparql``: the SPARQL 1.1 Protocol query operation (GET ``?query=``,
  POST form ``query=``, POST ``application/sparql-query``); fetched without
  a query, the SPARQL 1.1 Service Description (:mod:`kg.serve.describe`);
* ``/sparql`` opened by a browser (``Accept: text/html``, no query): the
  YASGUI query editor (:mod:`kg.serve.editor`), its files under ``/yasgui/``;
* ``/``: the HTML view; ``/graph.ttl``, ``/graph.nt``, ``/graph.jsonld``: downloads;
* ``/query``: a form listing the ready-made queries.

The server is read-only by construction: its workers open the store
read-only and run only queries; SPARQL Update, ``SERVICE`` and methods other
than GET/HEAD/POST/OPTIONS get a 4xx. Browser clients on other origins may
use it: every answer allows any origin (``Access-Control-Allow-Origin: *``,
no credentials, so no cookie or login is ever shared) and ``OPTIONS``
answers the CORS preflight. Answers are gzip-compressed when the client
accepts it, and an ``Accept`` the server cannot satisfy gets 406. This
module prints nothing: requests are logged on the ``kg.serve`` logger.
"""

from __future__ import annotations

import gzip
import logging
import re
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.errors import InputError, QueryError, QueryRefused, QueryTimeout
from kg.query import GRAPH_FORMATS, RESULT_FORMATS, QueryPool, QueryResult, list_queries, serialize_result
from kg.query.results import convert_turtle
from kg.query.syntax import MAX_QUERY_CHARS
from kg.query.worker import WorkerDied
from kg.serve.describe import service_description
from kg.serve.editor import EDITOR_CSP, EDITOR_FILES, editor_file, editor_page, wants_html
from kg.serve.graph import DOWNLOADS, VIEW_ROUTE, ServedGraph, open_graph
from kg.serve.guard import ConnectionGuard, Ticket
from kg.serve.negotiate import RESULT_MEDIA, choose_format, weighted_items
from kg.serve.pages import PAGE_CSP, query_page, result_page

log = logging.getLogger("kg.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_WORKERS = 4
DEFAULT_MAX_CONNECTIONS = 64
#: seconds a client has to send its whole request (line, headers and body)
DEFAULT_REQUEST_TIMEOUT = 10.0
MAX_BODY_BYTES = 1_000_000
_CHUNK = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: smallest body worth compressing, in bytes (below it gzip's header costs more than it saves)
GZIP_MIN_BYTES = 1024
#: headers every answer carries so that browser clients on any origin can read it
CORS_HEADERS: dict[str, str] = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-KG-Results-Truncated, Content-Length, Content-Type",
}
#: what the CORS preflight allows: the SPARQL Protocol's methods and the headers its clients send
PREFLIGHT_HEADERS: dict[str, str] = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type, Accept-Encoding",
    "Access-Control-Max-Age": "600",
}


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip (``q=0`` refuses it).

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br;q=1, gzip;q=0"), accepts_gzip("*"), accepts_gzip(None)
    (True, False, True, False)
    """
    for coding, q in weighted_items(header):
        if coding in ("gzip", "x-gzip", "*"):
            return q > 0
    return False


class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server that owns the served graph, the query pool and the connection guard.

    At most ``max_connections`` connections are handled at once; a new one
    takes the place of the slowest connection still sending its request, and
    gets an immediate 503 only when every connection is busy with real work.
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        graph: ServedGraph,
        pool: QueryPool,
        *,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        self.graph = graph
        self.pool = pool
        self.guard = ConnectionGuard(max_connections, request_timeout)
        self.queries = list_queries()
        self._handlers = 0  # handler threads alive, evicted ones included until they notice
        self._handlers_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        try:
            super().__init__(address, SparqlRequestHandler)
        except BaseException:
            self.guard.close()
            raise

    @property
    def url(self) -> str:
        """The base URL the server listens on, e.g. ``http://127.0.0.1:8000/``."""
        host, port = self.server_address[:2]
        if isinstance(host, bytes):
            host = host.decode()
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}/"

    def process_request(self, request: Any, client_address: Any) -> None:
        """Admit the connection (evicting a slow one if need be), or answer 503 at once."""
        with self._handlers_lock:
            overloaded = self._handlers >= 2 * self.guard.max_connections  # evicted threads not gone yet
        ticket = None if overloaded else self.guard.admit(request)
        if ticket is None:
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
        with self._handlers_lock:
            self._handlers += 1
        try:
            super().process_request(request, client_address)
        except BaseException:
            with self._handlers_lock:
                self._handlers -= 1
            self.guard.release(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Handle one connection in its thread and always give its slot back."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.guard.release(request)
            with self._handlers_lock:
                self._handlers -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a handler's crash through ``logging`` instead of printing a traceback to stderr."""
        log.exception("error while handling a request from %s", client_address[0] if client_address else "?")

    def server_close(self) -> None:
        """Close the socket, then the guard, the query workers and the generated files."""
        super().server_close()
        self.guard.close()
        self.pool.close()
        self.graph.close()


def _first(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


class SparqlRequestHandler(BaseHTTPRequestHandler):
    """Routes requests; GET, HEAD and POST only."""

    server: SparqlServer
    server_version = "kg-serve"
    ticket: Ticket | None = None

    # -- plumbing -----------------------------------------------------------------------------

    def setup(self) -> None:
        """Bound each read by the request timeout (the guard bounds the whole request) and find the ticket."""
        self.timeout = self.server.guard.request_timeout  # type: ignore[misc]  # per connection, by design
        super().setup()
        self.ticket = self.server.guard.ticket(self.request)

    def _enter(self, phase: Any) -> bool:
        """Move this connection to ``phase``; ``False`` if it was evicted meanwhile (then do nothing more)."""
        if self.ticket is None:
            return True
        if self.ticket.evicted:
            self.close_connection = True
            return False
        self.ticket.enter(phase)
        return True

    def log_message(self, format: str, *args: Any) -> None:
        """Log a request line through ``logging``, control characters escaped and long queries cut."""
        message = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", format % args)  # no terminal escapes
        if len(message) > 300:  # a long GET query would flood the log
            message = message[:240] + " ... " + message[-40:]
        log.info("%s %s", self.address_string(), message)

    def _send_headers(self, status: int, media_type: str, length: int, headers: dict[str, str] | None = None) -> None:
        self._enter("sending")
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in {**CORS_HEADERS, **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()

    def _send(self, status: int, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> None:
        headers = dict(headers or {})
        headers["Vary"] = "Accept, Accept-Encoding"
        if len(body) >= GZIP_MIN_BYTES and accepts_gzip(self.headers.get("Accept-Encoding")):
            body = gzip.compress(body, compresslevel=6, mtime=0)  # mtime 0: the same answer gives the same bytes
            headers["Content-Encoding"] = "gzip"
        self._send_headers(status, media_type, len(body), headers)
        if self.command != "HEAD":
            view = memoryview(body)
            for start in range(0, len(body), _CHUNK):  # each write is bounded by the socket timeout
                self.wfile.write(view[start : start + _CHUNK])

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, (message.rstrip() + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _send_file(self, route: str, media_type: str) -> None:
        try:
            path = self.server.graph.file(route)
        except InputError as exc:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot make this file: {exc}")
            return
        self._send_headers(HTTPStatus.OK, media_type, path.stat().st_size)
        if self.command != "HEAD":
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    self.wfile.write(chunk)

    # -- methods ------------------------------------------------------------------------------

    def do_GET(self) -> None:
        """Route a GET (or HEAD): the SPARQL endpoint, the HTML view, downloads, the query page."""
        if not self._enter("working"):
            return
        url = urlsplit(self.path)
        route = url.path
        try:
            if route == "/sparql":
                self._sparql(parse_qs(url.query, keep_blank_values=True))
            elif route in (VIEW_ROUTE, "/index.html", "/graph.html"):
                self._send_file(VIEW_ROUTE, "text/html; charset=utf-8")
            elif route in DOWNLOADS:
                self._send_file(route, DOWNLOADS[route][1])
            elif route in EDITOR_FILES:
                self._send(HTTPStatus.OK, editor_file(route), EDITOR_FILES[route][1], {"Cache-Control": "max-age=3600"})
            elif route == "/query":
                name = _first(parse_qs(url.query), "name")
                page = query_page(self.server.queries, selected=name, triples=self.server.graph.triples)
                self._send(HTTPStatus.OK, page, "text/html; charset=utf-8", {"Content-Security-Policy": PAGE_CSP})
            else:
                self._error(HTTPStatus.NOT_FOUND, f"not found: {route}")
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            log.debug("client went away")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        """Answer a SPARQL Protocol POST to ``/sparql``; any other route gets 405."""
        try:
            self._post()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            log.debug("client went away")

    def _post(self) -> None:
        route = urlsplit(self.path).path
        if route != "/sparql":
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql accepts POST", {"Allow": "GET, HEAD"})
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            self._error(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length header")
            return
        try:
            length = int(length_header.strip())
        except ValueError:
            length = -1
        if length < 0 or not length_header.strip().isdigit():
            self._error(HTTPStatus.BAD_REQUEST, f"bad Content-Length header {length_header[:40]!r}")
            return
        if length > MAX_BODY_BYTES:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY_BYTES} bytes")
            return
        body = self.rfile.read(length)
        if not self._enter("working"):
            return
        if len(body) < length:
            self._error(HTTPStatus.BAD_REQUEST, "the request body ended early")
            return
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8")
            return
        query_params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
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

    def _refuse_method(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only server: use GET or POST", {"Allow": "GET, HEAD, POST"})

    do_PUT = do_DELETE = do_PATCH = do_TRACE = do_CONNECT = _refuse_method

    def do_OPTIONS(self) -> None:
        """Answer a CORS preflight (or a plain OPTIONS): which methods and headers a client may use."""
        if not self._enter("working"):
            return
        allow = "GET, HEAD, POST, OPTIONS" if urlsplit(self.path).path == "/sparql" else "GET, HEAD, OPTIONS"
        try:
            self._send_headers(HTTPStatus.NO_CONTENT, "text/plain", 0, {"Allow": allow, **PREFLIGHT_HEADERS})
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            log.debug("client went away")

    # -- SPARQL -------------------------------------------------------------------------------

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is not accepted")
            return
        queries = params.get("query", [])
        if not queries and self.command in ("GET", "HEAD") and wants_html(self.headers.get("Accept")):
            page = editor_page(self.server.queries)
            self._send(HTTPStatus.OK, page, "text/html; charset=utf-8", {"Content-Security-Policy": EDITOR_CSP})
            return
        if not queries and self.command in ("GET", "HEAD"):
            self._describe(_first(params, "format") or _first(params, "output"))
            return
        if len(queries) != 1 or not queries[0].strip():
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one non-empty 'query' parameter")
            return
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            self._error(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not supported")
            return
        sparql = queries[0]
        if len(sparql) > MAX_QUERY_CHARS:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"query over {MAX_QUERY_CHARS:,} characters")
            return
        try:
            result = self.server.pool.run(sparql)
        except QueryRefused as exc:
            self._error(HTTPStatus.FORBIDDEN, f"this endpoint is read-only and offline: {exc}")
            return
        except QueryTimeout as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), {"Retry-After": "5"})
            return
        except WorkerDied as exc:
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
            return
        except QueryError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        self._answer(result, _first(params, "format") or _first(params, "output"))

    def _not_acceptable(self, kind: str) -> None:
        formats = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
        media = ", ".join(RESULT_MEDIA[f].split(";")[0] for f in formats)
        accept = _CONTROL.sub("?", (self.headers.get("Accept") or "")[:200])
        self._error(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer with Accept: {accept}; this answer is available as {media}")

    def _describe(self, fmt_param: str | None) -> None:
        """Send the SPARQL 1.1 Service Description (``/sparql`` fetched without a query)."""
        fmt = choose_format("graph", self.headers.get("Accept"), fmt_param)
        if fmt is None:
            self._not_acceptable("graph")
            return
        if fmt not in GRAPH_FORMATS:
            fmt = "turtle"
        text = service_description(self.server.url + "sparql", self.server.graph.triples)
        self._send(HTTPStatus.OK, convert_turtle(text, fmt), RESULT_MEDIA[fmt])

    def _answer(self, result: QueryResult, fmt_param: str | None) -> None:
        fmt = choose_format(result.kind, self.headers.get("Accept"), fmt_param)
        if fmt is None:
            self._not_acceptable(result.kind)
            return
        headers = {"Cache-Control": "no-store"}
        if result.truncated:
            headers["X-KG-Results-Truncated"] = str(self.server.pool.max_results)
        if fmt == "html":
            headers["Content-Security-Policy"] = PAGE_CSP
            self._send(HTTPStatus.OK, result_page(result), RESULT_MEDIA["html"], headers)
            return
        allowed = GRAPH_FORMATS if result.kind == "graph" else RESULT_FORMATS
        if fmt not in allowed:
            fmt = "turtle" if result.kind == "graph" else "json"
        try:
            body = serialize_result(result, fmt)
        except QueryError as exc:
            self._error(HTTPStatus.NOT_ACCEPTABLE, str(exc))
            return
        self._send(HTTPStatus.OK, body, RESULT_MEDIA[fmt], headers)


# -- entry points ------------------------------------------------------------------------------


def make_server(
    path: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_results: int = DEFAULT_MAX_RESULTS,
    workers: int = DEFAULT_WORKERS,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
) -> SparqlServer:
    """Load the graph at ``path``, start the query workers and bind a server to ``host:port`` (not yet serving).

    Call ``serve_forever()`` on the result (in a thread, in tests), then
    ``shutdown()`` and ``server_close()``.

    Args:
        path: an output folder (its ``graph.oxigraph/`` store is opened
            read-only) or a graph file (.nt, .ttl, .jsonld, .json, .jsonl).
        host: interface to listen on; loopback by default.
        port: TCP port; 0 picks a free one (read it from ``server.url``).
        timeout: seconds a query may take, waiting for a worker included; no limit when ``None``.
        max_results: most solutions or triples a response holds; more are cut off
            and the ``X-KG-Results-Truncated`` header is set.
        workers: query worker processes (queries that run at the same time).
        max_connections: connections handled at the same time.
        request_timeout: seconds a client has to send its whole request.

    Raises:
        InputError: the graph cannot be loaded.
        OSError: the address cannot be bound.
    """
    if max_results < 1:
        raise ValueError("max_results must be at least 1")
    if timeout is not None and timeout <= 0:
        raise ValueError("timeout must be positive")
    if request_timeout <= 0:
        raise ValueError("request_timeout must be positive")
    graph = open_graph(path)
    try:
        pool = QueryPool(graph.spec, workers=workers, timeout=timeout, max_results=max_results)
    except BaseException:
        graph.close()
        raise
    try:
        server = SparqlServer(
            (host, port), graph, pool, max_connections=max_connections, request_timeout=request_timeout
        )
    except BaseException:
        pool.close()
        graph.close()
        raise
    if graph.triples is None:  # an existing store: count in the background (it reads every triple)

        def count() -> None:
            try:
                graph.triples = pool.count()
            except Exception:  # the page shows no count then
                log.debug("could not count the triples", exc_info=True)

        threading.Thread(target=count, name="kg-serve-count", daemon=True).start()
    return server


def serve(
    path: str | Path,
    *,
    ready: Callable[[SparqlServer], None] | None = None,
    **options: Any,
) -> None:
    """Serve the graph at ``path`` until interrupted (Ctrl-C) and then close cleanly.

    Args:
        path: an output folder or a graph file.
        ready: called with the bound server before serving starts (the CLI prints its URL).
        **options: passed to :func:`make_server`.
    """
    server = make_server(path, **options)
    try:
        log.debug("serving %s at %s", path, server.url)
        if ready is not None:
            ready(server)
        server.serve_forever()
    finally:
        server.server_close()


__all__ = ["SparqlRequestHandler", "SparqlServer", "make_server", "serve"]
