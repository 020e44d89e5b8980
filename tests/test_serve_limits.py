"""Slow and idle clients cannot lock others out of ``kg serve`` (issue 16 item 4), and bad Content-Length gets a 400.

All on loopback, every loop bounded by a deadline.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg
from kg.serve import SparqlServer, make_server

FIXTURES = Path(__file__).parent / "fixtures" / "api"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    kg.load(FIXTURES / "extractions.jsonl").save(out / "graph.nt")
    return out


def _start(outputs: Path, **options: object) -> tuple[SparqlServer, threading.Thread]:
    srv = make_server(outputs, port=0, workers=1, **options)  # type: ignore[arg-type]
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return srv, thread


@pytest.fixture()
def server(outputs: Path) -> Iterator[SparqlServer]:
    srv, thread = _start(outputs, max_connections=8, request_timeout=1.0)
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def _address(server: SparqlServer) -> tuple[str, int]:
    host, port = server.server_address[:2]
    return str(host), int(port)


def _status(server: SparqlServer, method: str = "GET", path: str = "/query", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> int:
    conn = http.client.HTTPConnection(*_address(server), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        return conn.getresponse().status
    finally:
        conn.close()


def _closed_by_server(sock: socket.socket, *, every: float, line: bytes, until: float) -> float | None:
    """Send ``line`` every ``every`` seconds until the server closes the connection; return when it did."""
    started = time.monotonic()
    while time.monotonic() < until:
        try:
            sock.sendall(line)
        except OSError:
            return time.monotonic() - started
        time.sleep(every)
        try:
            sock.settimeout(0.01)
            if sock.recv(4096) == b"":
                return time.monotonic() - started
        except (TimeoutError, BlockingIOError):
            pass
        except OSError:
            return time.monotonic() - started
    return None


def test_idle_connections_do_not_lock_others_out(outputs: Path) -> None:
    srv, thread = _start(outputs)  # the defaults: 64 connections, 10 s per request
    idle = [socket.create_connection(_address(srv)) for _ in range(80)]  # more than every slot, sending nothing
    try:
        time.sleep(0.3)
        started = time.monotonic()
        assert _status(srv) == 200
        assert time.monotonic() - started < 3
        assert srv.guard.active <= srv.guard.max_connections
    finally:
        for sock in idle:
            sock.close()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def test_a_header_line_every_few_tenths_is_cut_at_the_request_timeout(server: SparqlServer) -> None:
    sock = socket.create_connection(_address(server))
    try:
        sock.sendall(b"GET /query HTTP/1.0\r\n")
        closed_after = _closed_by_server(sock, every=0.3, line=b"X-Slow: 1\r\n", until=time.monotonic() + 8)
        assert closed_after is not None and closed_after < 3  # request_timeout is 1 s for the whole request
    finally:
        sock.close()


def test_a_slow_body_is_cut_at_the_request_timeout(server: SparqlServer) -> None:
    sock = socket.create_connection(_address(server))
    try:
        sock.sendall(
            b"POST /sparql HTTP/1.0\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\n"
        )
        closed_after = _closed_by_server(sock, every=0.2, line=b"A", until=time.monotonic() + 8)
        assert closed_after is not None and closed_after < 3
    finally:
        sock.close()


def test_many_trickling_clients_do_not_lock_others_out(server: SparqlServer) -> None:
    stop = threading.Event()

    def trickle() -> None:
        with socket.create_connection(_address(server)) as sock:
            try:
                sock.sendall(b"GET /query HTTP/1.0\r\n")
                deadline = time.monotonic() + 6
                while not stop.is_set() and time.monotonic() < deadline:
                    sock.sendall(b"X-Slow: 1\r\n")
                    time.sleep(0.2)
            except OSError:
                pass

    clients = [threading.Thread(target=trickle, daemon=True) for _ in range(3 * server.guard.max_connections)]
    for client in clients:
        client.start()
    try:
        deadline = time.monotonic() + 5
        while server.guard.active < server.guard.max_connections:  # every slot held by a trickling client
            assert time.monotonic() < deadline
            time.sleep(0.05)
        for _ in range(5):
            started = time.monotonic()
            assert _status(server) == 200
            assert time.monotonic() - started < 3
        assert server.guard.evictions > 0
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)


@pytest.mark.parametrize("length", ["-5", "+5", "abc", "5 5", ""])
def test_a_bad_content_length_is_a_400(server: SparqlServer, length: str) -> None:
    sock = socket.create_connection(_address(server), timeout=5)
    try:
        sock.sendall(
            b"POST /sparql HTTP/1.0\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: " + length.encode() + b"\r\n\r\nASK {}"
        )
        assert sock.recv(100).startswith(b"HTTP/1.0 400")
    finally:
        sock.close()


def test_a_good_request_after_the_slow_ones_still_runs_queries(server: SparqlServer) -> None:
    body = b"ASK { ?s ?p ?o }"
    assert _status(server, "POST", "/sparql", body, {"Content-Type": "application/sparql-query"}) == 200


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST /sparql HTTP/1.0\r\nContent-Type: application/sparql-query\r\n\r\nASK {}", b"411"),
        (b"POST /sparql HTTP/1.0\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000001\r\n\r\n", b"413"),
        (b"GET /sparql?query=" + b"a" * 70_000 + b" HTTP/1.0\r\n\r\n", b"414"),
        (b"GET /query HTTP/1.0\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", b"431"),
        (b"GET /query HTTP/1.0\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", b"431"),
    ],
    ids=["no length", "body too large", "request line too long", "too many headers", "header too long"],
)
def test_oversized_requests_get_their_status(server: SparqlServer, request_bytes: bytes, status: bytes) -> None:
    sock = socket.create_connection(_address(server), timeout=5)
    try:
        sock.sendall(request_bytes)
        assert sock.recv(100).split(b" ")[1] == status
    finally:
        sock.close()


def test_a_query_over_the_length_limit_is_a_413(server: SparqlServer) -> None:
    from kg.query import MAX_QUERY_CHARS

    long_query = "ASK { ?s ?p ?o }" + " " * MAX_QUERY_CHARS
    assert _status(server, "POST", "/sparql", long_query.encode(), {"Content-Type": "application/sparql-query"}) == 413
