"""Aliases that are no variants: a size letter after a version, a code prefixed with a dash (invented names)."""

from __future__ import annotations

from kg.names import extends, incompatibility, variant_key
from kg.records import Entity, Paper, PaperExtraction
from kg.resolve import resolve


def test_a_size_letter_after_a_digit_is_no_plural() -> None:
    assert variant_key("Zorbv7s") != variant_key("Zorbv7")
    assert incompatibility("Zorbv7", "Zorbv7s") == "different version"
    # a plural "s" after a letter still folds
    assert variant_key("ZRBs") == variant_key("ZRB")
    assert not extends("QLMs", "QLM")


def test_a_code_before_a_dash_makes_another_name() -> None:
    assert extends("QX-ZorbNet", "ZorbNet")
    assert incompatibility("ZorbNet", "QX-ZorbNet") == "more specific name"
    assert extends("FQ-ZRB2", "ZRB2")
    # one letter glued on without a dash is left alone, as before
    assert not extends("mZRB", "ZRB")


def test_resolution_splits_a_prefixed_compound_and_a_size_from_the_name_they_were_listed_with() -> None:
    records = [
        PaperExtraction(
            paper=Paper(id="p1", title="t", abstract=""),
            entities=(Entity("Model", "ZorbNet", ("QX-ZorbNet",)), Entity("Model", "Zorbv7", ("Zorbv7s",))),
            extractor="t/1",
        )
    ]
    names = sorted(e.name for e in resolve(records, lexicon=None).entities)
    assert names == ["QX-ZorbNet", "ZorbNet", "Zorbv7", "Zorbv7s"]
