"""``kg.tokenizer.v1``: spaCy's English tokenizer, also splitting LaTeX and glued brackets.

arXiv abstracts are written in LaTeX, and spaCy's English rules keep some of
it inside words: ``generation~(RAG)`` (``~`` is LaTeX's unbreakable space),
``BigCodeBench~\\cite{zhuo2025}``, ``\\textbf{MVTamperBench}`` and
``Visual Commonsense Reasoning(VCR)`` each left one token holding a name and
its neighbour, so no component could take the name alone: the 92k build had
"\\textbf{MVTamperBench" and "Knowledge Graph Completion~(KGC" as entity
names. This tokenizer adds three splits to the English defaults:

* ``~`` is a token of its own wherever it stands;
* a LaTeX command with its opening brace (``\\textbf{``) is a token, and a
  citation (``\\cite{key``, ``\\citep{a,b``) is one token with its keys;
* an opening bracket glued to the end of a word and followed by a letter is a
  token (``Reasoning(VCR`` -> ``Reasoning`` ``(`` ``VCR``); ``TD(0)`` and
  ``R(2+1)D`` keep theirs.

:func:`blank` is the empty pipeline with this tokenizer: every place that
needs the extractor's tokens without its components (training data,
corpus mining) uses it, so token boundaries agree everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

__all__ = ["EXTRA_INFIXES", "EXTRA_PREFIXES", "blank", "make_tokenizer"]

#: Split inside a token (see the module docstring). A citation first, so its keys stay in it.
EXTRA_INFIXES: tuple[str, ...] = (
    r"\\cite[a-z]*\{[^}\s]*",
    r"\\[A-Za-z]+\{",
    r"~",
    r"(?<=[A-Za-z0-9~])[(\[](?=[A-Za-z])",
)
#: Split at the start of a token: a LaTeX command with its brace, a citation, a tilde.
EXTRA_PREFIXES: tuple[str, ...] = (
    r"\\cite[a-z]*\{[^}\s]*",
    r"\\[A-Za-z]+\{",
    r"~",
)


def make_tokenizer(nlp: Language) -> Tokenizer:
    """Return spaCy's tokenizer for ``nlp``'s language with :data:`EXTRA_INFIXES` and :data:`EXTRA_PREFIXES`."""
    base = nlp.Defaults
    prefixes, suffixes, infixes = base.prefixes or (), base.suffixes or (), base.infixes or ()
    return Tokenizer(
        nlp.vocab,
        rules=base.tokenizer_exceptions,
        prefix_search=compile_prefix_regex([*EXTRA_PREFIXES, *prefixes]).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex([*EXTRA_INFIXES, *infixes]).finditer,
        token_match=base.token_match,
        url_match=base.url_match,
    )


@registry.tokenizers("kg.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """Register :func:`make_tokenizer` for configs (``[nlp.tokenizer] @tokenizers = "kg.tokenizer.v1"``)."""
    return make_tokenizer


def blank() -> Language:
    """Return an empty English pipeline with the extractor's tokenizer."""
    nlp = spacy.blank("en")
    nlp.tokenizer = make_tokenizer(nlp)
    return nlp
