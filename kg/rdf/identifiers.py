"""Web addresses in the RDF form: which URLs become IRIs, and the canonical IRIs of papers.

URLs in kg come from untrusted text (abstracts, source metadata). In RDF a
URL is most useful as an IRI (linked data tools follow it, SPARQL joins on
it), but an IRI written with a space, a quote or an angle bracket breaks
N-Triples and Turtle. So a URL becomes an IRI only when pyoxigraph's own
RFC 3987 parser accepts it as an absolute ``http``/``https`` IRI with a
host; anything else stays a plain string literal, which every writer
escapes. Nothing here pattern-matches to decide validity.

A paper whose id or URL carries an arXiv id or a DOI gets the canonical IRI
of that identifier (``schema:sameAs``), made from kg's own normal forms
(:func:`kg.normalize.normalize_arxiv_id`, :func:`kg.normalize.normalize_doi`).

This module must not build triples or write files.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from kg.normalize import normalize_arxiv_id, normalize_doi

#: longest URL kept as an IRI; longer ones (no real link is this long) stay literals
MAX_IRI_LENGTH = 4096
_WEB_SCHEMES = ("http", "https")
ARXIV_ABS = "https://arxiv.org/abs/"
DOI_RESOLVER = "https://doi.org/"
# Characters a DOI may keep as written in the path of a doi.org IRI. The DOI
# Handbook (2.5.2.4) requires "%", '"', "#", "?" and space to be percent-encoded
# in URLs and recommends it for "<>{}^[]`|\\"; quote() encodes everything not
# listed here (and non-ASCII as UTF-8), which covers both lists.
_DOI_SAFE = "/:;@&=+$,!~*'()._-"


def web_iri(url: str) -> str | None:
    """Return ``url`` when it is a valid absolute http(s) IRI with a host, else ``None``.

    Validity is decided by pyoxigraph's IRI parser (RFC 3987), the same one
    that reads the files back, so what passes here never breaks a writer.

    >>> web_iri("https://github.com/org/repo")
    'https://github.com/org/repo'
    >>> web_iri('https://example.org/a b"<c>') is None
    True
    >>> web_iri("javascript:alert(1)") is None
    True
    """
    import pyoxigraph as ox

    if not isinstance(url, str) or not url or len(url) > MAX_IRI_LENGTH:
        return None
    try:
        ox.NamedNode(url)
    except (ValueError, UnicodeError):
        return None
    # a valid absolute IRI: scheme ":" ["//" authority] path; split it by that grammar
    scheme, _, rest = url.partition(":")
    if scheme.lower() not in _WEB_SCHEMES or not rest.startswith("//"):
        return None
    authority = rest[2:]
    for end in "/?#":
        authority = authority.split(end, 1)[0]
    host = authority.rpartition("@")[2]
    if not host.startswith("["):
        host = host.partition(":")[0]
    if not host:
        return None
    return url


def arxiv_iri(value: str | None) -> str | None:
    """Return ``https://arxiv.org/abs/ID`` (no version) for an arXiv id or URL, else ``None``.

    Old-style ids keep their archive in lower case and subject class in
    upper case, as arXiv writes them.

    >>> arxiv_iri("arXiv:2508.12345v3")
    'https://arxiv.org/abs/2508.12345'
    >>> arxiv_iri("MATH.gt/0309136v1")
    'https://arxiv.org/abs/math.GT/0309136'
    """
    norm = normalize_arxiv_id(value) if value else None
    if norm is None:
        return None
    if "/" in norm:
        archive, number = norm.split("/", 1)
        name, dot, subject = archive.partition(".")
        norm = f"{name.lower()}{dot}{subject.upper()}/{number}"
    # the normal form holds only letters, digits, '.', '-' and '/': a valid IRI path as it is
    return ARXIV_ABS + norm


def doi_iri(value: str | None) -> str | None:
    """Return ``https://doi.org/DOI`` for a DOI (bare, ``doi:`` or resolver URL), else ``None``.

    DOIs are case-insensitive, so the DOI is lower-cased (as kg's paper ids
    are) and the characters the DOI Handbook says to encode in URLs are
    percent-encoded; the result is checked as an IRI like any URL.

    >>> doi_iri("https://dx.doi.org/10.1000/ABC#1")
    'https://doi.org/10.1000/abc%231'
    >>> doi_iri("not a doi") is None
    True
    """
    norm = normalize_doi(value) if value else None
    if norm is None:
        return None
    return web_iri(DOI_RESOLVER + quote(norm, safe=_DOI_SAFE))


def same_as_iris(paper_id: str | None, url: str | None) -> list[str]:
    """Return the canonical IRIs of a paper, from its kg id (``arxiv:...``, ``doi:...``) and its URL.

    Sorted and de-duplicated; empty for a paper known only by its title.

    >>> same_as_iris("arxiv:2508.12345", "https://doi.org/10.1000/X")
    ['https://arxiv.org/abs/2508.12345', 'https://doi.org/10.1000/x']
    >>> same_as_iris("a-title-slug-1234abcd", None)
    []
    """
    found: set[str] = set()
    pid = paper_id or ""
    if pid.startswith("arxiv:"):
        iri = arxiv_iri(pid)
        if iri:
            found.add(iri)
    elif pid.startswith("doi:"):
        iri = doi_iri(pid)
        if iri:
            found.add(iri)
    if url:
        iri = arxiv_iri(url) if _is_arxiv_page(url) else doi_iri(url) if _is_doi_page(url) else None
        if iri:
            found.add(iri)
    return sorted(found)


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _is_arxiv_page(url: str) -> bool:
    # the substring test only skips the parse for the many URLs that cannot match
    return "arxiv.org" in url.lower() and _host(url) in ("arxiv.org", "export.arxiv.org")


def _is_doi_page(url: str) -> bool:
    return "doi.org" in url.lower() and _host(url) in ("doi.org", "dx.doi.org")


__all__ = ["MAX_IRI_LENGTH", "arxiv_iri", "doi_iri", "same_as_iris", "web_iri"]
