"""Assemble the spaCy pipeline from its config and turn Docs into records.

This is the only module that turns papers into Docs and Docs back into
:class:`kg.records.PaperExtraction`: no spaCy object leaves it. A paper is
one Doc (title, a blank line, abstract); ``doc._.kg_fields`` remembers where
each field lies so every mention gets its field, its offsets inside that
field, and its sentence.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.records import Entity, Link, Mention, Paper, PaperExtraction

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

CONFIG_PATH = Path(__file__).with_name("config.cfg")
"""The default pipeline config."""

MAX_CHARS = 2_000_000
"""Texts longer than this are cut (with a warning) so one bad record cannot exhaust memory."""

_SEPARATOR = "\n\n"
_CACHE: dict[tuple[str, str], Language] = {}
_LOCK = threading.Lock()


def build_pipeline(*, config: Path | str | None = None, overrides: dict[str, Any] | None = None) -> Language:
    """Build a fresh pipeline from a config file (the bundled one by default).

    Args:
        config: a spaCy ``.cfg`` file; ``None`` for ``kg/extract/config.cfg``.
        overrides: dotted config overrides, e.g.
            ``{"components.kg_lexicon.entries.path": "my/lexicons"}``.

    Returns:
        The ``spacy.Language`` with every component ready.
    """
    import spacy

    import kg.extract.components  # noqa: F401  (registers the kg_* factories)

    path = Path(config) if config is not None else CONFIG_PATH
    cfg = spacy.util.load_config(path, overrides=dict(overrides or {}), interpolate=False)
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
    nlp.max_length = MAX_CHARS + len(_SEPARATOR) + 10_000
    return nlp


def load_pipeline(*, config: Path | str | None = None) -> Language:
    """Return the pipeline for ``config``, building it only once per process."""
    path = Path(config) if config is not None else CONFIG_PATH
    key = (str(path.resolve()), str(path.stat().st_mtime_ns) if path.exists() else "")
    with _LOCK:
        nlp = _CACHE.get(key)
        if nlp is None:
            nlp = build_pipeline(config=path)
            _CACHE[key] = nlp
    return nlp


def make_doc(nlp: Language, paper: Paper) -> Doc:
    """Make the unprocessed Doc of a paper: title, a blank line, abstract."""
    title = paper.title or ""
    abstract = paper.abstract or ""
    if len(title) + len(abstract) > MAX_CHARS:
        logger.warning("paper %s: text longer than %d characters was cut", paper.id, MAX_CHARS)
        title = title[: MAX_CHARS // 10]
        abstract = abstract[: MAX_CHARS - len(title)]
    separator = _SEPARATOR if title and abstract else ""
    text = title + separator + abstract
    from kg.extract.components.common import set_ext

    doc = nlp.make_doc(text)
    doc.user_data["kg_text"] = text  # spaCy rebuilds doc.text from tokens on each access
    abstract_start = len(title) + len(separator)
    set_ext(doc, "kg_fields", (("title", 0, len(title)), ("abstract", abstract_start, len(text))))
    return doc


def doc_to_extraction(doc: Doc, paper: Paper, *, extractor: str) -> PaperExtraction:
    """Turn a processed Doc into the paper's plain extraction record."""
    from kg.extract.components.common import doc_text, fields_of, get_ext, sentence_at
    from kg.links import classify_url, clean_url

    text = doc_text(doc)
    field_ranges = fields_of(doc)
    sentences: dict[tuple[int, int], str] = {}  # mentions share sentences: slice and strip each once

    def sentence_of(offset: int) -> str:
        bounds = sentence_at(doc, offset)
        sentence = sentences.get(bounds)
        if sentence is None:
            sentence = sentences[bounds] = text[bounds[0] : bounds[1]].strip()
        return sentence

    def where(start: int, end: int) -> Mention:
        field, f_start = "abstract", 0
        for name, s, e in field_ranges:
            if s <= start < max(e, s + 1):
                field, f_start = name, s
        field_name: Any = field
        return Mention(
            start=start - f_start, end=end - f_start, sentence=sentence_of(start), field=field_name
        )

    entities = tuple(
        Entity(
            type=found["type"],
            name=found["name"],
            aliases=tuple(found["aliases"]),
            role=found["role"],
            confidence=found["confidence"],
            mentions=tuple(where(s, e) for s, e in found["mentions"]),
            component=found["component"],
        )
        for found in get_ext(doc, "kg_entities") or ()
    )
    links: list[Link] = []
    seen: set[str] = set()
    for link in get_ext(doc, "kg_links") or ():
        if link["url"] in seen:
            continue
        seen.add(link["url"])
        sentence = sentence_of(link["start"])
        links.append(Link(url=link["url"], kind=link["kind"], sentence=sentence, origin="text"))
    for link in paper.links:
        cleaned = clean_url(link.url)
        if cleaned is None:
            continue
        url, kind = classify_url(cleaned)
        if url not in seen:
            seen.add(url)
            links.append(Link(url=url, kind=kind, sentence=link.sentence, origin="metadata"))
    return PaperExtraction(paper=paper, entities=entities, links=tuple(links), extractor=extractor)


#: ``on_error(paper, step, error)``: told which paper failed in which step (a pipe name, or
#: ``make_doc`` / ``doc_to_extraction``), so one bad paper never costs the others.
OnError = Callable[[Paper, str, Exception], None]


def run(
    papers: Iterable[Paper],
    *,
    extractor: str,
    batch_size: int = 64,
    nlp: Language | None = None,
    on_error: OnError | None = None,
) -> Iterator[PaperExtraction]:
    """Extract a stream of papers with ``nlp.pipe`` (lazily, in batches).

    With ``on_error``, a batch that raises is run again one paper and one
    pipe at a time: each paper that still fails goes to ``on_error`` and is
    not yielded, the others are. Without it, the first error propagates.
    """
    nlp = nlp or load_pipeline()
    if on_error is None:
        pairs = ((make_doc(nlp, paper), paper) for paper in papers)
        for doc, paper in nlp.pipe(pairs, as_tuples=True, batch_size=max(1, batch_size)):
            yield doc_to_extraction(doc, paper, extractor=extractor)
        return
    iterator = iter(papers)
    while batch := list(islice(iterator, max(1, batch_size))):
        try:
            docs = nlp.pipe([make_doc(nlp, paper) for paper in batch], batch_size=len(batch))
            done = [doc_to_extraction(doc, p, extractor=extractor) for doc, p in zip(docs, batch, strict=True)]
        except Exception:  # noqa: BLE001 - any error of any pipe: find the paper (and pipe) in _run_alone
            done = [record for paper in batch if (record := _run_alone(nlp, paper, extractor, on_error))]
        yield from done


def _run_alone(nlp: Language, paper: Paper, extractor: str, on_error: OnError) -> PaperExtraction | None:
    """Extract one paper pipe by pipe; on an exception tell ``on_error`` which step raised."""
    step = "make_doc"
    try:
        doc = make_doc(nlp, paper)
        for step, pipe in nlp.pipeline:
            doc = pipe(doc)
        step = "doc_to_extraction"
        return doc_to_extraction(doc, paper, extractor=extractor)
    except Exception as error:  # noqa: BLE001 - one bad paper must never cost the others
        on_error(paper, step, error)
        return None
