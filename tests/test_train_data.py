"""The training data's mechanical passes: collecting annotator files and the notes' N1 / N8 decisions."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from train.collect import collect
from train.postprocess import postprocess


def _record(entities: list[dict], links: list[dict] | None = None) -> dict:
    return {
        "id": "p1",
        "title": "Zorbnet: a Zorb module for quux retrieval",
        "abstract": "We add a Zorb module to the quux retrieval task. Zorb helps. See 10.5281/zenodo.123.",
        "entities": entities,
        "links": links or [],
    }


def test_n1_adds_the_form_with_or_without_a_lower_case_type_word_when_both_occur() -> None:
    fixed, added, _ = postprocess(
        _record(
            [
                {"type": "Method", "name": "Zorb module", "aliases": [], "role": "proposed"},
                {"type": "Task", "name": "quux retrieval", "aliases": [], "role": "used"},
            ]
        )
    )
    assert fixed["entities"][0]["aliases"] == ["Zorb"]
    assert fixed["entities"][1]["aliases"] == ["quux retrieval task"]
    assert added == 2


def test_n1_needs_the_other_form_on_its_own_and_a_type_word_of_the_entitys_type() -> None:
    record = _record([{"type": "Dataset", "name": "quux retrieval", "aliases": [], "role": "used"}])
    record["abstract"] = "The quux retrieval task, nothing else."
    fixed, added, _ = postprocess(record)  # "task" is no type word of a Dataset
    assert fixed["entities"][0]["aliases"] == [] and added == 0
    record = _record([{"type": "Method", "name": "Blarg module", "aliases": [], "role": "used"}])
    record["abstract"] = "Only the Blarg module is here."
    fixed, added, _ = postprocess(record)  # "Blarg" never stands alone
    assert fixed["entities"][0]["aliases"] == [] and added == 0


def test_n8_drops_a_bare_doi_but_keeps_urls() -> None:
    links = [{"url": "10.5281/zenodo.123", "kind": "web"}, {"url": "https://github.com/a/b", "kind": "code"}]
    fixed, _, dropped = postprocess(_record([], links))
    assert [link["url"] for link in fixed["links"]] == ["https://github.com/a/b"] and dropped == 1


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_collect_reads_files_of_three_digits_in_number_order(tmp_path: Path) -> None:
    for number in (100, 11, 99):
        pid = f"p{number}"
        _write(tmp_path / "batches" / f"train-{number}.jsonl", [{"id": pid, "title": "Zorb", "abstract": "Zorb x."}])
        entity = {"type": "Method", "name": "Zorb", "aliases": [], "role": "used"}
        _write(tmp_path / "out" / f"train-{number}.jsonl", [{"id": pid, "entities": [entity], "links": []}])
    _write(tmp_path / "out" / "train-1.jsonl", [])  # one digit: not an annotator file name
    records, used, skipped = collect(tmp_path, "train")
    assert [r["id"] for r in records] == ["p11", "p99", "p100"]
    assert used == ["train-11.jsonl", "train-99.jsonl", "train-100.jsonl"] and not skipped


def _ids(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["id"] for line in handle if line.strip()]


def test_training_papers_are_unique_and_never_dev_papers() -> None:
    data = REPO / "train" / "data"
    train, dev = _ids(data / "train.jsonl"), _ids(data / "dev.jsonl")
    assert len(set(train)) == len(train) and len(set(dev)) == len(dev)
    assert not set(train) & set(dev)
    assert set(_ids(data / "dev-second.jsonl")) <= set(dev)


def test_the_second_annotations_are_of_training_papers_with_the_same_texts() -> None:
    data = REPO / "train" / "data"
    with open(data / "train.jsonl", encoding="utf-8") as handle:
        first = {r["id"]: r for r in map(json.loads, handle)}
    with open(data / "train-second.jsonl", encoding="utf-8") as handle:
        second = [json.loads(line) for line in handle]
    assert len(second) > 7000 and len({r["id"] for r in second}) == len(second)
    assert all(r["id"] in first and (r["title"], r["abstract"]) == (first[r["id"]]["title"], first[r["id"]]["abstract"]) for r in second)


def test_the_tune_papers_are_annotated_twice_and_in_no_other_file() -> None:
    data = REPO / "train" / "data"
    tune, second = _ids(data / "tune.jsonl"), _ids(data / "tune-second.jsonl")
    assert tune == second and len(set(tune)) == len(tune) >= 150
    assert not set(tune) & (set(_ids(data / "train.jsonl")) | set(_ids(data / "dev.jsonl")))


def test_draw_keeps_the_samples_shape_leaves_out_annotated_papers_and_repeats_itself(tmp_path: Path) -> None:
    import gzip

    from train.draw import draw

    def write(name: str, rows: list[dict]) -> None:
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows)

    def paper(pid: str, cat: str, **extra: object) -> dict:
        return {"id": pid, "title": f"T {pid}", "abstract": "A.", "categories": [cat], **extra}

    # the sample: 3 cs.CV listings for 1 cs.CL, and a quarter topic papers
    write(
        "annotation-sample.jsonl.gz",
        [paper(f"s{i}", "cs.CV", bucket="vision") for i in range(6)]
        + [paper(f"s{i}", "cs.CL", bucket="nlp") for i in range(6, 8)]
        + [paper(f"s{i}", "cs.LG", bucket="topic:Zorb") for i in range(8, 10)],
    )
    write(
        "ai-2025-2026.jsonl.gz",
        [paper(f"cv{i}", "cs.CV") for i in range(40)] + [paper(f"cl{i}", "cs.CL") for i in range(40)] + [paper("s0", "cs.CV")],
    )
    write(
        "topics-2017-2026.jsonl.gz",
        [{"id": f"tp{i}", "title": "T", "abstract": "A.", "categories": "Zorb", "date": 2018 + i % 8} for i in range(40)],
    )
    picked = draw(tmp_path, 20, 5, {"cv0", "cl0"})
    ids = [r["id"] for r, _ in picked]
    assert len(ids) == len(set(ids)) == 20
    assert not {"cv0", "cl0", "s0"} & set(ids)  # annotated and sample papers stay out
    buckets = Counter(b.split(":")[0] if b.startswith("r5-topic") else b for _, b in picked)
    assert buckets == {"r5:cs.CV": 12, "r5:cs.CL": 4, "r5-topic": 4}
    assert all(int(str(r["date"])[:4]) >= 2020 for r, b in picked if b.startswith("r5-topic"))
    assert [r["id"] for r, _ in draw(tmp_path, 20, 5, {"cv0", "cl0"})] == ids
    assert {b.split(":")[0] for _, b in draw(tmp_path, 20, 5, set(), "r6")} == {"r6", "r6-topic"}


def test_stats_groups_every_drawn_round() -> None:
    from train.stats import _group

    assert _group("r6:cs.CV") == _group("r6:cs.CL") != _group("r5:cs.CV")
    assert _group("r12-topic:Zorb") == "round 12: topics 2020-26 (r12-topic:*)"
    assert _group("vision") == "vision"
