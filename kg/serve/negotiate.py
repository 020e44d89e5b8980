"""Content negotiation for ``kg serve``: which results format a client gets.

The ``format``/``output`` parameter (as SPARQLWrapper and browsers send it)
wins over the ``Accept`` header; unknown parameter values fall back to SPARQL
JSON for SELECT/ASK and Turtle for CONSTRUCT/DESCRIBE rather than failing. An
``Accept`` header that names nothing kg can write for that kind of answer
(wildcards included) gets ``None``, which the server answers with 406. The
formats themselves are written by :mod:`kg.query` (HTML by :mod:`kg.serve.pages`).
"""

from __future__ import annotations

#: result format name -> media type sent back
RESULT_MEDIA: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples; charset=utf-8",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
#: media types a client may ask for -> (format for SELECT/ASK, format for CONSTRUCT/DESCRIBE)
_ACCEPT: dict[str, tuple[str | None, str | None]] = {
    "application/sparql-results+json": ("json", None),
    "application/json": ("json", "jsonld"),
    "text/javascript": ("json", None),
    "application/javascript": ("json", None),
    "application/sparql-results+xml": ("xml", None),
    "application/xml": ("xml", "rdfxml"),
    "text/xml": ("xml", "rdfxml"),
    "text/csv": ("csv", None),
    "text/tab-separated-values": ("tsv", None),
    "text/turtle": (None, "turtle"),
    "application/turtle": (None, "turtle"),
    "application/x-turtle": (None, "turtle"),
    "application/n-triples": (None, "nt"),
    "text/plain": (None, "nt"),
    "application/rdf+xml": (None, "rdfxml"),
    "application/ld+json": (None, "jsonld"),
    "application/x-json+ld": (None, "jsonld"),
}
#: values of the ``format``/``output`` parameter -> (SELECT/ASK format, CONSTRUCT format)
_FORMAT_PARAM: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "html": ("html", "turtle"),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "nt": (None, "nt"),
    "ntriples": (None, "nt"),
    "rdf+xml": (None, "rdfxml"),
    "json-ld": (None, "jsonld"),
    **_ACCEPT,
}


#: formats a wildcard (``*/*``, ``text/*``) may give, best first
_PREFERRED: dict[int, tuple[str, ...]] = {0: ("json", "xml", "csv", "tsv"), 1: ("turtle", "nt", "jsonld", "rdfxml")}


def _wildcard(media: str, index: int) -> str | None:
    if media == "*/*" or media == "*":
        return _PREFERRED[index][0]
    if media.endswith("/*"):
        major = media[:-2]
        for fmt in _PREFERRED[index]:
            if RESULT_MEDIA[fmt].split("/", 1)[0] == major:
                return fmt
    return None



def weighted_items(header: str | None) -> list[tuple[str, float]]:
    """Split an ``Accept``-style header into (lower-cased item, q value), in header order.

    A missing ``q`` is 1, an unreadable one 0 (the item is refused).

    >>> weighted_items("text/html, */*;q=0.8, gzip;q=x")
    [('text/html', 1.0), ('*/*', 0.8), ('gzip', 0.0)]
    """
    items = []
    for part in (header or "").split(","):
        item, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        items.append((item.strip().lower(), q))
    return items

def choose_format(kind: str, accept: str | None, param: str | None) -> str | None:
    """Pick the result format for a query of ``kind`` from a format parameter or an Accept header.

    The ``format``/``output`` parameter (as SPARQLWrapper and browsers send
    it) wins over ``Accept``; among Accept entries the highest ``q`` wins,
    earlier on ties; ``*/*`` and ``type/*`` match the best format of that
    type. No parameter and no ``Accept`` (or an empty one) give SPARQL JSON
    (SELECT/ASK) or Turtle (CONSTRUCT/DESCRIBE).

    Returns:
        The format, or ``None`` when the ``Accept`` header names nothing kg
        can write for this kind of answer (the server then answers 406).

    Args:
        kind: ``"select"``, ``"ask"`` or ``"graph"`` (the kind of :class:`kg.query.QueryResult`).
        accept: the Accept header.
        param: the ``format`` or ``output`` parameter.

    >>> choose_format("select", "text/csv;q=0.5, application/sparql-results+xml", None)
    'xml'
    >>> choose_format("graph", "*/*", None)
    'turtle'
    >>> choose_format("select", "text/html", "tsv")
    'tsv'
    >>> choose_format("graph", "application/sparql-results+json", None) is None
    True
    """
    index = 1 if kind == "graph" else 0
    default = "turtle" if kind == "graph" else "json"
    if param:
        choice = _FORMAT_PARAM.get(param.strip().lower())
        chosen = choice[index] if choice else None
        if chosen:
            return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, (media, q) in enumerate(weighted_items(accept)):
        choice = _ACCEPT.get(media)
        chosen = choice[index] if choice else _wildcard(media, index)
        if q > 0 and chosen:
            ranked.append((-q, position, chosen))
    if ranked:
        return min(ranked)[2]
    return default if not (accept or "").strip() else None


__all__ = ["RESULT_MEDIA", "choose_format", "weighted_items"]
