"""Reader for the plain-text dump of a Hugging Face *Daily Papers* page.

The dump is page chrome (menu, "Subscribe", ...), a date line such as
``Aug 29``, then for each paper a title paragraph followed by one or more
abstract paragraphs, paragraphs separated by blank lines. Nothing marks which
paragraph is which, so the reader decides by shape, in a way that does not
depend on one day's page:

* a *title* is short (at most 300 characters, 40 words), has no final
  period, colon or comma, and holds no URL;
* *prose* is long (200+ characters) or a sentence of 8+ words ending in
  ``.``, ``!`` or ``?``;
* a title-shaped paragraph starts a paper only when the next paragraph that
  is not page noise (vote counts, "Submitted by ...") is prose;
* later paragraphs continue the current abstract when they read like text
  (a sentence, a URL, or 80+ characters); short menu words are dropped.

A title-shaped paragraph (4+ words) between papers that is not followed by
an abstract is reported as a record without abstract. Noise lines inside a
paragraph are dropped. A date line gives ``Paper.date`` to the papers after
it (a dump of several days has several); its year comes from the line itself
or, when the page shows only month and day, from a ``YYYY-MM-DD`` in the
file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.normalize import collapse_whitespace
from kg.sources.base import Item, Line, iter_lines, make_paper

FORMAT = "daily"
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DATE_LINE = re.compile(
    r"^(?:(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:,?\s+(?P<year>\d{4}))?|(?P<iso>\d{4}-\d{2}-\d{2}))$",
    re.IGNORECASE,
)
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_NOISE = re.compile(
    r"^(?:[\d.,\s·•|+kK]+|upvote\b.*|submitted by\b.*|·.*|\d+ authors?|view (?:arxiv|pdf|paper).*|"
    r"(?:github|arxiv page|project page|collection|comments?)(?: \d+)?)$",
    re.IGNORECASE,
)
MAX_TITLE_CHARS = 300
MAX_TITLE_WORDS = 40


@dataclass
class Block:
    """One paragraph: its text (lines joined), first line number and any undecodable line."""

    text: str
    line: int
    bad: Line | None = None


@dataclass
class _Draft:
    title: Block
    paragraphs: list[Block] = field(default_factory=list)


def _blocks(path: Path) -> Iterator[Block]:
    lines: list[Line] = []
    for line in iter_lines(path):
        if line.text.strip():
            lines.append(line)
            continue
        if lines:
            yield _block(lines)
            lines = []
    if lines:
        yield _block(lines)


def _block(lines: list[Line]) -> Block:
    if len(lines) > 1:  # "Submitted by ..." or a vote count on its own line inside a paragraph
        kept = [x for x in lines if not is_noise(collapse_whitespace(x.text))]
        lines = kept or lines
    text = collapse_whitespace(" ".join(x.text for x in lines))
    bad = next((x for x in lines if x.bad is not None), None)
    return Block(text=text, line=lines[0].number, bad=bad)


def is_noise(text: str) -> bool:
    """Return True for page furniture between papers: counts, "Submitted by ...", bullets.

    >>> is_noise("Submitted by someone"), is_noise("12"), is_noise("Pareto Domain Adaptation")
    (True, True, False)
    """
    return bool(_NOISE.match(text))


def is_title(text: str) -> bool:
    """Return True when ``text`` has the shape of a paper title.

    >>> is_title("Learning Things with Other Things"), is_title("We study things."), is_title("Code: x,")
    (True, False, False)
    """
    if not text or is_noise(text) or _URL.search(text):
        return False
    if len(text) > MAX_TITLE_CHARS or len(text.split()) > MAX_TITLE_WORDS:
        return False
    if text[-1] in ".,;:":
        return False
    return any(c.isalpha() for c in text)


def is_prose(text: str) -> bool:
    """Return True when ``text`` reads like an abstract paragraph.

    >>> is_prose("Short Title Words"), is_prose("We propose a method that works well on many tasks.")
    (False, True)
    """
    if is_noise(text):
        return False
    if len(text) >= 200:
        return True
    return text[-1] in ".!?" and len(text.split()) >= 8


def title_case(text: str) -> bool:
    """Return True when most longer words are capitalised, as in most titles.

    >>> title_case("Domain Adaptation for Face Anti-Spoofing"), title_case("code and data will be released")
    (True, False)
    """
    words = [w for w in re.findall(r"[^\W\d_][\w'-]*", text) if len(w) > 3]
    if not words:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)


def _continues(text: str) -> bool:
    return not is_noise(text) and (text[-1] in ".!?)" or bool(_URL.search(text)) or len(text) >= 80)


def page_date(text: str, path: Path) -> str | None:
    """Return the ISO date of a date line, or ``None`` when ``text`` is not one.

    >>> page_date("Aug 29", Path("daily-papers-2025-08-29.txt")), page_date("Aug 29", Path("x.txt"))
    ('2025-08-29', None)
    """
    m = _DATE_LINE.match(text.strip())
    if not m:
        return None
    if m.group("iso"):
        return m.group("iso")
    month = _MONTHS.index(m.group("mon").lower()[:3]) + 1
    day = int(m.group("day"))
    if m.group("year"):
        return f"{m.group('year')}-{month:02d}-{day:02d}"
    f = _FILE_DATE.search(path.name)
    if f and int(f.group(2)) == month and int(f.group(3)) == day:
        return f.group(0)
    return None


def _is_date_line(text: str) -> bool:
    return bool(_DATE_LINE.match(text.strip()))


def read(path: Path) -> Iterator[Item]:
    """Yield the papers of a Daily Papers text dump, and an error for each bad one."""
    blocks = _blocks(path)
    window: list[Block] = []
    date: str | None = None
    draft: _Draft | None = None
    papers_seen = 0

    def next_content(skip: int = 0) -> Block | None:
        """The next block (after ``skip`` others) that is not page noise, reading ahead as needed."""
        i = 1
        while True:
            while len(window) <= i:
                nxt = next(blocks, None)
                if nxt is None:
                    return None
                window.append(nxt)
            if not is_noise(window[i].text):
                if skip == 0:
                    return window[i]
                skip -= 1
            i += 1

    def starts_paper(text: str) -> bool:
        """A title-shaped block starts a paper when an abstract follows it."""
        following = next_content()
        if following is None:
            return False
        if is_prose(following.text) and not is_title(following.text):
            return True
        # An abstract may open with a short question ("What makes a reward model robust?").
        after = next_content(1)
        return (following.text[-1] in "?!" and not title_case(following.text) and after is not None
                and is_prose(after.text) and not is_title(after.text))

    def finish(d: _Draft) -> Item:
        bad = d.title.bad or next((p.bad for p in d.paragraphs if p.bad is not None), None)
        if bad is not None:
            return InputError(bad.bad or "not valid UTF-8", path=path, line=bad.number)
        try:
            return make_paper(path=path, position=d.title.line, title=d.title.text,
                              abstract=" ".join(p.text for p in d.paragraphs), date=date, record="paper")
        except InputError as exc:
            return exc

    while True:
        if not window:
            nxt = next(blocks, None)
            if nxt is None:
                break
            window.append(nxt)
        block = window[0]
        text = block.text
        if _is_date_line(text):  # the page's date; a dump of several days has several
            if draft is not None:
                yield finish(draft)
                papers_seen += 1
                draft = None
            date = page_date(text, path)
        elif draft is not None and not draft.paragraphs:
            if not is_noise(text):  # a title is always followed by its abstract
                draft.paragraphs.append(block)
        elif is_title(text):
            following = next_content()
            if starts_paper(text):
                if draft is not None:
                    yield finish(draft)
                    papers_seen += 1
                draft = _Draft(title=block)
            elif draft is not None and not title_case(text) and _continues(text):
                draft.paragraphs.append(block)
            elif draft is not None and title_case(text) and len(text.split()) >= 4 and following is not None:
                yield InputError(f"paper {text[:60]!r} has no abstract paragraph after its title",
                                 path=path, line=block.line)
        elif draft is not None and _continues(text):
            draft.paragraphs.append(block)
        window.pop(0)
    if draft is not None:
        yield finish(draft)
