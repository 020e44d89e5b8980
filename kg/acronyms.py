"""What the corpus's own definitions say an acronym stands for.

A paper defines an acronym once ("Foo Bar Quux (FBQ)") and many papers use a
well-known one bare ("FBQ"), or define it with a variant of the usual long
form ("Foo Bar Quux problem (FBQ)", or a long form the extractor cut short:
"Bar Quux (FBQ)"). Entity resolution (:mod:`kg.clustering`) asks three
questions of the corpus's definitions, answered here:

* **which long forms are one definition** (:func:`definition_key`): the same
  acronym with long forms equal once a trailing type word ("problem",
  "algorithm", "model") and a possessive "'s" are dropped names one thing
  (the acronym anchors the identity, so "Zorb Lattice problem (ZL)" and
  "Zorb Lattice (ZL)" meet while "Zorb Lattice problem" alone does not);
* **which sense dominates** (:meth:`Definitions.dominant`, :func:`dominant_of`):
  when at least :attr:`AcronymRules.dominant_share` of the papers defining an
  acronym give one sense, and at least :attr:`AcronymRules.dominant_min_papers`
  do, a bare use of it means that sense unless the paper's context says
  otherwise; a polysemous acronym has no dominant sense and stays apart;
* **which definitions were cut short** (:func:`is_cut_definition`): a long
  form the acronym's letters do not fit ("Bar Quux (FBQ)"), which is a run of
  words of the dominant long form they do fit ("Foo Bar Quux"), is that
  definition with words lost.

The thresholds live in ``kg/data/acronym-rules.tsv`` (with why each has its
value). Stdlib only.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from kg.errors import InputError
from kg.io import read_text
from kg.name_rules import DATA_DIR, name_rules
from kg.name_versions import versions_compatible
from kg.names import acronym_key, is_short_form, variant_key
from kg.normalize import initials_in_name

__all__ = [
    "ACRONYM_RULES_FILE",
    "AcronymRules",
    "Definitions",
    "acronym_fits",
    "acronym_rules",
    "definition_key",
    "dominant_of",
    "is_cut_definition",
    "load_acronym_rules",
]

ACRONYM_RULES_FILE = "acronym-rules.tsv"
K = TypeVar("K")
_HEADER = ("rule", "value", "why")
_NUMBERS = ("dominant_share", "dominant_min_papers", "stem_min", "stem_slack")
_WORD_SPLIT = re.compile(r"[\s\-\u2010-\u2015/]+")
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b", re.IGNORECASE)


@dataclass(frozen=True)
class AcronymRules:
    """Thresholds of the acronym-dominance rules (``kg/data/acronym-rules.tsv``).

    Attributes:
        dominant_share: share of the papers defining an acronym that must give
            one sense for it to be the acronym's dominant sense.
        dominant_min_papers: papers that must define the dominant sense.
        stem_min: letters two forms of one word must share ("position"/"positional").
        stem_slack: letters of the shorter word that may lie past the shared stem.
        connectives: words two wordings of one long form may differ by ("from", "with").
        clipped: a word's clipped form -> the full word ("net" -> "network"), both
            lower case: two wordings of one long form may write either.
    """

    dominant_share: float
    dominant_min_papers: int
    stem_min: int = 5
    stem_slack: int = 3
    connectives: frozenset[str] = frozenset()
    clipped: Mapping[str, str] = field(default_factory=dict, hash=False)


def load_acronym_rules(folder: str | Path = DATA_DIR) -> AcronymRules:
    """Read ``acronym-rules.tsv`` of ``folder``.

    Raises:
        InputError: a missing file, a wrong header or column count, an unknown
            or missing rule, a value out of range; the message names file and line.
    """
    path = Path(folder) / ACRONYM_RULES_FILE
    lines = read_text(path, what="acronym-rule file").splitlines()
    if not lines or tuple(lines[0].split("\t")) != _HEADER:
        raise InputError(f"first line must be the header {'<TAB>'.join(_HEADER)!r}", path=path, line=1)
    values: dict[str, float] = {}
    connectives: frozenset[str] = frozenset()
    clipped: dict[str, str] = {}
    for line_no, raw in enumerate(lines[1:], start=2):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = [c.strip() for c in raw.split("\t")]
        if len(cols) != len(_HEADER):
            raise InputError(
                f"expected 3 tab-separated columns (rule, value, why), found {len(cols)}",
                path=path,
                line=line_no,
            )
        rule, value, why = cols
        if rule == "connectives":
            if not why:
                raise InputError("connectives need a reason", path=path, line=line_no)
            connectives = frozenset(value.split())
            continue
        if rule == "clipped":
            if not why:
                raise InputError("clipped words need a reason", path=path, line=line_no)
            for pair in value.split():
                short, sep, full = pair.lower().partition(":")
                if not (sep and short and full):
                    raise InputError(f"expected CLIPPED:FULL pairs, got {pair!r}", path=path, line=line_no)
                clipped[short] = full
            continue
        if rule not in _NUMBERS:
            raise InputError(f"unknown rule {rule!r}", path=path, line=line_no)
        if rule in values:
            raise InputError(f"rule {rule!r} given twice", path=path, line=line_no)
        if not why:
            raise InputError(f"rule {rule!r} needs a reason", path=path, line=line_no)
        try:
            number = float(value)
        except ValueError:
            raise InputError(
                f"value of {rule!r} is not a number: {value!r}", path=path, line=line_no
            ) from None
        if rule == "dominant_share" and not 0.5 < number <= 1.0:
            raise InputError("dominant_share must be in (0.5, 1]", path=path, line=line_no)
        if rule != "dominant_share" and (number < 0 or number != int(number)):
            raise InputError(f"{rule} must be a whole number >= 0", path=path, line=line_no)
        values[rule] = number
    missing = set(_NUMBERS) - set(values)
    if missing:
        raise InputError(f"missing rule(s) {', '.join(sorted(missing))}", path=path)
    return AcronymRules(
        dominant_share=values["dominant_share"],
        dominant_min_papers=max(1, int(values["dominant_min_papers"])),
        stem_min=int(values["stem_min"]),
        stem_slack=int(values["stem_slack"]),
        connectives=connectives,
        clipped=clipped,
    )


@lru_cache(maxsize=1)
def acronym_rules() -> AcronymRules:
    """Return the bundled acronym rules (read once)."""
    return load_acronym_rules()


def _words(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT.split(text.strip()) if w]


def _strictly_fits(short: str, long: str, connectives: frozenset[str]) -> bool:
    """Say whether an acronym's letters are exactly the initials of a long form's words (connectives counted or not)."""
    letters = "".join(ch.lower() for ch in short if ch.isalpha())
    if len(letters) > 2 and short.endswith("s") and short[-2:-1].isupper():
        letters = letters[:-1]
    words = _words(_POSSESSIVE.sub("", long))
    every = "".join(w[:1].lower() for w in words)
    content = "".join(w[:1].lower() for w in words if w.lower() not in connectives)
    return letters in (every, content)


@lru_cache(maxsize=1 << 16)
def acronym_fits(short: str, long: str) -> bool:
    """Say whether the letters of an acronym can be read off a long form, in order.

    Each letter (a plural "s" aside) is found in the long form after the
    previous one, and the first is the first letter of a word; the words'
    initials are preferred, so "FBQ" fits "Foo Bar Quux" and "Foo-bar
    Quux", "HiPPO"-style inner letters fit too, but "FBQ" does not fit
    "Bar Quux" (no "f"). Digits are skipped.

    >>> acronym_fits("FBQ", "Foo Bar Quux"), acronym_fits("FBQ", "Bar Quux"), acronym_fits("FBQs", "foo bar quuxes")
    (True, False, True)
    """
    letters = [ch.lower() for ch in short if ch.isalpha()]
    if len(letters) > 2 and short.endswith("s") and short[-2:-1].isupper():
        letters = letters[:-1]  # a plural: "FBQs"
    words = [w.lower() for w in _words(long)]
    if not letters or not words:
        return False
    memo: dict[tuple[int, int, int], bool] = {}

    def place(i: int, w: int, pos: int) -> bool:
        """Place letters[i:], the last one placed at character pos - 1 of word w."""
        if i == len(letters):
            return True
        state = (i, w, pos)
        if state not in memo:
            found = False
            # The initial of a later word (words between are left out: "of", "the").
            for nxt in range(w + 1, len(words)):
                if words[nxt][:1] == letters[i] and place(i + 1, nxt, 1):
                    found = True
                    break
            # Or a later letter of the same word ("HiPPO": "High-order").
            at = words[w].find(letters[i], pos)
            while not found and at >= 0:
                found = place(i + 1, w, at + 1)
                at = words[w].find(letters[i], at + 1)
            memo[state] = found
        return memo[state]

    return any(word[:1] == letters[0] and place(1, w, 1) for w, word in enumerate(words))


@lru_cache(maxsize=1 << 16)
def acronym_spells(short: str, long: str) -> bool:
    """Say whether no word of a long form is left out of an acronym.

    :func:`acronym_fits` lets letters come from inside one word and skips
    words, so "MATH" fits "mathematical reasoning"; nobody abbreviates that
    phrase so, because "reasoning" would have no letter. Here the first
    letter of every space-separated word that is not a connective must
    appear among the acronym's letters, in order; a hyphenated word counts
    once ("Pre-trained" gives the "P" of GPT), digits are skipped ("3D").

    >>> acronym_spells("FBQ", "Foo Bar-baz Quux"), acronym_spells("ZORB", "zorbification learning")
    (True, False)
    """
    return initials_in_name(short, long, acronym_rules().connectives)


@lru_cache(maxsize=1 << 18)
def definition_key(long: str) -> str:
    """Return the key under which two long forms of one acronym are one definition.

    The :func:`kg.names.variant_key` of the long form without a possessive
    "'s" and without one trailing type word of any entity type ("problem",
    "algorithm", "model", "dataset"): the acronym fixes what is named, so
    the type word only says how the paper classed it.

    >>> definition_key("Zorb Lattice problem") == definition_key("Zorb Lattice")
    True
    >>> definition_key("Nesterov's Zorb") == definition_key("Nesterov Zorb")
    True
    """
    text = _POSSESSIVE.sub("", long.strip())
    lower = text.lower()
    for words in name_rules().type_words.values():
        for word in words:
            if lower.endswith((" " + word, "-" + word)):
                rest = text[: len(text) - len(word) - 1].rstrip(" -")
                if rest:
                    return variant_key(rest)
    return variant_key(text)


def is_cut_definition(short: str, long: str, full: str, rules: AcronymRules | None = None) -> bool:
    """Say whether ``long`` is the definition ``full`` of ``short`` with words lost.

    True when the words of ``long`` are a shorter run of the words of
    ``full`` (spelling aside), and the acronym fits ``full`` but not
    ``long``: "Bar Quux (FBQ)" where the corpus defines FBQ as "Foo Bar
    Quux"; or its letters are exactly the initials of ``full`` and not of
    ``long``: "Foo Bar Quux (FBQM)" for "Foo Bar Quux Method", where the
    letters of "FBQM" could also be read off "Foo Bar Quux" alone.

    >>> is_cut_definition("FBQ", "Bar Quux", "Foo Bar Quux"), is_cut_definition("FBQ", "Bar Zed", "Foo Bar Quux")
    (True, False)
    >>> is_cut_definition("SSIM", "structural similarity index", "structural similarity index measure")
    True
    """
    connectives = (rules or acronym_rules()).connectives
    loose = acronym_fits(short, full) and not acronym_fits(short, long)
    strict = _strictly_fits(short, full, connectives) and not _strictly_fits(short, long, connectives)
    if not (loose or strict):
        return False
    part = [variant_key(w) for w in _words(long)]
    whole = [variant_key(w) for w in _words(full)]
    if not part or len(part) >= len(whole):
        return False
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def _find(parent: dict[str, str], key: str) -> str:
    """Union-find lookup with path halving."""
    while parent[key] != key:
        parent[key] = parent[parent[key]]
        key = parent[key]
    return key


def dominant_of(papers: Mapping[K, int], rules: AcronymRules | None = None) -> K | None:
    """Return the sense (key) holding the dominant share of an acronym's defining papers, or ``None``.

    ``papers`` maps each sense to how many papers define the acronym with it.
    Ties and too-small counts give ``None``.
    """
    rules = rules or acronym_rules()
    total = sum(papers.values())
    if not total:
        return None
    best = max(papers.values())
    top = [k for k, v in papers.items() if v == best]
    if len(top) != 1 or best < rules.dominant_min_papers or best < rules.dominant_share * total:
        return None
    return top[0]


def _content_words(long: str, connectives: frozenset[str]) -> tuple[str, ...]:
    """Return the words of a long form that carry its meaning, each with case kept (for embedded acronyms)."""
    text = _POSSESSIVE.sub("", long)
    return tuple(w for w in _words(text) if w.lower() not in connectives)


def _words_match(a: str, b: str, rules: AcronymRules) -> bool:
    """Say whether two words of long forms are one word in two forms ("position"/"positional", "nets"/"networks")."""
    ka, kb = variant_key(a), variant_key(b)
    ka, kb = rules.clipped.get(ka, ka), rules.clipped.get(kb, kb)
    if ka == kb:
        return True
    common = 0
    for x, y in zip(ka, kb):
        if x != y:
            break
        common += 1
    return common >= rules.stem_min and common >= min(len(ka), len(kb)) - rules.stem_slack


def _same_words(a: str, b: str, rules: AcronymRules) -> bool:
    """Say whether two long forms match word for word, connectives aside, with no acronym spelled out.

    >>> _same_words("Zorb Learning from QX Feedback", "zorb learning with QX feedback", acronym_rules())
    True
    >>> _same_words("Zorb QX", "zorb quux xylo", acronym_rules())
    False
    """
    wa, wb = _content_words(a, rules.connectives), _content_words(b, rules.connectives)
    return len(wa) == len(wb) and all(_words_match(x, y, rules) for x, y in zip(wa, wb))


def _initials_of(token: str) -> str | None:
    """Return the initials an acronym token stands for ("RL" -> "rl", "LoRA" -> "lra"), else None.

    An acronym of capitals (and lower-case letters between them, which
    belong to the word of the capital before: "LoRA" is Lo-w R-ank A-daptation).
    """
    if len(token) < 2 or not token.isalpha() or not is_short_form(token):
        return None
    return "".join(ch for ch in token if ch.isupper()).lower() or None


def long_forms_match(a: str, b: str, rules: AcronymRules | None = None) -> bool:
    """Say whether two long forms of one acronym are one definition worded two ways.

    Word by word, connectives aside ("from", "with", "of"), each word is
    the other's word in another form: a spelling, plural or derived form
    sharing a stem of at least :attr:`AcronymRules.stem_min` letters that
    leaves at most :attr:`AcronymRules.stem_slack` letters of the shorter
    word ("position"/"positional", "estimation"/"estimator"), or an acronym
    spelled out ("RL" for "reinforcement learning"). "Generation" and
    "generalization" share only "genera": two words.

    >>> long_forms_match("zorb learning from lattice feedback", "Zorb Learning with Lattice Feedback")
    True
    >>> long_forms_match("ZL from Lattice Feedback", "zorb lattice from lattice feedback")
    True
    >>> long_forms_match("lattice generation", "lattice generalization")
    False
    """
    rules = rules or acronym_rules()
    wa, wb = _content_words(a, rules.connectives), _content_words(b, rules.connectives)
    i = j = 0
    while i < len(wa) and j < len(wb):
        if _words_match(wa[i], wb[j], rules):
            i, j = i + 1, j + 1
            continue
        for short, long, at, other in ((wa[i], wb, j, "a"), (wb[j], wa, i, "b")):
            letters = _initials_of(short)
            spelled = "".join(w[:1].lower() for w in long[at : at + len(letters or "")])
            if letters and at + len(letters) <= len(long) and spelled == letters:
                if other == "a":
                    i, j = i + 1, j + len(letters)
                else:
                    i, j = i + len(letters), j + 1
                break
        else:
            return False
    return i == len(wa) and j == len(wb)


class Definitions:
    """The corpus's definitions of acronyms: acronym -> sense -> defining papers.

    Call :meth:`add` for every definition, then :meth:`settle` once; after
    that, :meth:`sense` names the sense a definition belongs to (long forms
    worded alike, :func:`long_forms_match`, are one sense; a definition cut
    short belongs to the dominant sense it was cut from), :meth:`is_cut`
    says whether it was cut short, and :meth:`dominant` gives the
    acronym's dominant sense.
    """

    def __init__(self, rules: AcronymRules | None = None) -> None:
        self._rules = rules or acronym_rules()
        self._papers: dict[str, dict[str, set[int]]] = {}
        self._surface: dict[tuple[str, str], str] = {}
        self._sense: dict[tuple[str, str], str] = {}
        self._cut: set[tuple[str, str]] = set()
        self._dominant: dict[str, str] = {}
        self._types: dict[tuple[str, str], Counter[str]] = {}

    def add(self, short: str, long: str, paper: int, etype: str = "") -> None:
        """Record that ``paper`` defines ``short`` as ``long`` (as an entity of type ``etype``)."""
        acr, key = acronym_key(short), definition_key(long)
        self._papers.setdefault(acr, {}).setdefault(key, set()).add(paper)
        if etype:
            self._types.setdefault((acr, key), Counter())[etype] += 1
        known = self._surface.get((acr, key))
        if known is None or long < known:
            self._surface[(acr, key)] = long

    def settle(self) -> None:
        """Group each acronym's definitions into senses and find its dominant one.

        Never two versions of one name ("Zorb Model 2" and "Zorb Model"):
        :func:`kg.name_versions.versions_compatible` must hold.
        """
        for acr, senses in self._papers.items():
            keys = sorted(senses, key=lambda k: (-len(senses[k]), k))
            parent = {k: k for k in keys}
            find = functools.partial(_find, parent)

            # Most used first; a wording joins the first (most used) wording it matches, and one
            # that spells an acronym inside ("binary CE") joins but never anchors: "binary CE"
            # must not bridge "binary cross entropy" and "binary cumulative encoding".
            anchors = [k for k in keys if self._anchors(acr, k)]
            anchor_set = set(anchors)
            for x, b in enumerate(keys):
                # An anchor joins a more used anchor; a wording with an acronym inside joins any.
                for a in keys[:x] if b in anchor_set else anchors:
                    if a == b or not self._anchors(acr, a):
                        continue
                    if self._compatible(acr, a, b) and long_forms_match(
                        self._surface[(acr, a)], self._surface[(acr, b)], self._rules
                    ):
                        parent[find(b)] = find(a)
                        break
                else:
                    if b in anchor_set:
                        continue
                    # Two wordings with the same acronym inside ("Learning from AI Feedback" and
                    # "Learning with AI Feedback") are one when their words match one for one: no
                    # acronym is spelled out, so nothing is bridged.
                    for a in keys[:x]:
                        if a not in anchor_set and self._compatible(acr, a, b) and _same_words(
                            self._surface[(acr, a)], self._surface[(acr, b)], self._rules
                        ):
                            parent[find(b)] = find(a)
                            break
            grouped: dict[str, set[int]] = {}
            for k in keys:
                grouped.setdefault(find(k), set()).update(senses[k])
            top = min(grouped, key=lambda g: (-len(grouped[g]), g))
            top_surface = self._surface[(acr, top)]
            papers: dict[str, set[int]] = {}
            for k in keys:
                root = find(k)
                if root != top and self._compatible(acr, top, k):
                    surface = self._surface[(acr, k)]
                    if is_cut_definition(acr, surface, top_surface, self._rules):
                        root = top  # a definition cut short of the most used one
                        self._cut.add((acr, k))
                    elif _strictly_fits(acr, surface, self._rules.connectives) and is_cut_definition(
                        acr, top_surface, surface, self._rules
                    ):
                        root = top  # the most used definition is this one (its letters exactly) cut short
                self._sense[(acr, k)] = root
                papers.setdefault(root, set()).update(senses[k])
            chosen = dominant_of({g: len(p) for g, p in papers.items()}, self._rules)
            if chosen is not None:
                self._dominant[acr] = chosen

    def _compatible(self, acr: str, a: str, b: str) -> bool:
        """Say whether two definitions may be one sense: no different version ("Zorb 2" is not "Zorb")."""
        return versions_compatible(self._surface[(acr, a)], self._surface[(acr, b)])

    def _anchors(self, acr: str, key: str) -> bool:
        """Say whether a wording may gather others: it spells out every word (no acronym inside)."""
        words = _content_words(self._surface[(acr, key)], self._rules.connectives)
        return not any(_initials_of(w) for w in words)

    def sense(self, short: str, long: str) -> str:
        """Return the sense (a definition key) that defining ``short`` as ``long`` names."""
        acr, key = acronym_key(short), definition_key(long)
        return self._sense.get((acr, key), key)

    def is_cut(self, short: str, long: str) -> bool:
        """Say whether defining ``short`` as ``long`` is the acronym's dominant definition cut short."""
        return (acronym_key(short), definition_key(long)) in self._cut

    def dominant(self, short: str) -> str | None:
        """Return the dominant sense of ``short``, or ``None`` (polysemous, or too few definitions)."""
        return self._dominant.get(acronym_key(short))

    def dominant_definition(self, short: str) -> tuple[str, str] | None:
        """Return the most used wording and the majority type of the dominant sense of ``short``, or ``None``.

        The type is ``""`` when the definitions were added without one or tie.
        """
        acr = acronym_key(short)
        sense = self._dominant.get(acr)
        if sense is None:
            return None
        types: Counter[str] = Counter()
        # Only this acronym's definitions (a scan of every acronym's was most of the resolution time).
        for key in self._papers.get(acr, ()):
            counts = self._types.get((acr, key))
            if counts and self._sense.get((acr, key)) == sense:
                types.update(counts)
        ranked = types.most_common(2)
        etype = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else ""
        return self._surface[(acr, sense)], etype
