"""Find, clean and classify the URLs an abstract gives (ANNOTATION.md, "Links").

Abstracts reach us through PDF extraction, LaTeX sources and web pages, so a
URL arrives with trailing punctuation, LaTeX leftovers (``\\url{...}``,
``\\href{a}{b}``, the duplicated ``a{a}`` form), escaped underscores, a missing
scheme or a line break in the middle. This module turns such text into
canonical URLs and says what each points to (``code`` / ``model`` /
``dataset`` / ``web``). Pure functions over strings, stdlib only: the spaCy
component in :mod:`kg.extract` calls :func:`find_links`, scoring in
:mod:`kg.eval` calls :func:`url_key`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.normalize import word_set
from kg.records import LinkKind

__all__ = ["FoundLink", "classify_url", "clean_url", "find_links", "url_key"]


@dataclass(frozen=True)
class FoundLink:
    """One URL occurrence found in a text.

    Attributes:
        url: the canonical URL (:func:`classify_url` of the cleaned text).
        kind: ``code``, ``model``, ``dataset`` or ``web``.
        start: offset of the first character of the raw URL in the text.
        end: offset just past its last kept character: trailing punctuation
            and the closing brace of ``\\url{...}`` are outside the span, a
            duplicated ``{...}`` copy and a line-break continuation inside it.
    """

    url: str
    kind: LinkKind
    start: int
    end: int


# Top-level domains accepted for a URL written without a scheme. Country
# codes that are also file extensions (.md, .py, .sh, .pl, .rs) are left out
# on purpose: "see README.md" is not a link. A bare host with no path and no
# "www." ("wandb.ai") must end in one of _BARE_HOST_TLDS; short ones such as
# "to" or "me" need a path ("go.to" is not a link, "youtu.be/x" is).
_BARE_HOST_TLDS = word_set("com org net edu gov io ai dev app info xyz tech science online cloud")
_GENERIC_TLDS = _BARE_HOST_TLDS | word_set("co me ms ly gl to cc tv page site tools")
_COUNTRY_TLDS = word_set("cn uk de fr jp kr ca au ch nl eu in us be it es se ru br at dk fi no pt pl")
# Scheme-less candidates: an optional "www.", dotted labels and a final
# alphabetic label (checked against the TLD lists above).
_BARE_START = re.compile(
    r"(?<![\w@./\\-])((?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,10}))(?=[/:?#]|[^\w.-]|\.(?![\w])|$)",
    re.IGNORECASE,
)
# "https: //x" (a space left by PDF extraction) is accepted; _scan skips it.
_SCHEME_START = re.compile(r"(?<![\w.+-])(?:https?|ftp):[ \t]?//", re.IGNORECASE)

_TRAILING = ".,;:!?'\"*"
_MAX_URL = 2048  # longer "URLs" are runaway scans of garbage, not links
_CLOSERS = {")": "(", "]": "["}
_LATEX_ESCAPES = frozenset("_%#&~$")
# A continuation token after a line break that is plain prose, never a URL part.
_STOPWORDS = word_set(
    "a an and are as at be by for from in is it of on or our see that the this to was we were "
    "which with code data page project available"
)
_FOOTNOTE_MARKS = "*\u2020\u2021\u00a7\u00b6\u2217"
_HOST_OK = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$|^\d{1,3}(?:\.\d{1,3}){3}$")

_CODE_HOSTS = frozenset(
    {
        "github.com",
        "gitlab.com",
        "bitbucket.org",
        "codeberg.org",
        "gitee.com",
        "git.sr.ht",
        "sr.ht",
        "gitea.com",
    }
)
_HF_HOSTS = frozenset({"huggingface.co", "hf.co"})
_SOURCEFORGE = frozenset({"sourceforge.net", "sf.net"})
# First path segments of github.com that are site pages, not owners.
_GITHUB_RESERVED = word_set(
    "about blog collections contact customer-stories enterprise explore features login "
    "marketplace orgs pricing search security settings site sponsors topics trending"
)
# First path segments of huggingface.co that are site sections, not model owners.
_HF_RESERVED = word_set(
    "docs blog papers models learn tasks collections organizations posts pricing join login "
    "settings spaces datasets chat api"
)


def _is_url_char(ch: str) -> bool:
    """Return True for a character that may continue a URL we are scanning."""
    if ch.isspace():
        return False
    if ord(ch) < 128:
        return ch not in "<>\"`|^{}\\'" and ord(ch) > 32
    # Non-ASCII: letters of alphabetic scripts may appear in IRIs; punctuation,
    # symbols, superscript footnote digits and CJK text end the URL.
    return ord(ch) < 0x2000 and unicodedata.category(ch).startswith("L")


def _continuation(text: str, pos: int) -> tuple[int, str] | None:
    """Return (index, token) of the next word after whitespace at ``pos``, if any."""
    j = pos
    n = len(text)
    while j < n and text[j].isspace():
        j += 1
    if j == n or j - pos > 4:
        return None
    k = j
    while k < n and _is_url_char(text[k]):
        k += 1
    return j, text[j:k]


def _joins(url: str, gap: str, token: str) -> bool:
    """Decide whether ``token`` after whitespace continues a URL that ends in ``/-_.``.

    PDF and abstract text break long URLs right after a separator; prose after
    a complete URL that happens to end in one ("https://x.org/ for details")
    must stay out, so the token must look like a URL part.
    """
    if _SCHEME_START.match(token) or token.lower().startswith("www."):
        return False  # the next word is a URL of its own
    if token.startswith("/") and len(token) > 1 and token[1].isalnum():
        # "https://aka.ms /name": a path never starts a word of prose.
        return True
    if not url or url[-1] not in "/-_." or not token or not token[0].isalnum():
        return False
    word = token.rstrip(_TRAILING + ")]")
    if not word or word.lower() in _STOPWORDS:
        return False
    if word.isdigit() and len(word) <= 3:
        # "https://x.org/data/ 23 The ...": a footnote number, not a path.
        return False
    last = url[-1]
    urlish = any(c in word for c in "/-_.=?&%#~") or any(c.isdigit() for c in word)
    if last == ".":
        # "https://github.\ncom/a" yes; "https://x.org/a. The code" no.
        return "/" in word and word[0].islower()
    if urlish:
        return True
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = parts.netloc.lower().removeprefix("www.")
    if last == "/" and host in _CODE_HOSTS and len(_segments(parts.path)) == 1:
        # A code host with an owner but no repository yet: the word is the repo.
        return True
    if "\n" in gap or last in "-_":
        return word[0].islower() or word[0].isdigit()
    return False


def _duplicate_brace(text: str, pos: int, url: str) -> int | None:
    """If ``text[pos]`` opens ``{copy}`` of ``url`` (the LaTeX ``a{a}`` form), return the end."""
    close = text.find("}", pos + 1, pos + 2 + 2 * len(url) + 20)
    if close < 0:
        return None
    inner = text[pos + 1 : close]
    if not inner or any(c.isspace() for c in inner):
        return None
    a = clean_url(inner)
    b = clean_url(url)
    if a is not None and b is not None and url_key(a) == url_key(b):
        return close + 1
    return None


def _scan(text: str, start: int) -> tuple[str, int, int]:
    """Scan one URL starting at ``start``; return (raw url, span end, scan end).

    The raw url has LaTeX escapes undone and line breaks removed but still
    carries trailing punctuation; the span end excludes it.
    """
    n = len(text)
    out: list[str] = []
    ends: list[int] = []  # text offset just past each character in ``out``
    depth = 0
    i = start
    while i < n and len(out) < _MAX_URL:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in _LATEX_ESCAPES:
            out.append(text[i + 1])
            i += 2
            ends.append(i)
            continue
        if ch == "$" and text.startswith("$\\sim$", i):
            out.append("~")
            i += 6
            ends.append(i)
            continue
        if ch.isspace():
            if out and out[-1] == ":" and "://" not in "".join(out) and text.startswith("//", i + 1):
                i += 1
                continue
            if out:
                nxt = _continuation(text, i)
                if nxt is not None and _joins("".join(out), text[i : nxt[0]], nxt[1]):
                    i = nxt[0]
                    continue
            break
        if ch == "{":
            end = _duplicate_brace(text, i, "".join(out)) if out else None
            if end is not None:
                # Keep the copy inside the span but not in the URL.
                trimmed = len("".join(out).rstrip(_TRAILING))
                del out[trimmed:]
                del ends[trimmed:]
                ends[-1] = end
                i = end
            break
        if ch in ",;" and _SCHEME_START.match(text, i + 1):
            break  # "https://a/b,https://c/d": two URLs run together
        if ch in "([":
            depth += 1
        elif ch in _CLOSERS:
            if depth == 0:
                break
            depth -= 1
        elif not _is_url_char(ch):
            break
        out.append(ch)
        i += 1
        ends.append(i)
    raw = "".join(out)
    kept = len(_strip_trailing(raw))
    span_end = ends[kept - 1] if kept else start
    return raw, span_end, max(i, start + 1)


def _strip_trailing(url: str) -> str:
    """Strip trailing punctuation, footnote marks and unbalanced closing brackets."""
    while url:
        last = url[-1]
        if (
            last in _TRAILING
            or last in _FOOTNOTE_MARKS
            or last in _CLOSERS
            and url.count(last) > url.count(_CLOSERS[last])
        ):
            url = url[:-1]
        else:
            break
    return url


def _valid_bare(host: str, tld: str, has_path: bool) -> bool:
    """Accept a scheme-less ``host`` only when it cannot be an ordinary word with dots."""
    tld = tld.lower()
    if host.lower().startswith("www."):
        return tld in _GENERIC_TLDS or tld in _COUNTRY_TLDS
    labels = host.split(".")
    if any(label.isdigit() for label in labels[:-1]) and not all(label.isdigit() for label in labels[:-1]):
        # "v1.2.com"-like fragments of version strings
        return False
    if has_path:
        return tld in _GENERIC_TLDS or tld in _COUNTRY_TLDS
    # No path: "ASP.NET" or "Node.js" are words; only lower-case generic hosts.
    return host == host.lower() and tld in _BARE_HOST_TLDS and len(labels[-2]) >= 2


def clean_url(raw: str) -> str | None:
    """Return the cleaned URL in ``raw``, or ``None`` when it holds no usable URL.

    Removes surrounding whitespace, LaTeX wrappers and escapes, line breaks
    after a separator, a duplicated ``{copy}``, trailing punctuation and
    footnote marks; adds ``https://`` when the scheme is missing and
    lower-cases scheme and host. Path, query and ``%`` escapes are kept as
    written (use :func:`classify_url` for the canonical form).

    Args:
        raw: a URL as it appears in text, e.g. ``"\\\\url{github.com/a/b}."``.

    Returns:
        The URL, or ``None`` if ``raw`` has no host with a dot and a valid
        top-level domain.

    >>> clean_url("\\\\url{https://github.com/a/b}.")
    'https://github.com/a/b'
    >>> clean_url("www.Example.org/Page)")
    'https://www.example.org/Page'
    >>> clean_url("e.g.") is None
    True
    """
    text = raw.strip()
    m = _SCHEME_START.search(text)
    if m is not None:
        url, _, _ = _scan(text, m.start())
    else:
        bare = _BARE_START.search(text)
        if bare is None:
            return None
        url, _, _ = _scan(text, bare.start())
    return _normalise(_strip_trailing(url))


#: A URL whose "port" is a path: ``scheme://[user@]host:path...`` with a path that starts with a letter.
_SCP_PATH = re.compile(r"^([a-z][a-z0-9+.-]*://[^/?#:]+):([A-Za-z_][^/?#]*(?:[/?#].*)?)$", re.IGNORECASE)


def _normalise(url: str) -> str | None:
    """Add a missing scheme, lower-case scheme and host; ``None`` for a non-URL."""
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        scp = _SCP_PATH.match(url)
        if scp is None:
            return None
        # "http://git@github.com:org/repo.git": git's scp-style "host:path", not a port
        return _normalise(f"{scp.group(1)}/{scp.group(2)}")
    host = (parts.hostname or "").lower()
    if not _HOST_OK.match(host):
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):  # only web URLs become links (classify_url would make ftp https)
        return None
    netloc = parts.netloc
    # Keep port and credentials as written but fold the host's case.
    at = netloc.rfind("@")
    prefix, hostport = (netloc[: at + 1], netloc[at + 1 :]) if at >= 0 else ("", netloc)
    hostport = hostport.lower()
    rest = url.split("://", 1)[1][len(netloc) :]
    return f"{scheme}://{prefix}{hostport}{rest}"


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def classify_url(url: str) -> tuple[str, LinkKind]:
    """Return the canonical form of a cleaned URL and what it points to.

    Code repositories are reduced to ``https://host/owner/repo`` (no ``.git``,
    ``/tree/...``, query or fragment; host lower case, owner and repo case
    kept); Hugging Face model and dataset pages to their ``org/name`` page;
    every canonical URL uses ``https`` and has no trailing slash.

    Args:
        url: a URL as returned by :func:`clean_url`.

    Returns:
        ``(canonical url, kind)`` with kind ``code``, ``model``, ``dataset`` or ``web``.

    >>> classify_url("http://www.GitHub.com/Org/Repo.git/tree/main?x=1#readme")
    ('https://github.com/Org/Repo', 'code')
    >>> classify_url("https://huggingface.co/datasets/org/data/viewer")
    ('https://huggingface.co/datasets/org/data', 'dataset')
    >>> classify_url("https://org.github.io/project/")
    ('https://org.github.io/project', 'web')
    """
    full = url if "://" in url else "https://" + url
    parts = urlsplit(full)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # not a number: no port (clean_url never gives one)
        port = None
    if port is not None:
        host = f"{host}:{port}"
    bare_host = host.removeprefix("www.")
    segs = _segments(parts.path)

    if bare_host in _CODE_HOSTS or bare_host.startswith("gitlab."):
        owner_repo = segs[:2]
        if bare_host in ("git.sr.ht", "sr.ht"):
            bare_host = "git.sr.ht"
        if bare_host == "github.com" and segs and segs[0].lower() in _GITHUB_RESERVED:
            owner_repo = []
        if len(owner_repo) == 2:
            repo = owner_repo[1].removesuffix(".git")
            if repo:
                return f"https://{bare_host}/{owner_repo[0]}/{repo}", "code"
    if bare_host == "raw.githubusercontent.com" and len(segs) >= 2:
        return f"https://github.com/{segs[0]}/{segs[1]}", "code"
    if bare_host in _SOURCEFORGE and len(segs) >= 2 and segs[0] == "projects":
        return f"https://sourceforge.net/projects/{segs[1]}", "code"
    if bare_host.endswith((".sourceforge.net", ".sourceforge.io")):
        project = bare_host.split(".", 1)[0]
        return f"https://sourceforge.net/projects/{project}", "code"
    if bare_host in _HF_HOSTS:
        if len(segs) >= 3 and segs[0] == "spaces":
            return f"https://huggingface.co/spaces/{segs[1]}/{segs[2]}", "code"
        if len(segs) >= 2 and segs[0] == "datasets":
            # Canonical datasets have one segment ("squad"), community ones two.
            keep = (
                segs[1:3]
                if len(segs) >= 3 and segs[2] not in ("tree", "blob", "viewer", "resolve")
                else segs[1:2]
            )
            return "https://huggingface.co/datasets/" + "/".join(keep), "dataset"
        if len(segs) >= 2 and segs[0] not in _HF_RESERVED:
            return f"https://huggingface.co/{segs[0]}/{segs[1]}", "model"

    path = parts.path.rstrip("/")
    canonical = f"https://{host}{path}"
    if parts.query:
        canonical += "?" + parts.query
    if parts.fragment:
        canonical += "#" + parts.fragment
    return canonical, "web"


def url_key(url: str) -> str:
    """Return the key under which two URLs count as the same link in scoring.

    Scheme folded to ``https``, host lower case without ``www.``, no trailing
    slash; path case is kept (repository names are case-sensitive).

    >>> url_key("http://WWW.Example.org/A/") == url_key("https://example.org/A")
    True
    """
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    host = parts.netloc.lower().removeprefix("www.")
    key = f"https://{host}{parts.path.rstrip('/')}"
    if parts.query:
        key += "?" + parts.query
    return key


def find_links(text: str) -> list[FoundLink]:
    """Find every URL in ``text``, cleaned and classified, in text order.

    Each occurrence is returned (the same URL twice gives two items, so the
    caller can keep the evidence of each); a LaTeX ``a{a}`` duplicate is one
    occurrence. Scheme-less hosts (``github.com/a/b``, ``www.x.org``) are found
    too, but dotted words such as "e.g.", "Fig.1", "3.5" or "README.md" are not.

    Args:
        text: any text; markup, control characters and very long input are fine.

    Returns:
        The links as :class:`FoundLink` records.

    >>> [(f.url, f.kind) for f in find_links("Code: github.com/a/b, demo at https://a.github.io/b/.")]
    [('https://github.com/a/b', 'code'), ('https://a.github.io/b', 'web')]
    """
    found: list[FoundLink] = []
    pos = 0
    n = len(text)
    m_scheme = _SCHEME_START.search(text)
    while pos < n:
        # Search again only once passed: re-scanning the rest of a long text
        # for every link would be quadratic.
        if m_scheme is not None and m_scheme.start() < pos:
            m_scheme = _SCHEME_START.search(text, pos)
        m_bare = _BARE_START.search(text, pos, m_scheme.start() if m_scheme else n)
        while m_bare is not None:
            host, tld = m_bare.group(1), m_bare.group(2)
            after = m_bare.end()
            has_path = after < n and text[after] == "/"
            if _valid_bare(host, tld, has_path):
                break
            m_bare = _BARE_START.search(text, m_bare.end(), m_scheme.start() if m_scheme else n)
        match = m_bare if m_bare is not None else m_scheme
        if match is None:
            break
        start = match.start()
        raw, span_end, scan_end = _scan(text, start)
        cleaned = _normalise(_strip_trailing(raw))
        if cleaned is not None:
            url, kind = classify_url(cleaned)
            found.append(FoundLink(url=url, kind=kind, start=start, end=span_end))
        pos = max(scan_end, match.end())
    return found
