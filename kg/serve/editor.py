"""The query editor of ``kg serve``: YASGUI, vendored, as the page of ``/sparql`` for browsers.

A browser that opens the endpoint (``Accept: text/html``, no query) gets
YASGUI pointed at this server's ``/sparql``, with the ready-made queries as
examples (their defaults return rows on any graph with links). Everything is
served from the package (``kg/serve/yasgui/``, licence in its ``NOTICE``):
the page works offline, and its Content-Security-Policy lets it connect to
this server only, so no query or result leaves the machine.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from importlib.resources import files

from kg.query import ReadyQuery
from kg.serve.negotiate import weighted_items

#: route -> (file in kg/serve/yasgui/, media type)
EDITOR_FILES: dict[str, tuple[str, str]] = {
    "/yasgui/yasgui.min.js": ("yasgui.min.js", "text/javascript; charset=utf-8"),
    "/yasgui/yasgui.min.css": ("yasgui.min.css", "text/css; charset=utf-8"),
    "/yasgui/kg-editor.js": ("kg-editor.js", "text/javascript; charset=utf-8"),
}
#: the editor page may load its own files and talk to this server only
EDITOR_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'"
)

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL editor</title>
<link rel="stylesheet" href="/yasgui/yasgui.min.css">
<style>body{{font-family:sans-serif;margin:0 1em}}nav button{{margin:.2em}}</style>
</head><body>
<p>SPARQL endpoint <code>/sparql</code> (read-only; prefixes {prefixes} predeclared).
<a href="/">Graph view</a> &middot; <a href="/query">Plain form</a></p>
<nav>Examples: {buttons}</nav>
<div id="yasgui"></div>
<script type="application/json" id="kg-examples">{examples}</script>
<script src="/yasgui/yasgui.min.js"></script>
<script src="/yasgui/kg-editor.js"></script>
</body></html>
"""


def editor_file(route: str) -> bytes:
    """Return the bytes of one vendored file (a key of :data:`EDITOR_FILES`)."""
    return files("kg.serve").joinpath("yasgui").joinpath(EDITOR_FILES[route][0]).read_bytes()


def editor_page(queries: Sequence[ReadyQuery]) -> bytes:
    """Render the editor page; query names are HTML-escaped and texts sit in a JSON block that cannot end early.

    >>> q = ReadyQuery(name="x<y", description="d", params=(), text="SELECT * { ?s ?p '</script>' }")
    >>> page = editor_page([q])
    >>> b"</script>'" in page, b"x&lt;y" in page
    (False, True)
    """
    from kg.query.prefixes import PREFIXES

    examples = [{"name": q.name, "text": q.text} for q in queries]
    block = json.dumps(examples, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e")
    buttons = " ".join(
        f'<button type="button" data-example="{i}" title="{html.escape(q.description)}">{html.escape(q.name)}</button>'
        for i, q in enumerate(queries)
    )
    return _PAGE.format(
        prefixes=html.escape(" ".join(sorted(PREFIXES))), buttons=buttons, examples=block
    ).encode("utf-8")


def wants_html(accept: str | None) -> bool:
    """Whether an ``Accept`` header asks for HTML by name (a browser), not only through ``*/*``.

    >>> wants_html("text/html,application/xhtml+xml,*/*;q=0.8"), wants_html("*/*"), wants_html(None)
    (True, False, False)
    """
    for media, q in weighted_items(accept):
        if media in ("text/html", "application/xhtml+xml"):
            return q > 0
    return False


__all__ = ["EDITOR_CSP", "EDITOR_FILES", "editor_file", "editor_page", "wants_html"]
