"""``kg serve``: the SPARQL 1.1 Protocol server, tested with SPARQLWrapper as a real client.

Each server is started in-process on a free port (port 0) in a thread and
shut down at the end. The graph is the hand-written fixture
``tests/fixtures/api/extractions.jsonl`` (no spaCy needed).
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.dom.minidom import Document

import pytest
import rdflib
from click.testing import CliRunner
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

import kg
from kg.query import QueryResult, Term, list_queries, serialize_result
from kg.serve import SparqlServer, choose_format, make_server

FIXTURES = Path(__file__).parent / "fixtures" / "api"
# pyoxigraph objects dropped on the wrong thread show up only as "unraisable" warnings: fail on them
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
PREFIXES = """PREFIX kg: <https://kg.example.org/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
NODE_IDS = PREFIXES + "SELECT ?id WHERE { ?s kg:nodeId ?id }"
MODELS = PREFIXES + "SELECT ?name WHERE { ?e a kg:Model ; skos:prefLabel ?name } ORDER BY ?name"


@pytest.fixture(scope="module")
def graph() -> kg.KnowledgeGraph:
    return kg.load(FIXTURES / "extractions.jsonl")


@pytest.fixture(scope="module")
def outputs(graph: kg.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An outputs/ folder with graph.nt and graph.json only (view and other downloads made on start)."""
    out = tmp_path_factory.mktemp("outputs")
    graph.save(out / "graph.nt")
    graph.save(out / "graph.json")
    return out


def _start(server: SparqlServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


def _stop(server: SparqlServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def server(outputs: Path) -> Iterator[SparqlServer]:
    srv = make_server(outputs, port=0, timeout=5.0, max_results=1000)
    thread = _start(srv)
    yield srv
    _stop(srv, thread)


def _client(server: SparqlServer, query: str, fmt: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def _http(server: SparqlServer, method: str, path: str, body: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


# -- SPARQL results ------------------------------------------------------------------------------------


def test_select_json_matches_the_graph(server: SparqlServer, graph: kg.KnowledgeGraph) -> None:
    result = _client(server, NODE_IDS).queryAndConvert()
    assert result["head"]["vars"] == ["id"]
    ids = {b["id"]["value"] for b in result["results"]["bindings"]}
    assert ids == set(graph.to_networkx().nodes)


def test_select_xml(server: SparqlServer) -> None:
    doc = _client(server, MODELS, XML).queryAndConvert()
    assert isinstance(doc, Document)
    names = [node.firstChild.data for node in doc.getElementsByTagName("literal")]
    assert names == ["BERT", "GPT-4o", "ResNet-50"]


def test_select_csv(server: SparqlServer) -> None:
    body = _client(server, MODELS, CSV).queryAndConvert()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows == [["name"], ["BERT"], ["GPT-4o"], ["ResNet-50"]]


def test_select_tsv_by_accept(server: SparqlServer) -> None:
    query = urllib.parse.urlencode({"query": MODELS})
    status, headers, body = _http(server, "GET", f"/sparql?{query}", headers={"Accept": "text/tab-separated-values"})
    assert status == 200
    assert headers["content-type"].startswith("text/tab-separated-values")
    assert body.decode("utf-8").splitlines() == ["?name", '"BERT"', '"GPT-4o"', '"ResNet-50"']


def test_ask(server: SparqlServer) -> None:
    yes = _client(server, PREFIXES + 'ASK { ?e skos:prefLabel "BERT" }').queryAndConvert()
    no = _client(server, PREFIXES + 'ASK { ?e skos:prefLabel "no such model" }').queryAndConvert()
    assert yes["boolean"] is True
    assert no["boolean"] is False


def test_construct_turtle(server: SparqlServer) -> None:
    query = PREFIXES + "CONSTRUCT { ?e skos:prefLabel ?name } WHERE { ?e a kg:Model ; skos:prefLabel ?name }"
    body = _client(server, query, TURTLE).queryAndConvert()
    parsed = rdflib.Graph().parse(data=body, format="turtle")
    assert sorted(str(o) for o in parsed.objects()) == ["BERT", "GPT-4o", "ResNet-50"]


def test_post_form_and_direct(server: SparqlServer) -> None:
    form = _client(server, MODELS)
    form.setMethod(POST)
    direct = _client(server, MODELS)
    direct.setMethod(POST)
    direct.setRequestMethod(POSTDIRECTLY)
    for client in (form, direct):
        names = [b["name"]["value"] for b in client.queryAndConvert()["results"]["bindings"]]
        assert names == ["BERT", "GPT-4o", "ResNet-50"]


# -- errors and limits ---------------------------------------------------------------------------------


def test_malformed_query_is_400_with_parser_message(server: SparqlServer) -> None:
    with pytest.raises(QueryBadFormed):
        _client(server, "SELECT ?s WHERE { ?s ?p }").query()
    status, _, body = _http(server, "GET", "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?s WHERE {\n ?s ?p }"}))
    assert status == 400
    assert b"line 2" in body


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"),
    [
        ("GET", "/sparql?" + urllib.parse.urlencode({"query": "DROP ALL"}), None, {}),
        ("GET", "/sparql?" + urllib.parse.urlencode({"update": "CLEAR DEFAULT"}), None, {}),
        ("POST", "/sparql", b"INSERT DATA { <a:a> <a:b> <a:c> }", {"Content-Type": "application/sparql-update"}),
        ("POST", "/sparql", urllib.parse.urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}).encode(),
         {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", "/sparql", b"LOAD <http://example.org/x.ttl>", {"Content-Type": "application/sparql-query"}),
        ("PUT", "/sparql", b"x", {}),
        ("DELETE", "/graph.ttl", None, {}),
        ("PATCH", "/sparql", b"x", {}),
    ],
)
def test_writes_are_refused(server: SparqlServer, method: str, path: str, body: bytes | None,
                            headers: dict[str, str]) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = server.pool.run(count).to_dicts()
    status, _, _ = _http(server, method, path, body, headers)
    assert 400 <= status < 500
    assert server.pool.run(count).to_dicts() == before


def test_update_through_sparqlwrapper_is_refused(server: SparqlServer) -> None:
    client = _client(server, "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    client.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as info:
        client.query()
    assert info.value.code == 403


def test_result_size_limit(outputs: Path) -> None:
    srv = make_server(outputs, port=0, max_results=5)
    thread = _start(srv)
    try:
        query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        status, headers, body = _http(srv, "GET", f"/sparql?{query}")
        assert status == 200
        assert len(json.loads(body)["results"]["bindings"]) == 5
        assert headers["x-kg-results-truncated"] == "5"
    finally:
        _stop(srv, thread)


def test_time_limit_answers_503_and_frees_the_worker(outputs: Path) -> None:
    srv = make_server(outputs, port=0, timeout=0.2, workers=1, max_results=10**9)
    thread = _start(srv)
    # a three-way cross product of the ~400 triples: 6e7 rows, minutes of work on any machine
    slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        started = time.monotonic()
        status, _, body = _http(srv, "GET", "/sparql?" + urllib.parse.urlencode({"query": slow}))
        assert status == 503
        assert b"time limit" in body
        assert time.monotonic() - started < 2.0
        # the only worker stops reading solutions once the client has its 503, so it takes the next query
        started = time.monotonic()
        names = [b["name"]["value"] for b in _client(srv, MODELS).queryAndConvert()["results"]["bindings"]]
        assert names == ["BERT", "GPT-4o", "ResNet-50"]
        assert time.monotonic() - started < 2.0
    finally:
        _stop(srv, thread)


def test_burst_of_concurrent_requests(server: SparqlServer) -> None:
    def one(i: int) -> int:
        if i % 4 == 3:
            return _http(server, "GET", "/graph.nt")[0]
        client = _client(server, MODELS, [JSON, XML, CSV][i % 3])
        if i % 2:
            client.setMethod(POST)
        client.queryAndConvert()
        return 200

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200
    assert _client(server, MODELS).queryAndConvert()["results"]["bindings"]


def test_a_new_client_takes_the_slot_of_an_idle_one_but_not_of_a_working_one(outputs: Path) -> None:
    srv = make_server(outputs, port=0, max_connections=1, timeout=2.0, workers=1)
    thread = _start(srv)
    host, port = srv.server_address[:2]
    try:
        idle = socket.create_connection((str(host), int(port)))  # holds the only slot, sends nothing
        time.sleep(0.2)
        assert _http(srv, "GET", "/query")[0] == 200  # the idle connection was dropped for it
        assert idle.recv(100) == b""  # ... and closed
        idle.close()
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        with ThreadPoolExecutor(max_workers=1) as pool:
            path = "/sparql?" + urllib.parse.urlencode({"query": slow})
            working = pool.submit(_http, srv, "GET", path)
            deadline = time.monotonic() + 5
            while srv.pool.idle:  # until the slot runs the query: then a new client is turned away, not the query
                assert time.monotonic() < deadline
                if working.done():
                    # Turned away before it ran: the server had not yet released the previous
                    # client's slot (it closes that connection on its own thread). Ask again.
                    working = pool.submit(_http, srv, "GET", path)
                time.sleep(0.01)
            assert _http(srv, "GET", "/query")[0] == 503
            assert working.result()[0] == 503  # the query hit its own time limit
        deadline = time.monotonic() + 5
        while _http(srv, "GET", "/query")[0] != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        _stop(srv, thread)


def test_request_log_goes_to_logging_with_control_characters_escaped(
    server: SparqlServer, caplog: pytest.LogCaptureFixture
) -> None:
    host, port = server.server_address[:2]
    with caplog.at_level("INFO", logger="kg.serve"):
        with socket.create_connection((str(host), int(port))) as raw:  # http.client refuses such a URL
            raw.sendall(b"GET /no\x1b[31mred HTTP/1.0\r\n\r\n")
            assert raw.recv(100).startswith(b"HTTP/1.0 404")
        _http(server, "GET", "/query?x=" + "a" * 1000)
    assert any("/no\\x1b[31mred" in m for m in caplog.messages)
    assert all("\x1b" not in m and len(m) < 400 for m in caplog.messages)


# -- pages and downloads -------------------------------------------------------------------------------


def test_view_downloads_and_query_page(server: SparqlServer, outputs: Path) -> None:
    status, headers, page = _http(server, "GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<html" in page.lower()
    status, _, nt = _http(server, "GET", "/graph.nt")
    assert nt == (outputs / "graph.nt").read_bytes()
    from_nt = rdflib.Graph().parse(data=nt, format="nt")
    for route, fmt in (("/graph.ttl", "turtle"), ("/graph.jsonld", "json-ld")):
        status, _, body = _http(server, "GET", route)
        assert status == 200
        assert set(rdflib.Graph().parse(data=body, format=fmt)) == set(from_nt)
    status, headers, page = _http(server, "GET", "/query")
    assert status == 200 and "content-security-policy" in headers
    assert b"<textarea" in page and b'action="/sparql"' in page
    for ready in list_queries():
        assert ready.name.encode() in page
    status, _, _ = _http(server, "GET", "/nothing-here")
    assert status == 404


@pytest.mark.parametrize("name", ["graph.ttl", "graph.json", "extractions.jsonl"])
def test_serves_single_graph_files(graph: kg.KnowledgeGraph, tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    if name.endswith(".jsonl"):
        source.write_bytes((FIXTURES / name).read_bytes())
    else:
        graph.save(source)
    srv = make_server(source, port=0)
    thread = _start(srv)
    try:
        names = [b["name"]["value"] for b in _client(srv, MODELS).queryAndConvert()["results"]["bindings"]]
        assert names == ["BERT", "GPT-4o", "ResNet-50"]
        assert _http(srv, "GET", "/")[0] == 200 and _http(srv, "GET", "/graph.jsonld")[0] == 200
        generated = srv.graph.files["/"]
    finally:
        _stop(srv, thread)
    assert not generated.exists()  # files made at start are removed on close
    with pytest.raises(kg.InputError):
        make_server(tmp_path / "missing.nt", port=0)


def test_head_has_no_body(server: SparqlServer) -> None:
    status, headers, body = _http(server, "HEAD", "/graph.nt")
    assert status == 200 and int(headers["content-length"]) > 0 and body == b""


def test_library_prints_nothing(server: SparqlServer, capfd: pytest.CaptureFixture[str]) -> None:
    _client(server, MODELS).queryAndConvert()
    _http(server, "GET", "/nothing-here")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


# -- units ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "accept", "param", "expected"),
    [
        ("select", None, None, "json"),
        ("select", "text/csv", None, "csv"),
        ("select", "text/csv;q=0.2, application/sparql-results+xml;q=0.9", None, "xml"),
        ("select", "text/html,*/*;q=0.8", None, "json"),
        ("select", "application/sparql-results+json", "tsv", "tsv"),
        ("graph", "application/n-triples", None, "nt"),
        ("graph", "application/rdf+xml", None, "rdfxml"),
        ("graph", "text/csv", None, None),
        ("graph", "text/*", None, "turtle"),
        ("select", "application/*", None, "json"),
        ("select", "text/turtle", None, None),
        ("select", "", None, "json"),
        ("ask", "application/sparql-results+xml", None, "xml"),
    ],
)
def test_choose_format(kind: str, accept: str | None, param: str | None, expected: str | None) -> None:
    assert choose_format(kind, accept, param) == expected


def test_serialize_result_escapes_and_unbound() -> None:
    result = QueryResult("select", ("x", "y"), ((Term("literal", 'a "b"\n<c>', None, "en"), None),))
    body = json.loads(serialize_result(result, "json"))
    assert body["results"]["bindings"] == [{"x": {"type": "literal", "value": 'a "b"\n<c>', "xml:lang": "en"}}]
    xml = serialize_result(result, "xml").decode()
    assert "&lt;c&gt;" in xml and "<c>" not in xml
    tsv = serialize_result(result, "tsv").decode().splitlines()
    assert tsv[1] == '"a \\"b\\"\\n<c>"@en\t'


# -- CLI -----------------------------------------------------------------------------------------------


def test_cli_help() -> None:
    from kg.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--max-results" in result.output and "--port" in result.output


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_serves_and_prints_url(outputs: Path, quiet: bool) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "serve", str(outputs), "--port", "0",
         *(["--quiet"] if quiet else [])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "sparql?" + urllib.parse.urlencode({"query": MODELS})) as resp:
            names = [b["name"]["value"] for b in json.load(resp)["results"]["bindings"]]
        assert names == ["BERT", "GPT-4o", "ResNet-50"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert ("GET /sparql" in err) is not quiet  # requests are logged to stderr unless --quiet
    assert "stopped" in err and proc.returncode == 0  # SIGTERM shuts down cleanly
