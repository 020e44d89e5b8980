"""``kg_roles``: mark what the paper itself introduces as ``proposed``.

A candidate is proposed when

* a cue rule of ``kg_names`` already said so (title prefix, "we propose X",
  "dubbed X");
* it starts inside the object of a proposal clause ("we introduce a new
  benchmark, X, ...");
* the paper owns it: "our X", "the proposed X";
* it is introduced as new: "X, a novel ...", "X is a new ...";
* it is a task the paper defines: "a new task/problem/setting (called) X";
* it is a new part of a proposed system: "ZorpNet introduces a Blixa Gate".

Well-known names from the lexicons stay ``used`` whatever the cue ("we propose
to use LoRA"), unless they are the title's prefix. Everything else is ``used``.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import (
    Candidate,
    candidates,
    cue_windows,
    doc_text,
    norm_key,
    register_extensions,
    sentence_at,
)
from kg.extract.components.patterns import cue_patterns, system_part_window
from kg.extract.wordlists import WordLists, load_word_lists

_NEW_APPOSITIVE = re.compile(
    r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:,|\bis|:|\u2014|--)\s*(?:a|an|the|our)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:novel|new|first|proposed|simple|lightweight|unified|general|scalable|large-scale)\b"
)
_NEW_BEFORE = re.compile(r"\b(?:a|an|the|our)\s+(?:new|novel)\s+$")
_NEW_TASK = re.compile(r"\b(?:new|novel)\s+(?:[\w-]+\s+){0,2}(?:task|problem|setting|paradigm)s?\b")


class RoleMarker:
    """Set ``proposed`` on the candidates the paper introduces."""

    def __init__(self, name: str = "kg_roles", *, word_lists: WordLists | None = None) -> None:
        register_extensions()
        self.name = name
        self.cues = cue_patterns(word_lists or load_word_lists())

    def __call__(self, doc: Doc) -> Doc:
        """Mark the candidates the paper itself introduces as proposed; the rest stay ``used``."""
        text = doc_text(doc)
        found = candidates(doc)
        if not found:
            return doc
        proposals, _ = cue_windows(doc, self.cues)
        owner, owned = self.cues.first_person_owner, self.cues.owned_type_noun
        by_sentence: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for cue_start, o_s, o_e in proposals:
            by_sentence.setdefault(sentence_at(doc, cue_start), []).append((o_s, o_e))
        new_task_sents: dict[tuple[int, int], bool] = {}
        for cand in found:
            if cand.proposed or cand.known:
                continue
            sent = sentence_at(doc, cand.start)
            windows = by_sentence.get(sent, [])
            if any(o_s <= cand.start < o_e for o_s, o_e in windows):
                if cand.type == "Task":
                    cand.proposed = _says_new_task(text, sent, new_task_sents)
                else:
                    cand.proposed = True
                continue
            if cand.type == "Task":
                if _says_new_task(text, sent, new_task_sents) and any(
                    o_s <= cand.start for o_s, _ in windows
                ):
                    cand.proposed = True
                continue
            before = text[max(0, cand.start - 40) : cand.start]
            if owner.search(before) or owned.search(before) or _NEW_BEFORE.search(before):
                cand.proposed = True  # "our X", "a novel X"
            elif _NEW_APPOSITIVE.match(text, cand.end):
                cand.proposed = True  # "X, a novel ..."
        self._mark_system_parts(doc, text, found)
        return doc

    def _mark_system_parts(self, doc: Doc, text: str, found: list[Candidate]) -> None:
        """Mark proposed the new parts a proposed system is said to add ("ZorpNet introduces a Blixa Gate").

        The guide makes a proposed system's new named parts proposed; a verb of
        novelty right after the system's name (``system_adds`` of ``cues.tsv``)
        says the names in its object are such parts. Well-known names stay used.
        """
        proposed = {norm_key(c.text) for c in found if c.proposed and c.type != "Task"}
        for system in [c for c in found if norm_key(c.text) in proposed]:
            window = system_part_window(text, system.end, sentence_at(doc, system.start)[1], self.cues)
            if window is None:
                continue
            for cand in found:
                if not cand.proposed and not cand.known and window[0] <= cand.start < window[1]:
                    cand.proposed = True


def _says_new_task(text: str, sent: tuple[int, int], cache: dict[tuple[int, int], bool]) -> bool:
    """Tell whether a sentence announces a new task or problem setting."""
    value = cache.get(sent)
    if value is None:
        value = bool(_NEW_TASK.search(text, sent[0], sent[1]))
        cache[sent] = value
    return value


@Language.factory("kg_roles", default_config={"word_lists": {"@misc": "kg.word_lists.v1", "path": None}})
def make_roles(nlp: Language, name: str, word_lists: WordLists) -> RoleMarker:
    """Build the ``kg_roles`` component."""
    return RoleMarker(name, word_lists=word_lists)
