"""The HTML pages of ``kg serve``: the query form and results shown as a table.

Every name, description, query text and result value is HTML-escaped, and the
pages are sent with a Content-Security-Policy that allows no script.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote

from kg.query import QueryResult, ReadyQuery

_RESULT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL results</title>
<style>body{{font-family:sans-serif;margin:1em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}}</style>
</head><body><p><a href="/query">New query</a> &middot; {count} result(s)</p>
{table}
</body></html>
"""
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"


_QUERY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL query</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
textarea{{width:100%;font-family:monospace}}pre{{background:#f4f4f4;padding:.5em;overflow:auto}}</style>
</head><body>
<h1>SPARQL query</h1>
<p>{size}Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, read-only).
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


def query_page(queries: Sequence[ReadyQuery], *, selected: str | None = None, triples: int | None = None) -> bytes:
    """Render the ``/query`` page; every query name, description and text is HTML-escaped.

    Args:
        queries: the ready-made queries to list (see :func:`kg.query.list_queries`).
        selected: name of the query to put in the form (the first when ``None`` or unknown).
        triples: size of the graph, shown on the page when known.

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
    size = "" if triples is None else f"{triples:,} triples. "
    return _QUERY_PAGE.format(size=size, query=html.escape(text), ready=ready).encode("utf-8")


def result_page(result: QueryResult) -> bytes:
    """Render a result as an HTML table (a SELECT/ASK result; CONSTRUCT results as subject, predicate, object).

    >>> from kg.query import Term
    >>> page = result_page(QueryResult("select", ("x",), ((Term("literal", "<b>"),),)))
    >>> b"&lt;b&gt;" in page, b"<b>" in page
    (True, False)
    """
    if result.kind == "ask":
        return _RESULT_PAGE.format(count=1, table=f"<p>{'true' if result.boolean else 'false'}</p>").encode("utf-8")
    head = "".join(f"<th>?{html.escape(v)}</th>" for v in result.variables)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(_plain(t))}</td>" for t in row) + "</tr>" for row in result.rows
    )
    table = f"<table><tr>{head}</tr>\n{body}</table>"
    return _RESULT_PAGE.format(count=len(result.rows), table=table).encode("utf-8")


def _plain(term: object) -> str:
    if term is None:
        return ""
    value = str(term)
    return f"_:{value}" if getattr(term, "type", "") == "bnode" else value


__all__ = ["PAGE_CSP", "query_page", "result_page"]
