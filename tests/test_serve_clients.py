"""``kg serve`` as SPARQL clients expect: CORS, a Service Description, gzip, 406, predeclared prefixes.

The server runs in-process on a free port on the hand-written fixture graph.
"""

from __future__ import annotations

import gzip
import http.client
import json
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.serve import SparqlServer, make_server

FIXTURES = Path(__file__).parent / "fixtures" / "api"
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
SD = "http://www.w3.org/ns/sparql-service-description#"
NODES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
MODELS = "SELECT ?name WHERE { ?e a kg:Model ; skos:prefLabel ?name } ORDER BY ?name"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    out = tmp_path_factory.mktemp("outputs")
    graph = kg.load(FIXTURES / "extractions.jsonl")
    graph.save(out / "graph.nt")
    graph.save(out / "graph.json")
    srv = make_server(out, port=0, timeout=10.0, max_results=1000, workers=2)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def call(server: SparqlServer, method: str, path: str, headers: dict[str, str] | None = None,
         body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def q(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


# -- CORS ---------------------------------------------------------------------------------------


def test_preflight_allows_a_cross_origin_post(server: SparqlServer) -> None:
    status, headers, body = call(server, "OPTIONS", "/sparql", {
        "Origin": "https://yasgui.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == "*"
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()


def test_answers_carry_the_allow_origin_header(server: SparqlServer) -> None:
    status, headers, _ = call(server, "GET", q(MODELS), {"Origin": "https://yasgui.example"})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers  # never share cookies or logins
    status, headers, _ = call(server, "GET", q("SELECT * WHERE { nope:x ?p ?o }"))
    assert status == 400 and headers["access-control-allow-origin"] == "*"  # a browser can read the error too


def test_writes_stay_refused_with_cors(server: SparqlServer) -> None:
    status, _, _ = call(server, "PUT", "/sparql", {"Origin": "https://x.example"}, b"x")
    assert status == 405


# -- Service Description --------------------------------------------------------------------------


def _triples(body: bytes, fmt: ox.RdfFormat) -> list[ox.Triple]:
    return list(ox.parse(body, format=fmt))


def test_endpoint_without_a_query_describes_itself_in_turtle(server: SparqlServer) -> None:
    status, headers, body = call(server, "GET", "/sparql")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _triples(body, ox.RdfFormat.TURTLE))
    ask = f"""PREFIX sd: <{SD}>
    ASK {{ ?s a sd:Service ; sd:endpoint <{server.url}sparql> ; sd:supportedLanguage sd:SPARQL11Query ;
           sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> }}"""
    assert bool(store.query(ask))
    assert not bool(store.query(f"PREFIX sd: <{SD}> ASK {{ ?s sd:supportedLanguage sd:SPARQL11Update }}"))


def test_service_description_by_accept(server: SparqlServer) -> None:
    status, headers, body = call(server, "GET", "/sparql", {"Accept": "application/n-triples"})
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    assert any(str(t.object) == f"<{SD}Service>" for t in _triples(body, ox.RdfFormat.N_TRIPLES))
    status, headers, body = call(server, "GET", "/sparql", {"Accept": "application/ld+json"})
    assert status == 200 and json.loads(body)
    status, _, _ = call(server, "GET", "/sparql", {"Accept": "image/png"})
    assert status == 406


def test_an_empty_query_is_still_an_error(server: SparqlServer) -> None:
    assert call(server, "GET", "/sparql?query=")[0] == 400


# -- gzip -----------------------------------------------------------------------------------------


def test_gzip_when_accepted_and_identical_content(server: SparqlServer) -> None:
    plain_status, plain_headers, plain = call(server, "GET", q(NODES))
    status, headers, body = call(server, "GET", q(NODES), {"Accept-Encoding": "gzip, deflate"})
    assert plain_status == status == 200
    assert len(plain) > 1024  # big enough to be compressed
    assert "content-encoding" not in plain_headers
    assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
    assert int(headers["content-length"]) == len(body) < len(plain)
    assert gzip.decompress(body) == plain


def test_no_gzip_when_refused(server: SparqlServer) -> None:
    _, headers, body = call(server, "GET", q(NODES), {"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in headers
    json.loads(body)


# -- 406 and prefixes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (MODELS, "image/png"),
        (MODELS, "text/turtle"),  # a SELECT has no Turtle form
        ("CONSTRUCT WHERE { ?s a kg:Model }", "text/csv"),
    ],
)
def test_406_for_an_accept_it_cannot_serve(server: SparqlServer, query: str, accept: str) -> None:
    status, headers, body = call(server, "GET", q(query), {"Accept": accept})
    assert status == 406
    assert b"available as" in body and headers["content-type"].startswith("text/plain")


def test_wildcards_and_missing_accept_still_work(server: SparqlServer) -> None:
    for accept in ("*/*", "application/*", "text/html,*/*;q=0.8"):
        status, headers, _ = call(server, "GET", q(MODELS), {"Accept": accept})
        assert status == 200 and headers["content-type"].startswith("application/sparql-results+json"), accept
    status, headers, _ = call(server, "GET", q("CONSTRUCT WHERE { ?s a kg:Model }"), {"Accept": "text/*"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")


def test_predeclared_prefixes_on_the_endpoint(server: SparqlServer) -> None:
    status, _, body = call(server, "GET", q(MODELS))
    assert status == 200
    assert json.loads(body)["results"]["bindings"]
    status, _, body = call(server, "GET", q("SELECT * WHERE { ?s nope:p ?o }"))
    assert status == 400 and b"unknown prefix 'nope:'" in body
