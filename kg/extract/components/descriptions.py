"""Lower-case descriptions of what a paper proposes or names: "a staged curriculum", "a setting termed X".

Coined names are capitalised or oddly shaped, and :mod:`kg.extract.components.names`
finds those; but papers also introduce their contribution in plain words ("we
propose a staged warm-up schedule", "a new session gating layer", "a setting
termed quiet glyph recall"). These functions read such a description from the
window a cue opened, and decide whether it names a thing (it ends in a
head noun of a part or method, it is not a stop word, a problem or a generic
phrase) and of which type. Pure functions over strings and the word lists.
"""

from __future__ import annotations

import itertools
import re

from kg.extract.components.common import norm_key
from kg.extract.wordlists import WordLists

_WINDOW_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


def described_method(text: str, start: int, end: int, lists: WordLists) -> tuple[int, int] | None:
    """Return the lower-case description of a proposed method ("we propose a staged warm-up schedule")."""
    stop = lists.stop_words
    words = [m for m in _WINDOW_WORD.finditer(text, start, end)]
    i = 0
    while i < len(words) and (words[i].group(0).lower() in stop or words[i].group(0).isdigit()):
        i += 1
    phrase = words[i:]
    if not phrase:
        return None
    for prev, cur in itertools.pairwise(phrase):
        if text[prev.end() : cur.start()].strip():
            return None  # a comma, a bracket: not one noun phrase
    if any(w.group(0).lower() in stop for w in phrase):
        return None
    if any(w.group(0)[0].isupper() and not w.group(0).isupper() for w in phrase):
        return None
    last = phrase[-1].group(0).lower()
    if last in lists.data_words:
        return None
    if last in lists.trailing_type_words and len(phrase) > 2:
        phrase = phrase[:-1]
        last = phrase[-1].group(0).lower()
    if not 2 <= len(phrase) <= 6:
        return None
    if len(phrase) == 2 and last in lists.bare_type_words:
        return None  # "a retrieval-based strategy", "a conditional module": a kind of thing, not a name
    if any(c.isupper() for w in phrase for c in w.group(0)[1:]) and not all(
        w.group(0).isupper() for w in phrase
    ):
        return None  # "mAP improvement": a measure, not a method description
    if last not in lists.proposal_heads and not last.endswith(("tion", "sion", "ing")):
        return None
    if last in lists.task_heads:
        return None  # a problem, not a method: kg_phrases types it
    s, e = phrase[0].start(), phrase[-1].end()
    if norm_key(text[s:e]) in lists.generic:
        return None
    return s, e


def new_part(text: str, start: int, lists: WordLists) -> tuple[int, int] | None:
    """Return the description after "a new / our novel" when it ends in a component head.

    "a new session gating layer before ranking" -> "session gating layer": the
    longest run of up to six words that ends in a proposal head noun (layer,
    loss, reward, module ...) and that :func:`described_method` accepts.
    """
    ends: list[int] = []
    for count, m in enumerate(_WINDOW_WORD.finditer(text, start, min(len(text), start + 90))):
        gap = text[ends[-1] if ends else start : m.start()]
        if count >= 6 or gap.strip() or m.group(0).lower() in lists.stop_words:
            break
        ends.append(m.end())
    for end in reversed(ends):
        last = text[text.rfind(" ", start, end) + 1 : end].lower()
        if last in lists.proposal_heads:
            return described_method(text, start, end, lists)
    return None


_LOWER_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?: [a-z][a-z0-9]*(?:-[a-z0-9]+)*){1,5}")
_OWN_BEFORE_CUE = re.compile(r"\b(?:[Ww]e|[Oo]ur|new|novel)\b")
_SETTING_BEFORE_CUE = re.compile(r"\b(?:task|problem|setting|scenario|challenge)s?\b[^.]{0,20}$")


def lower_case_name(
    text: str, start: int, end: int, sent_start: int, lists: WordLists
) -> tuple[int, int, str] | None:
    """Return (start, end, type) of a lower-case name after a naming cue ("a setting termed glyph recall").

    Only in a sentence where the paper speaks of its own or new work ("we", "our",
    "new"), so "a problem known as label noise" stays a used term. The type is
    Task when the sentence calls it a task, problem or setting, or its last word
    is a task head; Method otherwise.
    """
    m = _LOWER_NAME.match(text, start, max(start, end))
    if not m:
        return None
    cue_at = text.rfind(" ", sent_start, max(sent_start, start - 1))
    before = text[sent_start : max(sent_start, cue_at)]
    if "so-" in text[max(0, start - 12) : start] or not _OWN_BEFORE_CUE.search(before):
        return None
    words = m.group(0).split()
    # the name ends at its first stop word: "termed glyph recall and show that ..." is "glyph recall"
    cut = next((i for i, w in enumerate(words) if i and w in lists.stop_words), len(words))
    words = words[:cut]
    if len(words) < 2 or words[0] in lists.stop_words or norm_key(" ".join(words)) in lists.generic:
        return None
    n_end = start + len(" ".join(words))
    last = words[-1]
    type_ = "Task" if last in lists.task_heads or _SETTING_BEFORE_CUE.search(before) else "Method"
    return start, n_end, type_
