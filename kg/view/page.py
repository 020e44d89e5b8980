"""Assemble the single self-contained HTML file from the template and assets.

Every script and style sheet is inlined, so the page opens from ``file://``
with no network at all, and a Content-Security-Policy meta tag forbids any
request and allows only the exact inline scripts and styles written here (by
their SHA-256 hashes). Even if some text slipped past the JSON escaping, an
injected ``<script>`` would neither match a hash nor be allowed to load
anything. vis-network (dual Apache-2.0 / MIT licence, (c) Almende B.V. and
the visjs contributors) is the copy bundled with pyvis 0.3.2, see
``kg/view/NOTICE``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from functools import cache
from importlib.resources import files

from kg.view.payload import embed_json

_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


@cache
def asset(name: str) -> str:
    """Return the text of a file shipped in the ``kg.view`` package."""
    return files("kg.view").joinpath(name).read_text(encoding="utf-8")


def _inline_safe(code: str, tag: str) -> str:
    """Refuse an asset that would end its ``<script>``/``<style>`` element early."""
    lowered = code.lower()
    if f"</{tag}" in lowered or "<!--" in lowered:
        raise ValueError(f"inline asset contains '</{tag}' or '<!--'")
    return code


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_page(data: dict[str, object], *, title: str) -> str:
    """Fill the template: title, CSP, inline CSS and JS, and the embedded JSON data.

    Placeholders are replaced in one pass over the template, so text from the
    data can never be taken for a placeholder.
    """
    styles = [_inline_safe(asset(name), "style") for name in ("vis-network.min.css", "style.css")]
    scripts = [_inline_safe(asset(name), "script") for name in ("vis-network.min.js", "app.js")]
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
        "VIS_CSS": styles[0],
        "STYLE": styles[1],
        "VIS_JS": scripts[0],
        "APP_JS": scripts[1],
        "DATA": embed_json(data),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], asset("template.html"))
