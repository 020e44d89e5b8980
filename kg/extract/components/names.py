"""``kg_names``: names no lexicon knows, found by cue words and word shapes.

Rules, strongest first:

* the title's ``NAME: ...`` prefix (the paper's own system, dataset or model);
* the object of "we propose / introduce / present (a novel ...) NAME";
* the name after "dubbed / called / named / termed", also a lower-case one
  in a sentence about the paper's own work ("a setting termed quiet recall");
* a lower-case part the paper adds: "a new / our novel X layer|loss|gate",
  "we adopt / employ / incorporate a X module" (not a known technique, not
  one modifier plus a bare type word such as "a retrieval-based strategy");
* coined shapes anywhere: inner capitals (ZorbNet), hyphen-joined capitals
  (Flux-QRoute), letters with digits (GPT-4o, Qwen2.5-VL-3B-Instruct) and
  "Base [version] size" (Llama 3.1 8B, Mistral 7B);
* capitalised multi-word phrases in the middle of an abstract sentence (a
  problem after "for / to / on" is a used Task, not the contribution);
* bare acronyms (GRPO), kept only when typing or roles find support for them.

Cue rules mark their finds ``proposed``; the roles step decides the rest.
The word lists come from the config (``kg.word_lists.v1``), and so does the
confidence each rule gives its finds.
"""

from __future__ import annotations

import itertools
import re

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import (
    Candidate,
    candidates,
    cue_windows,
    doc_text,
    fields_of,
    norm_key,
    register_extensions,
    sentence_at,
    sentence_ranges,
    title_range,
)
from kg.extract.components.descriptions import described_method, lower_case_name, new_part
from kg.extract.components.patterns import (
    CuePatterns,
    clean_cap_phrase,
    cue_patterns,
    is_acronym,
    is_name_like,
)
from kg.extract.wordlists import WordLists, load_word_lists

_TITLE_PREFIX = re.compile(r"\s*([^:\n]{1,60}?)\s*:\s+\S")
_TITLE_HEAD = re.compile(r"\s*:\s*(?:an?|the|one)\s+((?:[\w-]+\s*){1,5})", re.IGNORECASE)
_TYPE_WORD_TAIL = re.compile(r"\s+([A-Z][a-z]+)$")
_QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019"
# After a name a proposal introduces: ", a/an/the ...", " (", ":".
_APPOSITIVE_AFTER = re.compile(r"\s*(?:,\s+(?:a|an|the)\b|\(|:)")


def _plain_name(word: str, lists: WordLists) -> bool:
    """Tell whether a plain capitalised word may be a name: "Caliper", not "However" or "Transformer"."""
    return (
        len(word) >= 3
        and word[0].isupper()
        and word[1:].islower()
        and word.isalpha()
        and word not in lists.never_names
        and word.lower() not in lists.stop_words
        and norm_key(word) not in lists.generic
    )


class NameFinder:
    """Find coined names by title prefix, proposal and naming cues, and word shape."""

    def __init__(
        self,
        name: str = "kg_names",
        *,
        word_lists: WordLists | None = None,
        title_confidence: float = 0.9,
        subtitle_confidence: float = 0.8,
        title_phrase_confidence: float = 0.8,
        description_confidence: float = 0.7,
        lower_name_confidence: float = 0.75,
        cue_confidence: float = 0.85,
        shape_confidence: float = 0.65,
        sized_confidence: float = 0.75,
        phrase_confidence: float = 0.5,
        problem_confidence: float = 0.6,
        own_phrase_confidence: float = 0.65,
        acronym_confidence: float = 0.4,
    ) -> None:
        """Set up the rules; each ``*_confidence`` is the confidence of one rule's finds.

        Args:
            name: the component name.
            word_lists: the word lists (the bundled ones when None).
            title_confidence: the title's "NAME:" prefix.
            subtitle_confidence: a title's "...: A Foo Bar Approach".
            title_phrase_confidence: the title's leading Title-Case phrase the abstract repeats.
            description_confidence: a lower-case description of what the paper proposes or adds.
            lower_name_confidence: a lower-case name after a naming cue ("a setting termed ...").
            cue_confidence: a capitalised name after a proposal or naming cue.
            shape_confidence: a coined word shape (inner capitals, letters with digits).
            sized_confidence: a model name with a size ("Zorb 7B").
            phrase_confidence: a capitalised phrase mid-sentence.
            problem_confidence: a capitalised problem after "for / to / on" ("for Glyph Route Planning").
            own_phrase_confidence: a capitalised phrase in a sentence about the paper's own work.
            acronym_confidence: a bare acronym.
        """
        register_extensions()
        self.name = name
        self.lists = word_lists or load_word_lists()
        self.cues: CuePatterns = cue_patterns(self.lists)
        self.title_confidence = title_confidence
        self.subtitle_confidence = subtitle_confidence
        self.title_phrase_confidence = title_phrase_confidence
        self.description_confidence = description_confidence
        self.lower_name_confidence = lower_name_confidence
        self.cue_confidence = cue_confidence
        self.shape_confidence = shape_confidence
        self.sized_confidence = sized_confidence
        self.phrase_confidence = phrase_confidence
        self.problem_confidence = problem_confidence
        self.own_phrase_confidence = own_phrase_confidence
        self.acronym_confidence = acronym_confidence
        self._first_person = re.compile(
            rf"\b[Oo]ur\b|\b{self.cues.proposal_cue.pattern}"
            r"|\b(?:is|are) (?:specifically |further |then |also )?"
            r"(?:designed|proposed|introduced|developed|presented|devised|constructed)\b"
        )

    def __call__(self, doc: Doc) -> Doc:
        """Add candidates for coined names no lexicon knows: title prefixes, cue words, word shapes."""
        text = doc_text(doc)
        if not text.strip():
            return doc
        found = candidates(doc)
        ranges = {field: (start, end) for field, start, end in fields_of(doc)}
        if "title" in ranges and ranges["title"][1] > ranges["title"][0]:
            t_start, t_end = ranges["title"]
            self._title_prefix(doc, text, t_start, t_end, found)
            self._title_segment(text, t_start, t_end, ranges.get("abstract", (t_end, t_end))[0], found)
            self._subtitle_method(text, t_start, t_end, found)
        self._cues(doc, text, found)
        self._shapes(doc, text, found)
        return doc

    # -- rules ---------------------------------------------------------------------------------------

    def _title_prefix(self, doc: Doc, text: str, start: int, end: int, found: list[Candidate]) -> None:
        m = _TITLE_PREFIX.match(text, start, end)
        if not m:
            return
        prefix = m.group(1)
        lists = self.lists
        words = prefix.split()
        if not words or len(words) > 4 or any(w.lower() in lists.title_prefix_stop for w in words[:1]):
            return
        if norm_key(prefix) in lists.generic or not prefix[0].isupper() and not is_name_like(words[0], lists):
            return
        if len(words) == 1:
            ok = is_name_like(words[0], lists) or is_acronym(words[0], lists) or words[0][0].isupper()
        else:
            ok = any(is_name_like(w, lists) or is_acronym(w, lists) for w in words) or (
                all(w[0].isupper() for w in words if len(w) > 3) and text.count(prefix, end) > 0
            )
        if not ok:
            return
        cand = Candidate(m.start(1), m.end(1), prefix, self.name, self.title_confidence, proposed=True)
        head = _TITLE_HEAD.match(text, m.end(1), end)
        if head:
            for word in head.group(1).lower().split()[:5]:
                type_ = lists.beside_types.get(word)
                if type_ and type_ != "Task":
                    cand.set_type(type_, "context")
                    break
        found.append(cand)

    def _subtitle_method(self, text: str, start: int, end: int, found: list[Candidate]) -> None:
        """Read "...: A Layered Glyph Routing Approach" as the paper's method."""
        m = _SUBTITLE_METHOD.search(text, start, end)
        if not m:
            return
        name = m.group(1).strip()
        words = name.split()
        if (
            len(words) < 2
            or words[0].lower() in self.lists.stop_words
            or norm_key(name) in self.lists.generic
        ):
            return
        cand = Candidate(
            m.start(1), m.start(1) + len(name), name, self.name, self.subtitle_confidence, proposed=True
        )
        cand.set_type("Method", "context")
        found.append(cand)

    def _title_segment(
        self, text: str, start: int, end: int, abstract_start: int, found: list[Candidate]
    ) -> None:
        """Take the title's leading Title-Case phrase as the contribution when the abstract repeats it."""
        m = _TITLE_PREFIX.match(text, start, end)
        seg_start = m.end() - 1 if m else start
        while seg_start < end and text[seg_start].isspace():
            seg_start += 1
        cut = _SEGMENT_END.search(text, seg_start, end)
        seg_end = cut.start() if cut else end
        segment = text[seg_start:seg_end].strip()
        words = segment.split()
        if not 2 <= len(words) <= 6 or not all(w[0].isupper() for w in words):
            return
        if any(w in self.lists.generic_acronyms for w in words) or norm_key(segment) in self.lists.generic:
            return
        at = text.find(segment, abstract_start)
        while at >= 0 and (
            at == abstract_start
            or text[at - 2 : at].strip() in (".", "!", "?")
            or _LONGER_NAME.match(text, at + len(segment))
        ):
            at = text.find(segment, at + 1)
        if at < 0:
            return  # the abstract never uses the phrase as a name mid-sentence
        cand = Candidate(
            seg_start,
            seg_start + len(segment),
            segment,
            self.name,
            self.title_phrase_confidence,
            proposed=True,
        )
        if m and spells(m.group(1).strip(), segment):
            # "GlyphMix: Glyph Mixer for ...": the phrase spells out the prefix name, one entity
            cand.group = "title:" + norm_key(m.group(1).strip())
            for other in found:
                if other.start == m.start(1) and other.component == self.name:
                    other.group = cand.group
        found.append(cand)

    def _cues(self, doc: Doc, text: str, found: list[Candidate]) -> None:
        lists = self.lists
        proposal_cues, naming = cue_windows(doc, self.cues)
        proposals = [(o_start, o_end) for _, o_start, o_end in proposal_cues]
        for o_start, o_end in proposals:
            described = described_method(text, o_start, o_end, lists)
            if described is not None:
                d_start, d_end = described
                cand = Candidate(
                    d_start, d_end, text[d_start:d_end], self.name, self.description_confidence, proposed=True
                )
                cand.set_type("Method", "context")
                found.append(cand)
        # "a new gating layer", "we adopt a mixture-of-experts gate": a part the paper adds
        known = [(c.start, c.end) for c in found if c.known]
        for m in itertools.chain(_NEW_DESCRIPTION.finditer(text), _BUILD_VERB.finditer(text)):
            if m.start() > 0 and text[m.start() - 1].isalnum():
                continue  # no leading \b in the patterns: re scans for their first letter much faster
            if m.group(0)[0] == "n" and not _ARTICLE_BEFORE.search(text, max(0, m.start() - 5), m.start()):
                continue
            described = new_part(text, m.end(), lists)
            if described is not None:
                d_start, d_end = described
                if any(d_start <= s and e <= d_end and 2 * (e - s) >= d_end - d_start for s, e in known):
                    continue  # "a spectral hopping layer": a known technique reused, not a new part
                cand = Candidate(
                    d_start, d_end, text[d_start:d_end], self.name, self.description_confidence, proposed=True
                )
                cand.set_type("Method", "context")
                found.append(cand)
        for w_start, w_end in naming:
            named = lower_case_name(text, w_start, w_end, sentence_at(doc, w_start)[0], lists)
            if named is not None:
                n_start, n_end, type_ = named
                cand = Candidate(
                    n_start, n_end, text[n_start:n_end], self.name, self.lower_name_confidence, proposed=True
                )
                cand.set_type(type_, "context")
                found.append(cand)
        for w_start, w_end, is_naming in [(s, e, False) for s, e in proposals] + [(s, e, True) for s, e in naming]:
            sent_end = sentence_at(doc, w_start)[1]
            for phrase_start, phrase_end in _names_in_window(text, w_start, w_end, sent_end, self.cues, is_naming):
                found.append(
                    Candidate(
                        phrase_start,
                        phrase_end,
                        text[phrase_start:phrase_end],
                        self.name,
                        self.cue_confidence,
                        proposed=True,
                    )
                )

    def _shapes(self, doc: Doc, text: str, found: list[Candidate]) -> None:
        """Find coined shapes, sized model names, acronyms and capitalised phrases in one pass.

        One fast regex finds every word that starts with a capital (the only
        place these names start); everything else is decided on that short list.
        """
        lists = self.lists
        sent_starts = {s for s, _ in sentence_ranges(doc)}
        title = title_range(doc)
        shouting = title is not None and _mostly_upper(text[title[0] : title[1]])
        own_sentence: dict[tuple[int, int], bool] = {}
        words: list[tuple[int, int, str]] = []
        for m in _CAP_WORD_FAST.finditer(text):
            s, e = m.start(), m.end()
            if s > 0 and (text[s - 1] in _NOT_BEFORE_NAME or text[s - 1].isalnum()):
                continue
            if e < len(text) and (text[e].isalnum() or text[e] in "-/@_"):
                continue
            word = m.group(0)
            if shouting and title is not None and title[0] <= s < title[1]:
                continue  # an all-capitals title: every word looks like an acronym
            words.append((s, e, word))
            if not (word[1:].islower() and word.isalpha()):  # "However", "Learning": only phrases use them
                if is_name_like(word, lists):
                    found.append(Candidate(s, e, word, self.name, self.shape_confidence))
                elif is_acronym(word, lists):
                    year = _YEAR_TAIL.match(text, e)
                    a_end = year.end() if year else e  # "VOT 2020": the edition belongs to the name
                    found.append(Candidate(s, a_end, text[s:a_end], self.name, self.acronym_confidence))
            if (
                e + 2 < len(text)
                and text[e] in " -"
                and text[e + 1].isdigit()
                and word not in lists.not_model_bases
            ):
                size = _SIZE_TAIL.match(text, e)
                if size:
                    cand = Candidate(s, size.end(), text[s : size.end()], self.name, self.sized_confidence)
                    cand.set_type("Model", "shape")
                    found.append(cand)
        # capitalised phrases: runs of capitalised words joined by a space or a connector word
        i = 0
        while i < len(words):
            j = i
            while j + 1 < len(words) and _joins(text, words[j][1], words[j + 1][0]):
                j += 1
            if j > i:
                self._cap_phrase(doc, text, words[i : j + 1], title, sent_starts, own_sentence, found)
            i = j + 1

    def _cap_phrase(
        self,
        doc: Doc,
        text: str,
        run: list[tuple[int, int, str]],
        title: tuple[int, int] | None,
        sent_starts: set[int],
        own_sentence: dict[tuple[int, int], bool],
        found: list[Candidate],
    ) -> None:
        s, e = run[0][0], run[-1][1]
        if title and title[0] <= s < title[1]:
            return
        lists = self.lists
        if any(
            w in lists.generic_acronyms
            or w in lists.connector_caps
            or w in lists.not_in_names
            or w in lists.metrics
            for _, _, w in run
        ):
            return  # "Google Research", "East Asian", "Test F1": places, organisations, measures
        if all(w.isupper() for _, _, w in run):
            return  # "QX RTM": acronyms side by side, each found on its own
        if s in sent_starts or _after_sentence_start(text, s, sent_starts):
            return
        if run[-1][2].lower() in lists.task_heads and _PROBLEM_PREPOSITION.search(text, max(0, s - 12), s):
            # "a framework for Multi-Agent Route Planning": the problem a proposal addresses
            cand = Candidate(s, e, text[s:e], self.name, self.problem_confidence)
            cand.set_type("Task", "context")
            found.append(cand)
            return
        sent = sentence_at(doc, s)
        own = own_sentence.get(sent)
        if own is None:
            own = self._first_person.search(text, sent[0], sent[1]) is not None
            own_sentence[sent] = own
        confidence = self.own_phrase_confidence if own else self.phrase_confidence
        found.append(Candidate(s, e, text[s:e], self.name, confidence, proposed=own))


#: A word that starts with a capital; "^2" inside it is a LaTeX superscript of the name ("AMP^2Net").
_CAP_WORD_FAST = re.compile(
    r"[A-Z][A-Za-z0-9]*(?:\.\d+)*\+*(?:\^\d+[A-Za-z0-9]*)?(?:-[A-Za-z0-9]+(?:\.\d+)*\+*)*"
)
_NOT_BEFORE_NAME = frozenset(".-@#\\{_")
_SIZE_TAIL = re.compile(r"(?:[ -]v?\d+(?:\.\d+)*)?[ -]\d+(?:\.\d+)?[BMbm](?![\w])(?:-[A-Z][A-Za-z]+)*")
_YEAR_TAIL = re.compile(r" (?:19|20)\d\d(?![\w.-])")
#: "a new / our novel ..." before a lower-case description of something the paper adds.
_NEW_DESCRIPTION = re.compile(r"n(?:ew|ovel)\s+")
_ARTICLE_BEFORE = re.compile(r"(?:\b[Aa]n?|\b[Oo]ur)\s+$")
#: "we adopt / employ / incorporate a ..." before a part the paper builds into its system.
_BUILD_VERB = re.compile(
    r"[Ww]e\s+(?:then\s+|further\s+|also\s+|additionally\s+)?"
    r"(?:adopt|employ|incorporate|integrate|design|devise|craft|equip \w+ with)\s+(?:an?\s+|the\s+)?"
)
_PROBLEM_PREPOSITION = re.compile(r"\b(?:for|to|on|in|of|tackle|address|addressing|tackling)\s+$")
_CONNECTOR_GAP = re.compile(r" (?:of|for|to|&) ")


def spells(name: str, phrase: str) -> bool:
    """Tell whether ``name`` is made of letters of ``phrase`` in order, starting with its first.

    >>> spells("GlyphMix", "Glyph Mixer"), spells("ZORB", "Training-free Composition")
    (True, False)
    """
    name_letters = [c.lower() for c in name if c.isalnum()]
    phrase_letters = [c.lower() for c in phrase if c.isalnum()]
    if not name_letters or not phrase_letters or name_letters[0] != phrase_letters[0]:
        return False
    it = iter(phrase_letters)
    return all(c in it for c in name_letters) and len(name_letters) > 2


def _mostly_upper(text: str) -> bool:
    """Tell whether most letters of ``text`` are capitals ("SELF-SUPERVISED LEARNING OF ...")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _joins(text: str, end: int, start: int) -> bool:
    """Tell whether two capitalised words belong to one phrase (a space or " of " between them)."""
    gap = start - end
    if gap == 1:
        return text[end] == " "
    return 2 < gap < 9 and _CONNECTOR_GAP.fullmatch(text, end, start) is not None


#: After a title phrase in the abstract: it goes on as a longer capitalised name
#: ("Glyph Sorting with Echo Maps" does not repeat the title's "Glyph Sorting" as a name).
_LONGER_NAME = re.compile(r"[ -](?:(?:of|for|with|via|and|in|on|to|by|from)\s+)?[A-Z]")
_SUBTITLE_METHOD = re.compile(
    r":\s+(?:An?|The)\s+((?:[A-Z][\w-]*\s+){2,5}?)(?:Approach|Framework|Method|Algorithm)\s*$"
)
_SEGMENT_END = re.compile(
    r"\s+(?:for|via|with|using|in|on|of|to|and|through|from|by|towards?|beyond|under|as|at|is|are)\s+"
    r"|[:,;?!]|\s[-\u2013\u2014]\s"
)


def _after_sentence_start(text: str, s: int, sent_starts: set[int]) -> bool:
    """True when only spaces, quotes or brackets separate ``s`` from a sentence start."""
    i = s
    while i > 0 and text[i - 1] in " \t\n([" + _QUOTE_CHARS:
        i -= 1
    return i in sent_starts or i == 0


def _names_in_window(
    text: str, w_start: int, w_end: int, sent_end: int, cues: CuePatterns, naming: bool = False
) -> list[tuple[int, int]]:
    """Return the names that start inside a cue window (a phrase may run past its end).

    One capitalised word of no coined shape ("Caliper") is a name only where
    the cue introduces it directly: right after a naming cue ("termed
    Caliper"), or right after a proposal verb and followed by an appositive
    ("we introduce Caliper, a ...", "we present Caliper (...)", "... Caliper:").
    """
    lists = cues.lists
    out: list[tuple[int, int]] = []
    for m in cues.cap_phrase.finditer(text, w_start, sent_end):
        if m.start() >= w_end:
            break
        phrase = clean_cap_phrase(m.group(0), cues)
        if not phrase:
            continue
        s = text.index(phrase, m.start())
        words = phrase.split()
        if len(words) == 1 and not (is_name_like(phrase, lists) or is_acronym(phrase, lists)):
            direct = not text[w_start:s].strip(_QUOTE_CHARS + " ")
            if not (direct and _plain_name(phrase, lists) and (naming or _APPOSITIVE_AFTER.match(text, s + len(phrase)))):
                continue
        if len(words) > 1 and words[0] in ("We", "Our", "This", "These", "In", "To"):
            continue
        tail = _TYPE_WORD_TAIL.search(phrase)
        named = len(words) == 2 and (is_name_like(words[0], lists) or is_acronym(words[0], lists))
        if tail and named and tail.group(1).lower() in lists.beside_types:
            phrase = words[0]  # "ZorbaQA Benchmark" -> ZorbaQA
        if norm_key(phrase) in lists.generic:
            continue
        out.append((s, s + len(phrase)))
    return out


@Language.factory(
    "kg_names",
    default_config={
        "word_lists": {"@misc": "kg.word_lists.v1", "path": None},
        "title_confidence": 0.9,
        "subtitle_confidence": 0.8,
        "title_phrase_confidence": 0.8,
        "description_confidence": 0.7,
        "lower_name_confidence": 0.75,
        "cue_confidence": 0.85,
        "shape_confidence": 0.65,
        "sized_confidence": 0.75,
        "phrase_confidence": 0.5,
        "problem_confidence": 0.6,
        "own_phrase_confidence": 0.65,
        "acronym_confidence": 0.4,
    },
)
def make_names(
    nlp: Language,
    name: str,
    word_lists: WordLists,
    title_confidence: float,
    subtitle_confidence: float,
    title_phrase_confidence: float,
    description_confidence: float,
    lower_name_confidence: float,
    cue_confidence: float,
    shape_confidence: float,
    sized_confidence: float,
    phrase_confidence: float,
    problem_confidence: float,
    own_phrase_confidence: float,
    acronym_confidence: float,
) -> NameFinder:
    """Build the ``kg_names`` component (the confidences are documented on :class:`NameFinder`)."""
    return NameFinder(
        name,
        word_lists=word_lists,
        title_confidence=title_confidence,
        subtitle_confidence=subtitle_confidence,
        title_phrase_confidence=title_phrase_confidence,
        description_confidence=description_confidence,
        lower_name_confidence=lower_name_confidence,
        cue_confidence=cue_confidence,
        shape_confidence=shape_confidence,
        sized_confidence=sized_confidence,
        phrase_confidence=phrase_confidence,
        problem_confidence=problem_confidence,
        own_phrase_confidence=own_phrase_confidence,
        acronym_confidence=acronym_confidence,
    )
