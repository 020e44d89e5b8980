"""Markup some sources leave in titles and abstracts: JATS / HTML tags and character references.

Crossref-fed records (and so many OpenAlex and publisher exports) carry
abstracts as JATS XML (``<jats:p>We propose <jats:italic>Zorb</jats:italic>``),
and a few arXiv abstracts carry HTML (``H<sub>2</sub>O``, ``&#946;``). Left in,
the tags split names ("Zorb" inside ``<jats:italic>``), show up in evidence
sentences and change the words the extractor was trained on. Only known
markup is removed, and an opening tag only when the text closes one of its
name (``<jats:p>`` ... ``</jats:p>``): plain text such as "p < 0.05",
"i<p and q>j" or "a<b>c" stays as it is. Nothing
here is executed or fetched; the result is plain text, escaped again by
every output that needs it.
"""

from __future__ import annotations

import html
import html.entities
import re

__all__ = ["strip_markup"]

#: Tag names removed: JATS and MathML by namespace, and the HTML a text field can hold.
_TAG_NAMES = r"jats:[A-Za-z][A-Za-z-]*|mml:[A-Za-z]+|p|i|b|u|em|strong|sub|sup|sc|br|span|div|italic|bold|title|sec|a"
#: Tags that separate words (a paragraph, a heading); the others sit inside a word: "H<sub>2</sub>O".
_BLOCK_TAGS = frozenset({"p", "br", "div", "title", "sec", "jats:p", "jats:title", "jats:sec", "jats:list-item"})
#: Attributes as markup writes them (name="value"): "i<p and q>j" holds none, so it is no tag.
_ATTRIBUTES = r"""(?:\s+[A-Za-z_:][-\w:.]*\s*=\s*(?:"[^"<>]{0,200}"|'[^'<>]{0,200}'|[^\s<>"']{1,200}))*"""
_OPENING = re.compile(rf"<({_TAG_NAMES}){_ATTRIBUTES}\s*(/?)>", re.IGNORECASE)
_CLOSING = re.compile(rf"</({_TAG_NAMES})\s*>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
#: The heading JATS abstracts open with: "<jats:title>Abstract</jats:title>".
_HEADING = re.compile(r"<(?:jats:)?title>\s*(?:abstract|summary)\s*[.:]?\s*</(?:jats:)?title>", re.IGNORECASE)
#: A character reference with its semicolon ("&amp;", "&#946;"): "R&D" and "Q&A" are text.
_REFERENCE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _separator(tag: str) -> str:
    return " " if tag.lower() in _BLOCK_TAGS else ""


def _decoded(match: re.Match[str]) -> str:
    """Decode one reference: a number, or a name HTML defines exactly ("&timesteps;" is text, not "&times;")."""
    body = match.group(1)
    if body.startswith("#"):
        return html.unescape(match.group())
    return html.entities.html5.get(body + ";", match.group())


def strip_markup(text: str) -> str:
    """Return ``text`` without JATS / HTML tags and with character references decoded.

    >>> strip_markup("<jats:title>Abstract</jats:title><jats:p>We propose <jats:italic>Zorb</jats:italic>.</jats:p>").strip()
    'We propose Zorb.'
    >>> strip_markup("H<sub>2</sub>O &amp; &#946;-Zorb, p < 0.05")
    'H2O & β-Zorb, p < 0.05'
    >>> strip_markup("if a<b>c then R&D"), strip_markup("i<p and q>j, a<b>c in <i>Zorb</i>")
    ('if a<b>c then R&D', 'i<p and q>j, a<b>c in Zorb')
    >>> strip_markup("&timesteps; &copy; &#x3b2;")
    '&timesteps; © β'
    """
    if "<" in text:
        closed = {m.group(1).lower() for m in _CLOSING.finditer(text)}
        if closed or _LINE_BREAK.search(text):
            text = _HEADING.sub(" ", text)
            # An opening tag goes only when the text closes a tag of its name (or it closes itself):
            # "a<b>c" in a field that also holds "<i>Zorb</i>" is no bold text.
            text = _OPENING.sub(
                lambda m: _separator(m.group(1)) if m.group(1).lower() in closed or m.group(2) or m.group(1).lower() == "br" else m.group(),
                text,
            )
            text = _CLOSING.sub(lambda m: _separator(m.group(1)), text)
    if "&" in text:
        text = _REFERENCE.sub(_decoded, text)
    return text
