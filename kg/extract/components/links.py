"""``kg_links``: every URL of the text, cleaned and classified by :mod:`kg.links`.

The URL rules live in :mod:`kg.links` (pure functions, no spaCy) so the
readers and the eval share them; this component only runs them over the Doc
and keeps the results (with offsets) in ``doc._.kg_links`` as plain dicts
(``url``, ``kind``, ``start``, ``end``), so the Doc stays serialisable. Later
steps use the offsets to ignore words inside URLs.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import doc_text, register_extensions, set_ext

#: A dot and two ASCII letters: part of every "host.tld". The pattern starts with a literal, which
#: the regex engine finds fast; the character before the dot is checked in Python (a pattern that
#: starts with a character class scans about 20 times slower).
_DOT_LETTERS = re.compile(r"\.[A-Za-z]{2}")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def maybe_url(text: str) -> bool:
    """Tell whether ``text`` may hold a URL: it has "://" or a "host.tld" (ASCII letter or digit,
    dot, two ASCII letters).

    >>> maybe_url("See github.com/a/b"), maybe_url("We use e.g. BERT. It works."), maybe_url("version 2.0 of it")
    (True, False, False)
    """
    if "://" in text:
        return True
    return any(m.start() and text[m.start() - 1] in _ALNUM for m in _DOT_LETTERS.finditer(text))


class LinkFinder:
    """Find, clean and classify the URLs of a Doc."""

    def __init__(self, name: str = "kg_links") -> None:
        from kg.links import find_links

        register_extensions()
        self.name = name
        self._find_links = find_links

    def __call__(self, doc: Doc) -> Doc:
        """Store the text's URLs in ``doc._.kg_links``, so later steps can skip words inside them."""
        text = doc_text(doc)
        # Every URL has "://" or a "host.tld" (letter or digit, dot, two letters); most abstracts have
        # neither, and this one fast scan spares them the full URL scanner.
        found = self._find_links(text) if maybe_url(text) else []
        plain = [{"url": f.url, "kind": f.kind, "start": f.start, "end": f.end} for f in found]
        set_ext(doc, "kg_links", plain)
        return doc


@Language.factory("kg_links", default_config={})
def make_links(nlp: Language, name: str) -> LinkFinder:
    """Build the ``kg_links`` component."""
    return LinkFinder(name)
