"""Aliases that are no variants: a size letter after a version, a code prefixed with a dash (invented names)."""

from __future__ import annotations

from kg.name_versions import extends, incompatibility
from kg.names import variant_key
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


def test_a_connector_word_that_starts_a_known_term_is_no_connector() -> None:
    def paper(pid: str, *entities: Entity) -> PaperExtraction:
        return PaperExtraction(
            paper=Paper(id=pid, title="t", abstract=""), entities=entities, extractor="t/1"
        )

    records = [
        paper("p1", Entity("Task", "named quibble parsing")),
        paper("p2", Entity("Task", "Zorbish named quibble parsing")),
        paper("p3", Entity("Task", "quibble parsing")),
    ]
    names = sorted(e.name for e in resolve(records, lexicon=None).entities)
    # "named quibble parsing" is a term of the corpus: the Zorbish variant keeps its "named"
    assert names == sorted(["named quibble parsing", "quibble parsing", "Zorbish named quibble parsing"])
    # a prose connector before a known name is still cut ("baselines called QuibNet")
    cut = resolve(
        [paper("q1", Entity("Model", "baselines called QuibNet")), paper("q2", Entity("Model", "QuibNet"))],
        lexicon=None,
    )
    assert [e.name for e in cut.entities] == ["QuibNet"]


def test_a_bare_size_variant_does_not_attach_to_its_version() -> None:
    from kg.lexicons import LexiconEntry, LexiconIndex

    lexicon = LexiconIndex([LexiconEntry("Model", "QZRv7", ("QZR-v7",))])
    records = [
        PaperExtraction(
            paper=Paper(id="a", title="t", abstract=""),
            entities=(Entity("Model", "QZRv7s"),),
            extractor="t/1",
        ),
        PaperExtraction(
            paper=Paper(id="b", title="t", abstract=""),
            entities=(Entity("Model", "QZRv7"),),
            extractor="t/1",
        ),
    ]
    assert sorted(e.name for e in resolve(records, lexicon=lexicon).entities) == ["QZRv7", "QZRv7s"]
