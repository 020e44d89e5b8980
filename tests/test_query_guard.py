"""No kg query reaches the network: SERVICE in every disguise, against a loopback listener that counts calls.

Each disguise is first run through pyoxigraph directly to prove it is live (the
listener sees the call), then through kg's API, ``kg query`` and ``kg serve``,
where the listener must stay silent. A seeded fuzz mixes the tricks that
confuse a text search (comments, quotes, escapes, ``<`` that is not an IRI)
around a SERVICE call and checks that whatever the checker accepts never
reaches the listener.
"""

from __future__ import annotations

import random
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import QueryError, QueryRefused
from kg.query import check_query, run_query
from kg.query.store import StoreSpec
from kg.query.worker import Worker

FIXTURES = Path(__file__).parent / "fixtures" / "api"
_ANSWER = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'


class Listener:
    """A loopback HTTP endpoint that answers every request with one empty solution and counts requests."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/sparql"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(65536))
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(_ANSWER) + _ANSWER
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def data() -> ox.Store:
    """A store with one triple, so that patterns match and joins reach the SERVICE call."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/b")))
    return store


def _raw(store: ox.Store, sparql: str) -> None:
    """Run a query with pyoxigraph itself, no kg check in between."""
    try:
        answer = store.query(sparql)
        if not isinstance(answer, ox.QueryBoolean):
            list(answer)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass


#: name -> query with {url}; every one of them makes pyoxigraph call the URL
DISGUISES: dict[str, str] = {
    "plain": "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "lower case": "select * where { service <{url}> { ?s ?p ?o } }",
    "mixed case": "SELECT * WHERE { sErViCe <{url}> { ?s ?p ?o } }",
    "no spaces": "SELECT*WHERE{SERVICE<{url}>{?s ?p ?o}}",
    "tabs and newlines": "SELECT\t*\nWHERE\n{\n\tSERVICE\n\t<{url}>\n\t{ ?s ?p ?o }\n}",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "keyword glued to SILENT": "SELECT * WHERE { SERVICESILENT<{url}>{ ?s ?p ?o } }",
    "keyword glued to an empty prefix": "PREFIX : <{url}#>\nSELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
    "keyword glued to a prefix": "PREFIX s: <{url}#>\nSELECT * WHERE { SERVICEs:x { ?s ?p ?o } }",
    "prefixed endpoint": "PREFIX ep: <{url}#>\nSELECT * WHERE { SERVICE ep:x { ?s ?p ?o } }",
    "relative endpoint": "BASE <{url}>\nSELECT * WHERE { SERVICE <> { ?s ?p ?o } }",
    "the reported \\# bypass": (
        "PREFIX ex: <http://e/>\nSELECT * WHERE { BIND(ex:a\\# AS ?q) SERVICE <{url}> { ?s ?p ?o } }"
    ),
    "escaped quote in a name": (
        "PREFIX ex: <http://e/>\nSELECT * WHERE { BIND(ex:a\\' AS ?q) SERVICE <{url}> { ?s ?p ?o } } # '"
    ),
    "comment before": "SELECT * WHERE { # quotes ' \" and < here\n SERVICE <{url}> { ?s ?p ?o } }",
    "comment ended by CR": "SELECT * WHERE { # ended by a carriage return\rSERVICE <{url}> { ?s ?p ?o } }",
    "string holding #": 'SELECT * WHERE { BIND("#" AS ?q) SERVICE <{url}> { ?s ?p ?o } }',
    "long string": "SELECT * WHERE { BIND('''it's \"#\"''' AS ?q) SERVICE <{url}> { ?s ?p ?o } }",
    "IRI holding #": "SELECT * WHERE { BIND(<http://e/x#y> AS ?q) SERVICE <{url}> { ?s ?p ?o } }",
    "after a language tag": 'SELECT * WHERE { BIND("x"@en AS ?l) SERVICE <{url}> { ?s ?p ?o } }',
    "after a dot": "SELECT * WHERE { ?a ?p ?b.SERVICE<{url}>{ ?s ?p ?o } }",
    "inside OPTIONAL": "SELECT * WHERE { ?a ?p ?b OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } }",
    "inside UNION": "SELECT * WHERE { { ?a ?p ?b } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "inside MINUS": "SELECT * WHERE { ?a ?p ?b MINUS { SERVICE <{url}> { ?a ?p ?b } } }",
    "inside FILTER EXISTS": "SELECT * WHERE { ?a ?p ?b FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "inside FILTER NOT EXISTS": "SELECT * WHERE { ?a ?p ?b FILTER NOT EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "inside BIND(EXISTS)": "SELECT * WHERE { ?a ?p ?b BIND(EXISTS { SERVICE <{url}> { ?s ?p ?o } } AS ?e) }",
    "inside a subquery": "SELECT * WHERE { { SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "nested": "SELECT * WHERE { SERVICE <{url}> { SERVICE <{url}> { ?s ?p ?o } } }",
    "in ASK": "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "in CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "in DESCRIBE": "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }",
}
#: disguises the checker refuses as ambiguous (QueryError) rather than naming SERVICE
AMBIGUOUS: dict[str, str] = {
    "less-than read as an IRI with a comment": (
        'SELECT * WHERE { ?a ?p ?b FILTER(?a<?b#>"""\n|| true) SERVICE <{url}> { ?s ?p ?o }\n#"""\n}'
    ),
    "IRI with quotes in a collection, read as a less-than": (
        "SELECT * WHERE { ?a ?p ?b OPTIONAL { ?a ?p (?b <http://e/x'''>) } SERVICE <{url}> { ?s ?p ?o } # '''\n}"
    ),
}
ALL = {**DISGUISES, **AMBIGUOUS}


def _query(name: str, listener: Listener) -> str:
    return ALL[name].replace("{url}", listener.url)


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_disguise_is_live_in_pyoxigraph_itself(name: str, listener: Listener, data: ox.Store) -> None:
    before = len(listener.requests)
    _raw(data, _query(name, listener))
    assert len(listener.requests) > before, "the disguise no longer reaches the network: the test proves nothing"


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_checker_refuses_every_disguise(name: str, listener: Listener) -> None:
    expected = QueryRefused if name in DISGUISES else QueryError
    with pytest.raises(expected) as info:
        check_query(_query(name, listener))
    assert info.value.line is not None and info.value.column is not None


@pytest.mark.parametrize("name", sorted(ALL))
def test_no_disguise_reaches_the_listener_through_the_api(name: str, listener: Listener, data: ox.Store) -> None:
    before = len(listener.requests)
    with pytest.raises(QueryError):
        run_query(data, _query(name, listener))
    assert len(listener.requests) == before


def test_words_that_only_look_like_service_are_fine(data: ox.Store) -> None:
    text = (
        "PREFIX ex: <http://e/service#>\n"
        "SELECT ?service WHERE { ?service ?p ?o FILTER(?o != <http://e/service> && ?o != 'a service') }"
    )
    assert run_query(data, text).to_dicts() == [{"service": "http://e/a"}]
    with pytest.raises(QueryRefused, match="full <IRI>"):  # a prefixed name holding the word: write the IRI
        check_query("PREFIX ex: <http://e/>\nSELECT * WHERE { ?s ex:service ?o }")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { VALUES (?a ?b) { (<http://e/x#1> <http://e/x#2>) (UNDEF <http://e/it's>) } }",
        "SELECT * WHERE { ?a ?p ?b FILTER(?a<?b || true < false || 1<2 || ?a<=?b) }",
        "SELECT * WHERE { ?a ?p ?b FILTER(?a IN (<http://e/x#1>, <http://e/x'2>) || ?b = <http://e/#>) }",
        "SELECT * WHERE { ?a ?p ?b FILTER(COALESCE(?a, <http://e/a#b>) != <http://e/c#d>) }",
        "SELECT * WHERE { ?a ?p ?b BIND(<<( ?a ?p ?b )>> AS ?t) }",
        "SELECT * WHERE { ?a ?p ?b BIND(\"\"\"a SERVICE <http://x/> { } call\"\"\" AS ?s) } # SERVICE in a comment",
        "PREFIX e: <http://e/>\nSELECT * WHERE { ?a e:p\\#x ?b } LIMIT 1",
        "SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x HAVING (COUNT(*) > 0) ORDER BY DESC(?n)",
        "ASK { ?s ?p [ ?q <http://e/x#y> ] }",
    ],
)
def test_valid_queries_that_look_tricky_are_accepted(text: str, data: ox.Store) -> None:
    check_query(text)
    data.query(text)  # and pyoxigraph parses them too (a SyntaxError would fail the test)


def test_the_cli_and_the_server_refuse_the_reported_bypass(listener: Listener, tmp_path: Path) -> None:
    graph = kg.load(FIXTURES / "extractions.jsonl")
    graph.save(tmp_path / "graph.nt")
    query = _query("the reported \\# bypass", listener)
    before = len(listener.requests)
    result = CliRunner().invoke(cli, ["query", str(tmp_path), query])
    assert result.exit_code == QueryError.exit_code
    assert "SERVICE" in result.output and "not allowed" in result.output
    from kg.serve import make_server

    server = make_server(tmp_path, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(server.url + "sparql?" + urllib.parse.urlencode({"query": query}), timeout=10)
        assert info.value.code == 403
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert len(listener.requests) == before


def test_query_workers_have_no_network(listener: Listener, tmp_path: Path) -> None:
    """The second line: a worker that is handed SERVICE anyway (the check bypassed) cannot connect."""
    worker = Worker(StoreSpec("ntriples", data=b"<http://e/a> <http://e/p> <http://e/b> .\n"))
    try:
        worker.wait_ready()
        if not worker.sandboxed:
            pytest.skip("this system allows no unprivileged network namespace")
        before = len(listener.requests)
        with pytest.raises(QueryError, match="query failed"):
            list(worker.events(_query("plain", listener), max_results=None, deadline=None))
        assert len(listener.requests) == before
    finally:
        worker.kill()


# -- fuzz ------------------------------------------------------------------------------------------

#: pieces that confuse a search of the text: comments, quotes, escapes, a "<" that is no IRI
NOISE = [
    "#", "# c\n", "# c\r", "\n", "\r", " ", '"', "'", '"""', "'''", "\\", "<", ">", "(", ")", "{", "}",
    "ex:a\\#", "ex:a\\'", "ex:a\\\"", "?a<?b", "<?b#>", "<?b'>", "<http://e/x#y>", "<http://e/'>",
    '"a#b"', "'a\"b'", '"""#"""', "'''#'''", "BIND(ex:a\\# AS ?q)", 'BIND("#" AS ?q)',
    "FILTER(?a<?b)", "FILTER(?a!=<http://e/x#y>)", "FILTER(true", "|| true)", "OPTIONAL {", "VALUES ?v {",
    "@en", "_:b", ":", ".", ";", ",", "1", "true", "true<", "(1 <", "SERVICE", "SILENT", "service", "ex:service",
]


def _fuzz_queries(url: str, count: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    call = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    for _ in range(count):
        before = "".join(rng.choice(NOISE) for _ in range(rng.randint(0, 5)))
        after = "".join(rng.choice(NOISE) for _ in range(rng.randint(0, 5)))
        yield f"PREFIX ex: <http://e/>\nSELECT * WHERE {{ ?a ?p ?b {before} {call} {after} }}"


def test_fuzz_whatever_the_checker_accepts_never_reaches_the_network(listener: Listener, data: ox.Store) -> None:
    live = accepted = 0
    for text in _fuzz_queries(listener.url, 3000, seed=16):
        before = len(listener.requests)
        try:
            check_query(text)
        except QueryError:
            refused = True
        else:
            refused = False
            accepted += 1
        _raw(data, text)
        if len(listener.requests) > before:
            live += 1
            assert refused, f"the checker let a live SERVICE call through:\n{text}"
    assert live > 100  # the fuzz does build live calls, and every one of them was refused
    assert accepted == 0 or accepted < 3000
