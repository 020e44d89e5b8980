"""Lexicon aliases are variants of their entry, never another size or edition of it (D9).

"Zorb-Large" is not an alias of "Zorb", nor "Blorpset Plus" of "Blorpset": a
size or edition word (``variant`` in ``kg/data/name-words.tsv``) added to the
name, or to one of its aliases, names a distinct entity. A release tag of the
same model ("-preview") and an edition word the name itself holds are fine.
"""

from __future__ import annotations

import re

from kg.lexicons import LexiconEntry, load_lexicon
from kg.name_rules import name_rules
from kg.name_versions import tokens
from kg.names import variant_key

RELEASE_TAGS = frozenset({"preview", "exp"})
_SIZE_LETTER = re.compile(r"\d[nsmlxbt]$")


def edition_aliases(entry: LexiconEntry) -> list[str]:
    """Return the aliases of ``entry`` that are its name (or another alias) plus a size or edition word."""
    variants = name_rules().variants
    keys = {variant_key(form) for form in entry.forms}
    own = set(tokens(entry.name))
    out = []
    for alias in entry.aliases:
        toks = tokens(alias)
        rest = [t for t in toks if t not in (variants - own - RELEASE_TAGS)]
        if rest and len(rest) < len(toks) and variant_key(" ".join(rest)) in keys:
            out.append(alias)
        elif _SIZE_LETTER.search(alias) and variant_key(alias)[:-1] in keys:
            out.append(alias)  # a size letter after the version: "Zorb8s" is not "Zorb8"
    return out


def test_the_check_finds_sizes_and_editions_on_invented_entries() -> None:
    assert edition_aliases(LexiconEntry("Model", "Zorb", ("ZRB", "Zorb-Large", "zorb-base", "ZRB Mini"))) == [
        "Zorb-Large",
        "zorb-base",
        "ZRB Mini",
    ]
    assert edition_aliases(LexiconEntry("Dataset", "Blorpset", ("Blorpset Plus", "Blorpset-v1"))) == [
        "Blorpset Plus"
    ]
    # an edition word of the name itself, a release tag, an expansion holding such a word: fine
    assert edition_aliases(LexiconEntry("Model", "Zorb Pro", ("Zorb-Pro", "zorb-pro-preview"))) == []
    assert edition_aliases(LexiconEntry("Model", "ZLVA", ("Zorb Large Vision Assistant",))) == []


def test_no_model_or_dataset_alias_is_another_size_or_edition() -> None:
    found = {
        (e.type, e.name): bad
        for e in load_lexicon()
        if e.type in ("Model", "Dataset") and (bad := edition_aliases(e))
    }
    assert found == {}
