"""Queries that used to kill or clog kg: deep nesting, stack-hungry chains, runaway queries, huge answers.

Issue 16 items 2, 3 and 12: 10,000 nested parentheses segfaulted ``kg serve``;
timed-out queries kept running until four of them blocked every later query;
``kg query`` held the whole answer in memory before printing a row.
"""

from __future__ import annotations

import os
import signal
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

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.errors import QueryError, QueryTimeout
from kg.query import MAX_DEPTH, run_query
from kg.serve import SparqlServer, make_server

FIXTURES = Path(__file__).parent / "fixtures" / "api"
#: about 400 triples cubed: 6e7 rows, minutes of work on any machine
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def nested(depth: int) -> str:
    """A FILTER whose expression sits inside ``depth`` parentheses (plus the FILTER's own)."""
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "true" + ")" * depth + ") }"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    kg.load(FIXTURES / "extractions.jsonl").save(out / "graph.nt")
    return out


@pytest.fixture()
def server(outputs: Path) -> Iterator[SparqlServer]:
    srv = make_server(outputs, port=0, timeout=1.0, workers=4)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def _get(server: SparqlServer, query: str, timeout: float = 30) -> tuple[int, bytes]:
    data = query.encode("utf-8")
    request = urllib.request.Request(
        server.url + "sparql", data=data, headers={"Content-Type": "application/sparql-query"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# -- nesting and stack ---------------------------------------------------------------------------------


def test_ten_thousand_parentheses_are_refused_with_a_clear_error(outputs: Path) -> None:
    with pytest.raises(QueryError, match=f"nested more than {MAX_DEPTH} deep") as info:
        run_query(outputs, nested(10_000))
    assert info.value.line == 1 and info.value.column is not None
    result = CliRunner().invoke(cli, ["query", str(outputs), nested(5_000)])
    assert result.exit_code == QueryError.exit_code
    assert f"nested more than {MAX_DEPTH} deep" in result.output


def test_nesting_up_to_the_limit_runs(outputs: Path) -> None:
    assert run_query(outputs, nested(MAX_DEPTH - 2)).rows  # { + FILTER( + 98 = 100 brackets
    with pytest.raises(QueryError, match="nested more than"):
        run_query(outputs, nested(MAX_DEPTH - 1))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 20_000 + "true) }",  # segfaulted at 8 MiB of stack
        "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * 5_000 + "}",
    ],
    ids=["20k negations", "5k MINUS"],
)
def test_stack_hungry_chains_do_not_crash(query: str) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/b")))
    result = run_query(store, query)  # in this very process: a crash would end the test run
    assert result.kind == "select"


def test_deep_queries_leave_the_server_up(server: SparqlServer) -> None:
    status, body = _get(server, nested(10_000))
    assert status == 400 and b"nested more than" in body
    status, _ = _get(server, "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * 5_000 + "}")
    assert status in (200, 503)
    assert _get(server, CHEAP)[0] == 200


def test_a_crashing_worker_does_not_take_the_server_down(outputs: Path) -> None:
    srv = make_server(outputs, port=0, timeout=30.0, workers=1)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        [pid] = srv.pool.pids
        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(_get, srv, SLOW)
            time.sleep(0.5)
            os.kill(pid, signal.SIGSEGV)  # what a stack overflow in the engine looks like
            status, body = running.result()
        assert status == 500 and b"SIGSEGV" in body
        deadline = time.monotonic() + 10
        while (answer := _get(srv, CHEAP))[0] != 200:
            assert time.monotonic() < deadline, answer
            time.sleep(0.1)
        assert srv.pool.pids and pid not in srv.pool.pids
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def test_queries_over_the_length_limit_are_refused(outputs: Path) -> None:
    from kg.query import MAX_QUERY_CHARS

    with pytest.raises(QueryError, match="at most 100,000"):
        run_query(outputs, "ASK {}" + " " * MAX_QUERY_CHARS)


# -- time limits ----------------------------------------------------------------------------------------


def test_four_expensive_queries_time_out_then_a_cheap_one_answers(server: SparqlServer) -> None:
    before = server.pool.pids
    assert len(before) == 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = [status for status, _ in pool.map(lambda _: _get(server, SLOW), range(4))]
    assert statuses == [503] * 4
    started = time.monotonic()
    status, body = _get(server, CHEAP)
    assert status == 200 and b"value" in body
    assert time.monotonic() - started < 5  # answered by a fresh worker, not after the runaway queries
    assert not any(_alive(pid) for pid in before)  # the expensive queries were stopped, not left running


def _children() -> set[int]:
    """Live (not zombie) child processes of this process, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if f"\nPPid:\t{os.getpid()}\n" in status and "State:\tZ" not in status:
            found.add(int(entry.name))
    return found


def test_a_query_waits_for_a_busy_worker_only_within_its_time_limit(outputs: Path) -> None:
    srv = make_server(outputs, port=0, timeout=1.0, workers=1)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(_get, srv, SLOW)
            deadline = time.monotonic() + 5
            while srv.pool.idle:  # until the only worker runs the slow query
                assert time.monotonic() < deadline
                time.sleep(0.01)
            status, body = _get(srv, CHEAP)
            assert status == 503 and b"busy" in body
            assert running.result()[0] == 503
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_timeout_kills_the_cli_query_worker(outputs: Path) -> None:
    before = _children()
    result = CliRunner().invoke(cli, ["query", str(outputs), SLOW, "--timeout", "0.5"])
    assert result.exit_code == QueryTimeout.exit_code
    assert "stopped after 0.5 s" in result.output
    assert _children() <= before  # no worker left computing


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux only")
def test_a_killed_cli_leaves_no_worker_behind(outputs: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "query", str(outputs), SLOW],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while not workers:
            assert time.monotonic() < deadline, "no query worker started"
            time.sleep(0.1)
            workers = [
                int(p.name)
                for p in Path("/proc").iterdir()
                if p.name.isdigit() and _parent(p) == proc.pid
            ]
    finally:
        proc.kill()  # SIGKILL: the CLI gets no chance to clean up
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers):
        assert time.monotonic() < deadline, "the query worker outlived its parent"
        time.sleep(0.1)


def _parent(proc_dir: Path) -> int | None:
    try:
        for line in (proc_dir / "status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


# -- streaming ------------------------------------------------------------------------------------------


def test_max_results_stops_with_a_note(outputs: Path) -> None:
    result = CliRunner().invoke(cli, ["query", str(outputs), CROSS, "--max-results", "5", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "a,b,c,d,e,f,g,h,i" and len(lines) == 6
    assert "stopped after 5 rows (--max-results)" in result.stderr


def test_max_results_without_a_note_when_everything_fits(outputs: Path) -> None:
    result = CliRunner().invoke(cli, ["query", str(outputs), CHEAP, "--max-results", "5"])
    assert result.exit_code == 0 and "stopped" not in result.stderr


def test_a_ready_query_cut_at_its_limit_says_so(outputs: Path) -> None:
    """The long lists return their first rows by default: the user must learn there may be more."""
    cut = CliRunner().invoke(
        cli, ["query", str(outputs), "--named", "papers_without_code", "--param", "limit=1", "--format", "csv"]
    )
    assert cut.exit_code == 0, cut.output
    assert len(cut.stdout.splitlines()) == 2
    assert "the first 1 row (the query's limit); --param limit=N for more" in cut.stderr
    whole = CliRunner().invoke(
        cli, ["query", str(outputs), "--named", "papers_without_code", "--param", "limit=100000", "--format", "csv"]
    )
    assert whole.exit_code == 0 and len(whole.stdout.splitlines()) > 2
    assert "limit" not in whole.stderr


def test_rows_are_printed_while_the_query_still_runs(outputs: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "query", str(outputs), CROSS, "--format", "tsv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        header = proc.stdout.readline()
        first = proc.stdout.readline()
        assert header.startswith(b"?a\t?b") and first.count(b"\t") == 8
        assert proc.poll() is None  # 6e7 rows: the answer is far from complete, yet rows are out
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_syntax_errors_name_the_query_file(outputs: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?x\nWHERE {\n    ?x ?y ?z .\n    BIND(1 AS ?x ?y)\n}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(outputs), "--file", str(query)])
    assert result.exit_code == QueryError.exit_code
    first = result.output.splitlines()[0]
    assert first == f"Error: {query}:4:18: invalid SPARQL: expected \")\"", first
    assert result.output.splitlines()[1:] == ["      BIND(1 AS ?x ?y)", "                   ^"]
    deep = tmp_path / "deep.rq"
    deep.write_text("\n\n" + nested(500), encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(outputs), "--file", str(deep)])
    assert f"{deep}:3:" in result.output and "nested more than" in result.output


def test_a_worker_killed_from_several_threads_at_once_closes_its_pipe_once(outputs: Path) -> None:
    """A timed-out request and server shutdown both kill the same worker; neither may fail."""
    from kg.query.store import spec_for
    from kg.query.worker import Worker

    for _ in range(5):
        worker = Worker(spec_for(outputs), use_sandbox=False)
        worker.wait_ready(time.monotonic() + 30)
        start = threading.Barrier(4)

        def stop(how: str, worker: Worker = worker, start: threading.Barrier = start) -> None:
            start.wait()
            getattr(worker, how)()

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = [pool.submit(stop, how) for how in ("kill", "close", "kill", "close")]
            for result in results:
                result.result()  # re-raises an OSError from a second close of the pipe
        assert not worker.alive()
