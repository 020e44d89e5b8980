"""The YASGUI editor of ``kg serve`` in headless Chromium: it loads offline, runs the example queries
against this server and shows rows, and never contacts another origin."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_missing_reason, launch_chromium

import kg
from kg.serve import SparqlServer, make_server

FIXTURES = Path(__file__).parent / "fixtures" / "api"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    out = tmp_path_factory.mktemp("outputs")
    kg.load(FIXTURES / "extractions.jsonl").save(out / "graph.nt")
    srv = make_server(out, port=0, timeout=10.0, workers=2)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def fetch(url: str, accept: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as resp:
        return resp.headers["Content-Type"], resp.read()


def test_browsers_get_the_editor_and_clients_the_service_description(server: SparqlServer) -> None:
    media, body = fetch(server.url + "sparql", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert media.startswith("text/html") and b"/yasgui/yasgui.min.js" in body
    media, body = fetch(server.url + "sparql", "*/*")
    assert media.startswith("text/turtle") and b"sd:Service" in body
    media, body = fetch(server.url + "yasgui/yasgui.min.js", "*/*")
    assert media.startswith("text/javascript") and len(body) > 100_000


def test_the_editor_runs_every_example_and_shows_rows_offline(server: SparqlServer) -> None:
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    origin = server.url.rstrip("/")
    foreign: list[str] = []
    errors: list[str] = []
    with launch_chromium() as chromium:
        page = chromium.new_page()
        page.on("request", lambda r: None if r.url.startswith((origin, "data:")) else foreign.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "sparql")
        page.wait_for_selector(".yasgui .CodeMirror", timeout=20_000)
        buttons = page.locator("button[data-example]")
        names = [buttons.nth(i).inner_text() for i in range(buttons.count())]
        assert {"top_methods", "evidence", "papers_using_dataset"} <= set(names)
        page.evaluate("window.kgAnswers = 0; window.kgYasgui.on('queryResponse', () => { window.kgAnswers += 1; })")
        for i, name in enumerate(names):
            buttons.nth(i).click()
            page.wait_for_function(f"() => window.kgAnswers === {i + 1}", timeout=20_000)
            page.wait_for_function("() => !!window.kgYasgui.getTab().getYasr().results", timeout=20_000)
            rows = page.evaluate(
                "(() => { const r = window.kgYasgui.getTab().getYasr().results;"
                " return r.getBindings ? r.getBindings().length : -1; })()"
            )
            same = page.evaluate(
                f"JSON.parse(document.getElementById('kg-examples').textContent)[{i}].text"
                " === window.kgYasgui.getTab().getQuery()"
            )
            assert same, f"the editor does not hold the text of example {name}"
            assert rows > 0, f"example {name} showed no rows"
        table_rows = page.locator(".yasr table tbody tr").count()
        assert table_rows > 0  # the last answer is drawn as a table
    assert foreign == [], f"the editor contacted other origins: {foreign[:3]}"
    assert errors == []
