"""Reader for OpenAlex work records (JSON Lines, a JSON array, or an API results page).

OpenAlex does not ship abstracts as text: ``abstract_inverted_index`` maps each
word to the positions where it occurs, and the abstract is rebuilt by putting
the words back in position order. The id comes from ``ids.arxiv`` when
present, else the ``doi``; authors from ``authorships[].author.display_name``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.records import Paper
from kg.sources.base import Item, json_object, make_paper, split_terms
from kg.sources.jsonstream import read_json_any

FORMAT = "openalex"
#: Longest abstract rebuilt (in words); a bigger position is treated as corrupt data.
MAX_WORDS = 20_000


def rebuild_abstract(index: Any) -> str:
    """Return the text an ``abstract_inverted_index`` encodes.

    >>> rebuild_abstract({"We": [0], "graphs": [2], "study": [1], "and": [3], "trees.": [4]})
    'We study graphs and trees.'

    Raises:
        TypeError: the index is not a mapping of words to lists of positions.
        ValueError: a position is negative or implausibly large.
    """
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise TypeError("abstract_inverted_index should be an object of word -> positions")
    slots: dict[int, str] = {}
    for word, positions in index.items():
        if not isinstance(positions, list):
            raise TypeError(f"abstract_inverted_index[{word!r}] should be a list of positions")
        for pos in positions:
            if not isinstance(pos, int) or isinstance(pos, bool) or not 0 <= pos < MAX_WORDS:
                raise ValueError(f"abstract_inverted_index[{word!r}] holds a bad position {pos!r}")
            slots[pos] = word
    return " ".join(slots[pos] for pos in sorted(slots))


def _authors(record: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for authorship in record.get("authorships") or ():
        if isinstance(authorship, dict):
            author = authorship.get("author")
            name = author.get("display_name") if isinstance(author, dict) else None
            name = name or authorship.get("raw_author_name")
            if isinstance(name, str) and name.strip():
                names.append(" ".join(name.split()))
    return tuple(names)


def _categories(record: dict[str, Any]) -> tuple[str, ...]:
    names = []
    for key in ("topics", "concepts"):
        for item in record.get(key) or ():
            if isinstance(item, dict) and isinstance(item.get("display_name"), str):
                names.append(item["display_name"])
        if names:
            break
    return split_terms(names)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def paper_from_openalex(record: Any, *, path: Path, position: int) -> Paper:
    """Build a :class:`Paper` from one OpenAlex work.

    Raises:
        InputError: not an object, a broken inverted index, no title or no abstract.
    """
    record = json_object(record, path=path, position=position)
    try:
        abstract = rebuild_abstract(record.get("abstract_inverted_index"))
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad work: {exc}", path=path, line=position) from None
    ids = _mapping(record.get("ids"))
    arxiv = ids.get("arxiv")
    doi = record.get("doi") or ids.get("doi")
    url = _mapping(record.get("primary_location")).get("landing_page_url")
    return make_paper(
        path=path,
        position=position,
        title=record.get("title") or record.get("display_name"),
        abstract=abstract,
        arxiv_id=arxiv if isinstance(arxiv, str) else None,
        doi=doi if isinstance(doi, str) else None,
        url=url if isinstance(url, str) else None,
        authors=_authors(record),
        date=record.get("publication_date") or record.get("publication_year"),
        categories=_categories(record),
        record="work",
    )


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of an OpenAlex file, and an error for each bad work."""
    yield from read_json_any(path, paper_from_openalex)
