"""``kg_phrases``: tasks and methods named by lower-case noun phrases, found by their head noun.

Tasks and established techniques are mostly lower-case noun phrases
("few-shot glyph recognition", "spectral smoothness loss"). Without a
tagger, a phrase is grown leftwards from a head noun (the ``head`` words of
``kg/extract/words/type_words.tsv``) over words that can modify a noun (not
stop words, verbs in ``-ing``, adverbs or plurals); the explicit frames "the
task/problem of X" and "X task" give tasks too. A head with no modifier is
never enough ("segmentation", "learning" alone are too vague).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from kg.extract.components.common import (
    LATIN_ABBREVIATION,
    Candidate,
    candidates,
    doc_text,
    fields_of,
    norm_key,
    pattern_tokenizer,
    register_extensions,
)
from kg.extract.wordlists import WordLists, load_word_lists

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_TASK_WORD = re.compile(r"(?<![\w-])(?:task|problem)\b")
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|our|new|novel)\s+$", re.IGNORECASE)
_TASK_OF = re.compile(r"\b(?:task|problem|challenge)s? of\s+")


def modifier_ok(word: str, lists: WordLists, *, title_case: bool) -> bool:
    """Tell whether ``word`` can sit in front of a head noun as part of a name.

    >>> lists = load_word_lists()
    >>> [modifier_ok(w, lists, title_case=False) for w in ("few-shot", "the", "quickly", "images", "time")]
    [True, False, False, False, True]
    """
    low = word.lower()
    if low in lists.stop_words or len(low) < 2 or low.endswith(lists.not_modifier_endings):
        return False
    if not title_case and word[0].isupper() and not word.isupper():
        return False
    if low.endswith("ly") and "-" not in low and low not in lists.ly_nouns:
        return False
    if low.endswith("ing") and "-" not in low:
        return False
    return not (low.endswith("s") and not low.endswith(lists.not_plural_endings) and not word.isupper())


#: "for X" with X two to four lower-case words, ending before punctuation or a clause word.
_FOR_PHRASE = re.compile(
    r"\bfor ((?:[a-z][a-z0-9]*(?:-[a-z0-9]+)* ){1,3}[a-z][a-z0-9]*(?:-[a-z0-9]+)*)"
    r"(?=[,.;:)]| (?:and|or|in|on|with|by|via|using|through|that|which|is|are|tasks?|,)\b)"
)
_BRACKETED = re.compile(r"\s*\([^()]{1,20}\)")


def _recurring_suffix(
    text: str, start: int, head_start: int, end: int, fields: tuple[tuple[str, int, int], ...]
) -> int | None:
    """Return the start of the longest title phrase ending at ``end`` that the abstract repeats.

    Titles capitalise every word, so where a phrase starts is unclear there;
    the abstract's own wording decides ("Robust Zero-Shot Glyph Translation"
    -> "zero-shot glyph translation" if that is what it says).
    """
    abstract = next(((s, e) for name, s, e in fields if name == "abstract"), None)
    if abstract is None:
        return None
    body = _BRACKETED.sub("", text[abstract[0] : abstract[1]].lower())  # "knowledge graph (KG) completion"
    words = [m.start() for m in re.finditer(r"\S+", text[start:head_start])]
    for offset in words:
        phrase = text[start + offset : end].lower()
        at = body.find(phrase)
        while at >= 0:
            before = body[at - 1] if at > 0 else " "
            after = body[at + len(phrase)] if at + len(phrase) < len(body) else " "
            if not (before.isalnum() or before == "-") and not (after.isalnum() or after == "-"):
                return start + offset
            at = body.find(phrase, at + 1)
    return None


def _sentence_initial(text: str, floor: int, at: int) -> bool:
    """Tell whether the word at ``at`` starts a sentence (so its capital says nothing)."""
    i = at
    while i > floor and text[i - 1] in " \t\n\"'(":
        i -= 1
    return i == floor or text[i - 1] in ".!?:"


class PhraseFinder:
    """Grow task and method phrases leftwards from head nouns; read "task of X" frames.

    Head nouns are found with a ``PhraseMatcher`` on ``LOWER`` (C speed); only
    the few hits are looked at in Python.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_phrases",
        *,
        word_lists: WordLists | None = None,
        task_confidence: float = 0.55,
        method_confidence: float = 0.5,
        for_frame_confidence: float = 0.5,
        max_modifiers: int = 4,
    ) -> None:
        """Set up the head-noun matcher.

        Args:
            nlp: the pipeline (its vocab and language).
            name: the component name.
            word_lists: the word lists (the bundled ones when None).
            task_confidence: a task phrase grown from a head or read from "the task of X".
            method_confidence: a method phrase grown from a head.
            for_frame_confidence: a task read from "for X" ("for glyph selection").
            max_modifiers: how many words may stand before a head.
        """
        register_extensions()
        self.name = name
        self.lists = word_lists or load_word_lists()
        self.task_confidence = task_confidence
        self.method_confidence = method_confidence
        self.for_frame_confidence = for_frame_confidence
        self.max_modifiers = max_modifiers
        tokenizer = pattern_tokenizer(nlp)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        heads = self.lists
        self.matcher.add("kg_task_head", list(tokenizer.pipe(sorted(heads.task_heads))))
        self.matcher.add(
            "kg_method_head", list(tokenizer.pipe(sorted(heads.method_heads - heads.task_heads)))
        )
        self._task_id = nlp.vocab.strings.add("kg_task_head")

    def __call__(self, doc: Doc) -> Doc:
        """Add task and method candidates grown leftwards from head nouns, where a real modifier exists."""
        text = doc_text(doc)
        if not text.strip():
            return doc
        found = candidates(doc)
        fields = fields_of(doc)
        for match_id, start, end in self.matcher(doc):
            first, last = doc[start], doc[end - 1]
            h_start, h_end = first.idx, last.idx + len(last)
            if h_end < len(text) and (text[h_end].isalnum() or text[h_end] == "-"):
                continue
            f_start, title_case = 0, False
            for field, s, e in fields:
                if s <= h_start < e:
                    f_start, title_case = s, field == "title"
            if not title_case and text[h_start].isupper():
                continue
            hyphens = 0
            while h_start > f_start + 1 and text[h_start - 1] == "-" and text[h_start - 2].isalnum():
                h_start -= 1
                while h_start > f_start and text[h_start - 1].isalnum():
                    h_start -= 1
                hyphens += 1
            head = last.lower_
            type_ = "Task" if match_id == self._task_id else "Method"
            need = 2 if head in self.lists.weak_task_heads or head in self.lists.weak_method_heads else 1
            phrase_start = self._grow(text, f_start, h_start, title_case=title_case)
            modifiers = text[phrase_start:h_start].split()
            if len(modifiers) + sum(w.count("-") for w in modifiers) + hyphens < need:
                continue
            if title_case:
                recurring = _recurring_suffix(text, phrase_start, h_start, h_end, fields)
                if recurring is None and len(text[phrase_start:h_end].split()) > 2:
                    continue  # a long Title-Case phrase the abstract never uses: its start is a guess
                phrase_start = phrase_start if recurring is None else recurring
            self._add(found, text, phrase_start, h_end, type_)
        for field, start, end in fields:
            title_case = field == "title"
            if "task" in text[start:end] or "problem" in text[start:end]:
                for m in _TASK_WORD.finditer(text, start, end):
                    phrase_start = self._grow(text, start, m.start(), title_case=title_case)
                    if text[phrase_start : m.start()].strip() and _DETERMINER_BEFORE.search(
                        text, max(start, phrase_start - 6), phrase_start
                    ):
                        self._add(found, text, phrase_start, m.start(), "Task")
            for m in _TASK_OF.finditer(text, start, end):
                phrase_end = self._grow_right(text, m.end(), end)
                if phrase_end > m.end():
                    self._add(found, text, m.end(), phrase_end, "Task")
            if not title_case:
                self._for_frames(text, start, end, found)
        return doc

    def _grow(self, text: str, floor: int, at: int, *, title_case: bool) -> int:
        """Return where the modifiers in front of ``at`` begin (``at`` itself if none)."""
        pos = at
        for _ in range(self.max_modifiers):
            j = pos
            while j > floor and text[j - 1] == " ":
                j -= 1
            if j == pos or j <= floor:
                break
            k = j
            while k > floor and (text[k - 1].isalnum() or text[k - 1] in "-'"):
                k -= 1
            word = text[k:j]
            if not word or not word[0].isalpha() or (k > floor and not text[k - 1].isspace()):
                break
            if not modifier_ok(word, self.lists, title_case=title_case or _sentence_initial(text, floor, k)):
                break
            pos = k
        return pos

    def _for_frames(self, text: str, start: int, end: int, found: list[Candidate]) -> None:
        """Read "for X" where X is a two-to-four-word lower-case nominalisation ("for glyph selection")."""
        lists = self.lists
        for m in _FOR_PHRASE.finditer(text, start, end):
            words = m.group(1).split()
            if any(w in lists.stop_words or not modifier_ok(w, lists, title_case=False) for w in words[:-1]):
                continue
            last = words[-1]
            if (
                last in lists.stop_words
                or not last.endswith(lists.nominal_endings)
                or last.endswith(lists.not_modifier_endings)
            ):
                continue
            self._add(found, text, m.start(1), m.end(1), "Task", confidence=self.for_frame_confidence)

    def _grow_right(self, text: str, start: int, end: int) -> int:
        """Return the end of the phrase that follows "the task of"."""
        pos = start
        for count, m in enumerate(_WORD.finditer(text, start, end)):
            if m.start() != pos and text[pos : m.start()].strip():
                break
            if m.group(0).lower() in self.lists.stop_words or count >= 5 or LATIN_ABBREVIATION.match(text, m.start()):
                break
            pos = m.end()
            if m.end() < end and text[m.end()] != " ":
                break
        return pos

    def _add(
        self,
        found: list[Candidate],
        text: str,
        start: int,
        end: int,
        type_: str,
        *,
        confidence: float | None = None,
    ) -> None:
        phrase = text[start:end].strip()
        if not phrase or " " not in phrase and "-" not in phrase:
            return
        if norm_key(phrase) in self.lists.generic:
            return
        if confidence is None:
            confidence = self.task_confidence if type_ == "Task" else self.method_confidence
        cand = Candidate(start, start + len(phrase), phrase, self.name, confidence)
        cand.set_type(type_, "context")
        found.append(cand)


@Language.factory(
    "kg_phrases",
    default_config={
        "word_lists": {"@misc": "kg.word_lists.v1", "path": None},
        "task_confidence": 0.55,
        "method_confidence": 0.5,
        "for_frame_confidence": 0.5,
        "max_modifiers": 4,
    },
)
def make_phrases(
    nlp: Language,
    name: str,
    word_lists: WordLists,
    task_confidence: float,
    method_confidence: float,
    for_frame_confidence: float,
    max_modifiers: int,
) -> PhraseFinder:
    """Build the ``kg_phrases`` component (the settings are documented on :class:`PhraseFinder`)."""
    return PhraseFinder(
        nlp,
        name,
        word_lists=word_lists,
        task_confidence=task_confidence,
        method_confidence=method_confidence,
        for_frame_confidence=for_frame_confidence,
        max_modifiers=max_modifiers,
    )
