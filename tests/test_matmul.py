"""The learned tagger's matrix products: numpy's BLAS on one thread gives what thinc's BLIS gives.

Model-free: an untrained tagger (``kg.untrained_tagger.v1``) has random
weights, which is all a check of the arithmetic needs.
"""

from __future__ import annotations

from typing import Any

import numpy
import pytest
import spacy
from threadpoolctl import threadpool_info

from kg.extract.components.learned import LearnedTagger, untrained_tagger
from kg.extract.matmul import one_blas_thread, use_matmul

TEXTS = [
    "Zorbnet beats Quuxformer on the Blorp-7 benchmark for glimmer detection.",
    "We propose FrobNet, a sparse flarp encoder trained on Wuzzle-QA.",
]


def _random_tagger() -> tuple[spacy.language.Language, Any]:
    """An untrained tagger with every weight drawn at random (thinc starts the output layer at zero)."""
    tagger_nlp = untrained_tagger(["Method", "Dataset"], width=32)
    model = tagger_nlp.get_pipe("tagger").model
    rng = numpy.random.default_rng(0)
    for layer in model.walk():
        for name in layer.param_names:
            if layer.has_param(name):
                shape = layer.get_param(name).shape
                layer.set_param(name, rng.normal(0.0, 0.5, shape).astype("float32"))
    return tagger_nlp, model


def test_every_layer_gets_the_chosen_products() -> None:
    model = untrained_tagger(["Method"]).get_pipe("tagger").model
    use_matmul(model, "numpy")
    assert {layer.ops.use_blis for layer in model.walk()} == {False}
    use_matmul(model, "blis")
    assert {layer.ops.use_blis for layer in model.walk()} == {True}


def test_numpy_products_match_blis() -> None:
    tagger_nlp, model = _random_tagger()
    docs = [tagger_nlp.make_doc(text) for text in TEXTS]
    scores = {}
    for matmul in ("blis", "numpy"):
        use_matmul(model, matmul)
        scores[matmul] = [model.ops.to_numpy(s) for s in model.predict(docs)]
    assert [s.shape for s in scores["numpy"]] == [(len(doc), 9) for doc in docs]
    assert numpy.ptp(numpy.concatenate(scores["numpy"])) > 1.0  # scores that differ from token to token
    for ours, theirs in zip(scores["numpy"], scores["blis"], strict=True):
        numpy.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def test_unknown_products_are_refused() -> None:
    model = untrained_tagger(["Method"]).get_pipe("tagger").model
    with pytest.raises(ValueError, match="matmul must be one of"):
        use_matmul(model, "cuda")
    with pytest.raises(ValueError, match="kg_learned: matmul"):
        LearnedTagger(spacy.blank("en"), tagger=untrained_tagger(["Method"]), matmul="fortran")


def test_the_component_uses_numpy_products_by_default() -> None:
    component = LearnedTagger(spacy.blank("en"), tagger=untrained_tagger(["Method"]))
    assert {layer.ops.use_blis for layer in component.model.walk()} == {False}
    chosen = LearnedTagger(spacy.blank("en"), tagger=untrained_tagger(["Method"]), matmul="blis")
    assert {layer.ops.use_blis for layer in chosen.model.walk()} == {True}


def _blas_threads() -> list[int]:
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


def test_one_blas_thread_inside_and_the_setting_restored_after() -> None:
    before = _blas_threads()
    if not before:
        pytest.skip("numpy here links no BLAS threadpoolctl can see")
    with one_blas_thread():
        assert set(_blas_threads()) == {1}
    assert _blas_threads() == before
