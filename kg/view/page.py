"""Assemble the single self-contained HTML file from the template and assets.

Every script and style sheet is inlined, so the page opens from ``file://``
with no network at all, and a Content-Security-Policy meta tag forbids any
request and allows only the exact inline scripts and styles written here (by
their SHA-256 hashes). Even if some text slipped past the JSON escaping, an
injected ``<script>`` would neither match a hash nor be allowed to load
anything.

vis-network (dual Apache-2.0 / MIT licence, (c) Almende B.V. and the visjs
contributors) is read from the installed pyvis package, the library the
design names, rather than from a copy in kg: pyvis ships it as plain files
(``pyvis/templates/lib/vis-9.1.2/``), found here without importing pyvis
(which would load jinja2 and networkx for nothing).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from kg.errors import KGError
from kg.view.payload import embed_json

_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")

#: the vis-network release pyvis 0.3.2 bundles, and where in the pyvis package it lies
VIS_VERSION = "9.1.2"
VIS_FOLDERS = (f"templates/lib/vis-{VIS_VERSION}", f"lib/vis-{VIS_VERSION}")
VIS_FILES = {"js": "vis-network.min.js", "css": "vis-network.css"}

#: the page's own scripts, in load order: shared helpers first, the app last
APP_SCRIPTS = ("dom.js", "text.js", "labels.js", "panel.js", "app.js")


@cache
def asset(name: str) -> str:
    """Return the text of a file shipped in the ``kg.view`` package."""
    return files("kg.view").joinpath(name).read_text(encoding="utf-8")


@cache
def vis_asset(kind: str) -> str:
    """Return vis-network's script (``"js"``) or style sheet (``"css"``) from the installed pyvis.

    Raises:
        KGError: pyvis is not installed, or holds no vis-network {VIS_VERSION}.
    """
    spec = importlib.util.find_spec("pyvis")
    roots = list(spec.submodule_search_locations or []) if spec else []
    if not roots:
        raise KGError("the HTML view needs pyvis (pip install 'pyvis==0.3.2')")
    for root in roots:
        for folder in VIS_FOLDERS:
            path = Path(root) / folder / VIS_FILES[kind]
            if path.is_file():
                return path.read_text(encoding="utf-8")
    raise KGError(f"no vis-network {VIS_VERSION} in the installed pyvis ({roots[0]}); kg needs pyvis 0.3.2")


def _inline_safe(code: str, tag: str) -> str:
    """Refuse an asset that would end its ``<script>``/``<style>`` element early."""
    lowered = code.lower()
    if f"</{tag}" in lowered or "<!--" in lowered:
        raise ValueError(f"inline asset contains '</{tag}' or '<!--'")
    return code


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _script_tags(scripts: list[str]) -> str:
    return "\n".join(f"<script>{code}</script>" for code in scripts)


def render_page(data: dict[str, object], *, title: str) -> str:
    """Fill the template: title, CSP, inline CSS and JS, and the embedded JSON data.

    Placeholders are replaced in one pass over the template, so text from the
    data can never be taken for a placeholder.
    """
    styles = [_inline_safe(vis_asset("css"), "style"), _inline_safe(asset("style.css"), "style")]
    scripts = [_inline_safe(vis_asset("js"), "script")]
    scripts += [_inline_safe(asset(name), "script") for name in APP_SCRIPTS]
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_hash(s) for s in scripts),
            "style-src " + " ".join(_hash(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    values = {
        "TITLE": html.escape(title, quote=True),
        "CSP": html.escape(csp, quote=True),
        "VIS_VERSION": VIS_VERSION,
        "VIS_CSS": styles[0],
        "STYLE": styles[1],
        "SCRIPTS": _script_tags(scripts),
        "DATA": embed_json(data),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], asset("template.html"))
