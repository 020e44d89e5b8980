"""``kg_rule_tags``: hand the rules pipeline's entities to the tagger as token features.

Stacking: the learned tagger reads, besides each token's form, the BILUO tag
the rules gave it ("B-Method", ..., "O") through spaCy's ``TAG`` attribute
(``MultiHashEmbed`` hashes it like any other token attribute). The tagger
learns from the annotated papers when the rules are right (lexicon names,
defined acronyms, cue phrases) and when not, instead of the two being
merged by hand-set priorities. ``train/tagger.py`` runs the same component
over the training papers, so the features are the same at training and at
run time.

It reads ``doc._.kg_entities`` (plain dicts from ``kg_assembly``), moves
them to ``doc.user_data["kg_rule_entities"]`` (where ``kg_learned_assembly``
takes lexicon names and the rules' proposals from them, then removes them)
and clears the extension, because in the learned pipeline
``kg_learned_assembly`` writes the entities.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.components.common import get_ext, register_extensions, set_ext

RULE_ENTITIES_KEY = "kg_rule_entities"
"""``doc.user_data`` key where the rules' entities (plain dicts) wait for ``kg_learned_assembly``."""

OUTSIDE = "O"
"""The feature value of a token outside every rule entity."""


def rule_tags(doc: Doc) -> list[str]:
    """Return one BILUO tag per token from the rules' entities (``O`` outside them).

    A mention that starts or ends inside a token covers the whole token.
    """
    tags = [OUTSIDE] * len(doc)
    drafts = get_ext(doc, "kg_entities") or ()
    if not drafts:
        return tags
    starts = [t.idx for t in doc]
    import bisect

    for draft in drafts:
        type_ = draft["type"]
        for start, end in draft["mentions"]:
            first = max(bisect.bisect_right(starts, start) - 1, 0)
            last = max(bisect.bisect_left(starts, end) - 1, first)
            if first == last:
                tags[first] = "U-" + type_
                continue
            tags[first] = "B-" + type_
            for i in range(first + 1, last):
                tags[i] = "I-" + type_
            tags[last] = "L-" + type_
    return tags


class RuleTagger:
    """Write the rules' BILUO tags into ``token.tag_`` and clear the rules' entity list."""

    def __init__(self, name: str = "kg_rule_tags", *, blind: bool = False) -> None:
        register_extensions()
        self.name = name
        self.blind = blind

    def __call__(self, doc: Doc) -> Doc:
        """Set ``token.tag_`` of every token from ``doc._.kg_entities``, then clear that list."""
        tags = [OUTSIDE] * len(doc) if self.blind else rule_tags(doc)
        for token, tag in zip(doc, tags):
            token.tag_ = tag
        doc.user_data[RULE_ENTITIES_KEY] = get_ext(doc, "kg_entities") or []
        set_ext(doc, "kg_entities", None)
        return doc


@Language.factory("kg_rule_tags", default_config={"blind": False})
def make_rule_tags(nlp: Language, name: str, blind: bool) -> RuleTagger:
    """Build the ``kg_rule_tags`` component; ``blind`` writes ``O`` everywhere (the learned-only ablation)."""
    return RuleTagger(name, blind=blind)
