"""Markup some sources leave in titles and abstracts: JATS / HTML tags and character references.

Crossref-fed records (and so many OpenAlex and publisher exports) carry
abstracts as JATS XML (``<jats:p>We propose <jats:italic>Zorb</jats:italic>``),
and a few arXiv abstracts carry HTML (``H<sub>2</sub>O``, ``&#946;``). Left in,
the tags split names ("Zorb" inside ``<jats:italic>``), show up in evidence
sentences and change the words the extractor was trained on. Only known
markup is removed, and tags only when the text closes one (``</jats:p>``,
``</i>``): plain text such as "p < 0.05" or "a<b>c" stays as it is. Nothing
here is executed or fetched; the result is plain text, escaped again by
every output that needs it.
"""

from __future__ import annotations

import html
import re

__all__ = ["strip_markup"]

#: Tag names removed: JATS and MathML by namespace, and the HTML a text field can hold.
_TAG_NAMES = r"jats:[A-Za-z][A-Za-z-]*|mml:[A-Za-z]+|p|i|b|u|em|strong|sub|sup|sc|br|span|div|italic|bold|title|sec|a"
#: Tags that separate words (a paragraph, a heading); the others sit inside a word: "H<sub>2</sub>O".
_BLOCK_TAGS = frozenset({"p", "br", "div", "title", "sec", "jats:p", "jats:title", "jats:sec", "jats:list-item"})
_TAG = re.compile(rf"<(/?)({_TAG_NAMES})(?:\s[^<>]{{0,300}})?\s*/?>", re.IGNORECASE)
_CLOSES_A_TAG = re.compile(rf"</(?:{_TAG_NAMES})\s*>|<br\s*/?>", re.IGNORECASE)
#: The heading JATS abstracts open with: "<jats:title>Abstract</jats:title>".
_HEADING = re.compile(r"<(?:jats:)?title>\s*(?:abstract|summary)\s*[.:]?\s*</(?:jats:)?title>", re.IGNORECASE)
#: A character reference with its semicolon ("&amp;", "&#946;"): "R&D" and "Q&A" are text.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def strip_markup(text: str) -> str:
    """Return ``text`` without JATS / HTML tags and with character references decoded.

    >>> strip_markup("<jats:title>Abstract</jats:title><jats:p>We propose <jats:italic>Zorb</jats:italic>.</jats:p>").strip()
    'We propose Zorb.'
    >>> strip_markup("H<sub>2</sub>O &amp; &#946;-Zorb, p < 0.05")
    'H2O & β-Zorb, p < 0.05'
    >>> strip_markup("if a<b>c then R&D")
    'if a<b>c then R&D'
    """
    if "<" in text and _CLOSES_A_TAG.search(text):
        text = _HEADING.sub(" ", text)
        text = _TAG.sub(lambda m: " " if m.group(2).lower() in _BLOCK_TAGS else "", text)
    if "&" in text:
        text = _REFERENCE.sub(lambda m: html.unescape(m.group()), text)
    return text
