"""The project's own spaCy components, one module per Doc-level step.

Importing this package registers every ``kg_*`` factory and the
``kg.*.v1`` registered helpers with spaCy, so it imports spaCy: only
:mod:`kg.extract.pipeline` imports it, lazily.

Pipeline order (set in ``kg/extract/config.cfg``)::

    sentencizer -> kg_fields -> kg_links -> kg_abbreviations -> kg_lexicon
    -> kg_names -> kg_phrases -> kg_typing -> kg_roles -> kg_assembly
"""

from __future__ import annotations

from kg.extract import tokenizer  # noqa: F401  (registers kg.tokenizer.v1)
from kg.extract.components import (  # noqa: F401  (imported for registration)
    abbreviations,
    assembly,
    fields,
    lexicon_matcher,
    links,
    names,
    phrases,
    roles,
    typing_,
)

FACTORIES: dict[str, str] = {
    "kg_fields": "kg.extract.components.fields:make_fields",
    "kg_links": "kg.extract.components.links:make_links",
    "kg_abbreviations": "kg.extract.components.abbreviations:make_abbreviations",
    "kg_lexicon": "kg.extract.components.lexicon_matcher:make_lexicon",
    "kg_names": "kg.extract.components.names:make_names",
    "kg_phrases": "kg.extract.components.phrases:make_phrases",
    "kg_typing": "kg.extract.components.typing_:make_typing",
    "kg_roles": "kg.extract.components.roles:make_roles",
    "kg_assembly": "kg.extract.components.assembly:make_assembly",
}
"""Factory name -> ``module:function``, as listed under ``spacy_factories`` entry points."""
