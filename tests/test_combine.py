"""Two independent annotations of one paper combined into training labels (train/combine.py)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.combine import combine, combine_files


def _entity(type_: str, name: str, *aliases: str, role: str = "used") -> dict:
    return {"type": type_, "name": name, "aliases": list(aliases), "role": role}


def _paper(*entities: dict, pid: str = "p1") -> dict:
    abstract = "We propose Zorbnet (ZN) for quill sorting with a grommet loss on the Blarg corpus."
    return {"id": pid, "title": "", "abstract": abstract, "entities": list(entities), "links": []}


def test_what_both_list_is_kept_with_all_aliases_and_the_first_role() -> None:
    first = _paper(_entity("Method", "Zorbnet", role="proposed"), _entity("Task", "quill sorting"))
    second = _paper(_entity("Method", "zorbnet", "ZN", role="used"), _entity("Task", "Quill sorting"))
    counts: Counter[str] = Counter()
    combined = combine(first, second, counts)
    assert combined["entities"] == [_entity("Method", "Zorbnet", "ZN", role="proposed"), _entity("Task", "quill sorting")]
    assert combined["unlabelled"] == [] and counts == Counter(both=2)


def test_a_name_only_one_lists_or_the_two_type_differently_is_left_unlabelled() -> None:
    first = _paper(_entity("Method", "Zorbnet"), _entity("Dataset", "Blarg corpus"))
    second = _paper(_entity("Method", "Zorbnet"), _entity("Method", "grommet loss"), _entity("Task", "Blarg corpus"))
    counts: Counter[str] = Counter()
    combined = combine(first, second, counts)
    assert [e["name"] for e in combined["entities"]] == ["Zorbnet"]
    assert combined["unlabelled"] == ["Blarg corpus", "grommet loss"]
    assert counts == Counter(both=1, first_only=1, second_only=2)


def test_a_disputed_alias_of_an_agreed_entity_is_not_unlabelled() -> None:
    first = _paper(_entity("Method", "Zorbnet", "ZN"), _entity("Method", "ZN"))  # a duplicate the first annotator made
    second = _paper(_entity("Method", "Zorbnet"))
    assert combine(first, second)["unlabelled"] == []


def test_unlabelled_names_get_no_tag_and_agreed_ones_their_tags() -> None:
    import spacy

    from train.convert import to_docs

    first = _paper(_entity("Task", "quill sorting"), _entity("Method", "grommet loss"))
    second = _paper(_entity("Task", "quill sorting"))
    doc = next(to_docs([combine(first, second)], spacy.blank("en")))
    tags = {t.text: t.tag_ for t in doc}
    assert (tags["quill"], tags["sorting"]) == ("B-Task", "L-Task")
    assert (tags["grommet"], tags["loss"]) == ("", "")  # no gradient either way
    assert tags["Blarg"] == "O"
    # the first annotation alone teaches the disputed name as a Method
    alone = {t.text: t.tag_ for t in next(to_docs([first], spacy.blank("en")))}
    assert (alone["grommet"], alone["loss"]) == ("B-Method", "L-Method")


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_combine_files_keeps_the_first_files_order_and_combines_only_the_shared_papers(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.jsonl", [_paper(_entity("Task", "quill sorting"), pid=p) for p in ("p1", "p2", "p3")])
    second = _write(tmp_path / "b.jsonl", [_paper(pid="p2")])
    records, counts = combine_files(first, second)
    assert [r["id"] for r in records] == ["p1", "p2", "p3"]
    assert [len(r["entities"]) for r in records] == [1, 0, 1] and records[1]["unlabelled"] == ["quill sorting"]
    assert "unlabelled" not in records[0] and counts["papers"] == 1


def test_combine_files_names_a_paper_it_cannot_pair(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.jsonl", [_paper(pid="p1")])
    with pytest.raises(SystemExit, match="p9"):
        combine_files(first, _write(tmp_path / "b.jsonl", [_paper(pid="p9")]))
    other = _paper(pid="p1") | {"abstract": "Something else entirely."}
    with pytest.raises(SystemExit, match="another abstract"):
        combine_files(first, _write(tmp_path / "c.jsonl", [other]))
