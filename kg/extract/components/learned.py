"""``kg_learned``: a trained tagger proposes typed entity mentions (issue 10).

The rules of the fast pipeline find well-known names and defined acronyms
exactly, but guess poorly at everything else (precision about 0.58 on random
abstracts). This component runs a small spaCy tagger trained on
hand-annotated real abstracts (``train/``) that gives every token a BILUO
entity tag ("B-Method", ..., "O"), decodes the tags into typed mentions and
adds one :class:`Candidate` per mention to ``doc._.kg_candidates``;
``kg_learned_assembly`` then turns candidates into entities. A tagger
trained with roles tags "B-Method|proposed" and "B-Method|used": the two are
summed into the typed tag the spans are decoded from, and each mention
keeps the proposed share of its tag mass (``Candidate.proposed_probability``)
for the assembler to decide the role. A softmax
tagger runs about twice as fast as spaCy's transition-based NER of the same
width (measured in ``train/README.md``).

The tagger is a whole spaCy pipeline folder (config, weights, and the
static vectors learned on the unlabelled corpus) that arrives through the
config (``kg.learned_weights.v1``), never loaded by the component itself.
Its vectors are installed in the host pipeline's vocab, because spaCy's
static-vector layer reads the vectors of the Doc's vocab. No spaCy object
of the tagger leaves this module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch, registry

from kg.errors import KGError
from kg.extract.components.common import Candidate, candidates, doc_text, register_extensions
from kg.extract.matmul import MATMULS, one_blas_thread, use_matmul
from kg.records import ENTITY_TYPES

logger = logging.getLogger(__name__)

WEIGHTS_DIR = Path(__file__).resolve().parents[1] / "learned" / "tagger"
"""Where the trained tagger ships inside the package (rebuilt by ``make train``)."""


class MissingWeightsError(KGError):
    """The learned pipeline was asked for but its weights folder is absent or incomplete."""


@registry.misc("kg.learned_weights.v1")
def learned_weights(path: str | None = None) -> Language:
    """Load the trained tagger pipeline folder (the bundled one when ``path`` is None).

    Raises:
        MissingWeightsError: naming the folder, when it holds no trained tagger.
    """
    import spacy

    folder = Path(path) if path else WEIGHTS_DIR
    if not (folder / "config.cfg").is_file() or not (folder / "tagger").is_dir():
        raise MissingWeightsError(
            f"{folder}: no trained tagger here (config.cfg and tagger/ expected); "
            "rebuild it with `make train`, or use the rules-only pipeline (--pipeline fast)"
        )
    return spacy.load(folder)


@registry.misc("kg.untrained_tagger.v1")
def untrained_tagger(labels: list[str] | None = None, width: int = 16) -> Language:
    """Return an initialised but untrained BILUO tagger: the model-free fallback for tests.

    Its tags are arbitrary; what it offers is the shape of the learned
    pipeline (same component, same decoding) without weights on disk.
    """
    import spacy

    nlp = spacy.blank("en")
    config = {
        "model": {
            "@architectures": "spacy.Tagger.v2",
            "tok2vec": {
                "@architectures": "spacy.HashEmbedCNN.v2",
                "pretrained_vectors": None,
                "width": width,
                "depth": 1,
                "embed_size": 500,
                "window_size": 1,
                "maxout_pieces": 2,
                "subword_features": True,
            },
        }
    }
    tagger: Any = nlp.add_pipe("tagger", config=config)
    for label in biluo_labels(labels or ENTITY_TYPES):
        tagger.add_label(label)
    nlp.initialize()
    return nlp


ROLE_MARK = "|"
"""Joins type and role in the tags of a tagger trained with roles ("B-Method|proposed")."""


def role_label_maps(labels: Sequence[str]) -> tuple[tuple[str, ...], Any, Any] | None:
    """Return (typed labels, role-to-typed sum matrix, proposed mask) of role-marked tags; None without roles.

    A tagger trained with roles gives each typed tag twice ("B-Method|proposed",
    "B-Method|used"). Summing the two gives the typed tag the spans are decoded
    from, exactly as from a tagger without roles; the proposed share of a
    mention's tag mass is its role.

    >>> typed, merge, proposed = role_label_maps(["O", "U-Task|proposed", "U-Task|used"])
    >>> typed, merge.tolist(), proposed.tolist()
    (('O', 'U-Task'), [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]], [0.0, 1.0, 0.0])
    """
    import numpy

    if not any(ROLE_MARK in label for label in labels):
        return None
    typed = tuple(dict.fromkeys(label.partition(ROLE_MARK)[0] for label in labels))
    merge = numpy.zeros((len(labels), len(typed)), dtype="float32")
    proposed = numpy.zeros(len(labels), dtype="float32")
    for i, label in enumerate(labels):
        base, _, role = label.partition(ROLE_MARK)
        merge[i, typed.index(base)] = 1.0
        proposed[i] = 1.0 if role == "proposed" else 0.0
    return typed, merge, proposed


def biluo_labels(types: Iterable[str]) -> list[str]:
    """Return the tag set of a BILUO tagger over ``types`` ("O" first).

    >>> biluo_labels(["Task"])
    ['O', 'B-Task', 'I-Task', 'L-Task', 'U-Task']
    """
    return ["O"] + [f"{prefix}-{t}" for t in types for prefix in "BILU"]


def allowed_transitions(labels: Sequence[str]) -> tuple[Any, Any, Any]:
    """Return the BILUO constraints as additive log masks: (start, transition, end).

    After O, L or U come O, B or U; after B-t or I-t come I-t or L-t. A span
    starts with B or U and the text ends outside a span.
    """
    import numpy

    forbid = -1e4  # finite: a doc the model tags badly still decodes to some path
    n = len(labels)
    parts = [label.partition("-") for label in labels]
    start = numpy.array([0.0 if p[0] in ("O", "B", "U") else forbid for p in parts], dtype="float32")
    end = numpy.array([0.0 if p[0] in ("O", "L", "U") else forbid for p in parts], dtype="float32")
    trans = numpy.full((n, n), forbid, dtype="float32")
    for i, (before, _, t1) in enumerate(parts):
        for j, (after, _, t2) in enumerate(parts):
            if before in ("O", "L", "U"):
                ok = after in ("O", "B", "U")
            else:
                ok = after in ("I", "L") and t1 == t2
            if ok:
                trans[i, j] = 0.0
    return start, trans, end


def log_softmax(logits: Any) -> Any:
    """Return the row-wise log-softmax of a (tokens x labels) array."""
    import numpy

    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))


def viterbi(scores: Sequence[Any], constraints: tuple[Any, Any, Any]) -> list[Any]:
    """Return the best BILUO-valid tag index sequence of each document, all decoded at once.

    ``scores`` holds one (tokens x labels) array of unnormalised scores
    (logits: spaCy's ``Tagger.v2`` with ``normalize = false`` predicts them)
    per document; they are log-softmaxed here.
    The documents are padded into one (docs x tokens x labels) array so that
    each step of the dynamic programme is one numpy operation for the whole
    batch: per-document Python loops cost more than the tagger itself.

    >>> import numpy
    >>> labels = ["O", "B-T", "I-T", "L-T", "U-T"]
    >>> logits = numpy.log(numpy.array([[0.1, 0.6, 0.01, 0.01, 0.3], [0.45, 0.01, 0.01, 0.55, 0.01]]))
    >>> [labels[i] for i in viterbi([logits], allowed_transitions(labels))[0]]
    ['B-T', 'L-T']
    """
    import numpy

    start, trans, end = constraints
    if not scores:
        return []
    lengths = [len(s) for s in scores]
    n_docs, width, n_labels = len(scores), max(lengths), trans.shape[0]
    logp = numpy.zeros((n_docs, width, n_labels), dtype="float32")
    for i, s in enumerate(scores):
        if len(s):
            logp[i, : len(s)] = log_softmax(numpy.asarray(s, dtype="float32"))
    lengths_arr = numpy.array(lengths)
    delta = logp[:, 0] + start
    back = numpy.zeros((n_docs, width, n_labels), dtype="int16")
    for t in range(1, width):
        cand = delta[:, :, None] + trans[None]
        best_prev = cand.argmax(axis=1)
        new = numpy.take_along_axis(cand, best_prev[:, None, :], axis=1)[:, 0] + logp[:, t]
        live = (lengths_arr > t)[:, None]
        delta = numpy.where(live, new, delta)
        back[:, t] = numpy.where(live, best_prev, numpy.arange(n_labels)[None, :])
    last = (delta + end).argmax(axis=1)
    paths: list[Any] = []
    for i, length in enumerate(lengths):
        path = numpy.empty(length, dtype="int64")
        if length:
            path[-1] = last[i]
            row = back[i]
            for t in range(length - 1, 0, -1):
                path[t - 1] = row[t, path[t]]
        paths.append(path)
    return paths


DECODINGS = ("typed", "untyped")
"""How tags become spans: one typed BILUO path, or a path over span boundaries with types decided per span."""


def _label_maps(labels: Sequence[str], span_labels: Sequence[str], types: Sequence[str]) -> tuple[Any, Any]:
    """Return 0/1 matrices summing typed tag probabilities into span tags and into types.

    >>> to_span, to_type = _label_maps(["O", "B-A", "U-B"], biluo_labels(["span"]), ["A", "B"])
    >>> to_span.tolist()
    [[1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]]
    >>> to_type.tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    """
    import numpy

    to_span = numpy.zeros((len(labels), len(span_labels)), dtype="float32")
    to_type = numpy.zeros((len(labels), len(types)), dtype="float32")
    for i, label in enumerate(labels):
        prefix, _, type_ = label.partition("-")
        to_span[i, span_labels.index("O" if prefix == "O" else f"{prefix}-span")] = 1.0
        if type_:
            to_type[i, types.index(type_)] = 1.0
    return to_span, to_type


def untyped_mentions(
    scores: Sequence[Any], labels: Sequence[str]
) -> list[list[tuple[int, int, float, dict[str, float]]]]:
    """Decode each document's tag scores into (start, end, confidence, type probabilities) token spans.

    Finding a name and typing it are two decisions. The typed tags'
    probabilities are summed into untyped ones (B = B-Method + B-Model + ...),
    the best BILUO-valid untyped path gives the spans, a span's confidence is
    the mean probability of its untyped tags, and its type probabilities are
    the typed tags' mass over its tokens, normalised. A name the tagger is
    sure of but torn between two types (U-Model 0.5, U-Method 0.49, O 0.01)
    is a confident mention of its likelier type, where the typed path would
    give it confidence 0.5; and a span split between types at every token
    (B-Method 0.3, B-Model 0.3, O 0.4) is still found.

    >>> import numpy
    >>> labels = biluo_labels(["Method", "Model"])
    >>> probs = numpy.full((1, len(labels)), 1e-6)
    >>> probs[0, labels.index("U-Model")], probs[0, labels.index("U-Method")] = 0.5, 0.49
    >>> probs[0, labels.index("O")] = 0.01
    >>> [(s, e, round(c, 2), max(t, key=t.get)) for s, e, c, t in untyped_mentions([numpy.log(probs)], labels)[0]]
    [(0, 1, 0.99, 'Model')]
    """
    import numpy

    span_labels = biluo_labels(["span"])
    types = sorted({label.partition("-")[2] for label in labels if label != "O"})
    to_span, to_type = _label_maps(labels, span_labels, types)
    probs = [numpy.exp(log_softmax(numpy.asarray(s, dtype="float32"))) if len(s) else s for s in scores]
    span_probs = [p @ to_span if len(p) else numpy.zeros((0, len(span_labels))) for p in probs]
    paths = viterbi([numpy.log(numpy.maximum(p, 1e-12)) for p in span_probs], allowed_transitions(span_labels))
    out: list[list[tuple[int, int, float, dict[str, float]]]] = []
    for prob, span_prob, path in zip(probs, span_probs, paths):
        mentions: list[tuple[int, int, float, dict[str, float]]] = []
        if len(path):
            chosen = span_prob[numpy.arange(len(path)), path]
            type_mass = prob @ to_type
            tags = [span_labels[i] for i in path.tolist()]
            for start, end, _ in decode_biluo(tags):
                mass = type_mass[start:end].sum(axis=0)
                mass = mass / max(float(mass.sum()), 1e-12)
                type_scores = {t: round(float(m), 4) for t, m in zip(types, mass.tolist())}
                mentions.append((start, end, float(chosen[start:end].mean()), type_scores))
        out.append(mentions)
    return out


def decode_biluo(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Turn one tag per token into (start, end, type) token spans, repairing broken sequences.

    :func:`viterbi` only emits valid sequences; the repair keeps the decoder
    total for any input: an I/L with no open span of its type opens one, a
    B/U or another type closes the open span, an O closes it too.

    >>> decode_biluo(["O", "B-Task", "L-Task", "U-Model", "I-Method", "O", "B-Task"])
    [(1, 3, 'Task'), (3, 4, 'Model'), (4, 5, 'Method'), (6, 7, 'Task')]
    """
    spans: list[tuple[int, int, str]] = []
    open_start, open_type = -1, ""
    for i, tag in enumerate(tags):
        if tag == "O" or not tag:
            if open_start >= 0:
                spans.append((open_start, i, open_type))
                open_start = -1
            continue
        prefix, _, type_ = tag.partition("-")
        if open_start >= 0 and (prefix in "BU" or type_ != open_type):
            spans.append((open_start, i, open_type))
            open_start = -1
        if prefix == "U":
            spans.append((i, i + 1, type_))
        elif prefix == "L":
            spans.append((open_start if open_start >= 0 else i, i + 1, type_))
            open_start = -1
        elif open_start < 0:
            open_start, open_type = i, type_
    if open_start >= 0:
        spans.append((open_start, len(tags), open_type))
    return spans


class LearnedTagger:
    """Run the trained BILUO tagger and add its mentions as typed candidates."""

    def __init__(
        self,
        nlp: Language,
        name: str = "kg_learned",
        *,
        tagger: Language,
        min_probability: float = 0.0,
        decoding: str = "typed",
        agreed_min_probability: float | None = None,
        matmul: str = "numpy",
    ) -> None:
        register_extensions()
        if decoding not in DECODINGS:
            raise ValueError(f"kg_learned: decoding must be one of {', '.join(DECODINGS)}, not {decoding!r}")
        if matmul not in MATMULS:
            raise ValueError(f"kg_learned: matmul must be one of {', '.join(MATMULS)}, not {matmul!r}")
        self.matmul = matmul
        self.name = name
        self.min_probability = min_probability
        self.agreed_min_probability = min_probability if agreed_min_probability is None else agreed_min_probability
        self.decoding = decoding
        self._host_vocab = nlp.vocab
        self._load(tagger)

    def _load(self, tagger_nlp: Language) -> None:
        if "tagger" not in tagger_nlp.pipe_names:
            raise MissingWeightsError("the learned pipeline has no 'tagger' component")
        self.tagger_nlp = tagger_nlp
        tagger: Any = tagger_nlp.get_pipe("tagger")
        self.model = tagger.model
        use_matmul(self.model, self.matmul)
        maps = role_label_maps(tuple(tagger.labels))
        self._role_maps = maps[1:] if maps else None
        self.labels: tuple[str, ...] = maps[0] if maps else tuple(tagger.labels)
        self._outside = self.labels.index("O") if "O" in self.labels else -1
        self._constraints = allowed_transitions(self.labels)
        if tagger_nlp.vocab.vectors.shape[0]:
            self._host_vocab.vectors = tagger_nlp.vocab.vectors  # the static-vector layer reads the Doc's vocab

    def __call__(self, doc: Doc) -> Doc:
        """Tag one Doc (see :meth:`pipe` for batches)."""
        return next(self.pipe([doc], batch_size=1))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 64) -> Iterator[Doc]:
        """Tag Docs in batches: the network runs on a batch at once."""
        for batch in minibatch(stream, size=batch_size):
            docs = list(batch)
            predictable = [d for d in docs if len(d)]
            with one_blas_thread():
                scores = [self.model.ops.to_numpy(s) for s in self.model.predict(predictable)] if predictable else []
            shares: list[Any] = [None] * len(scores)
            if self._role_maps is not None:
                scores, shares = self._typed_scores(scores)
            if self.decoding == "untyped":
                for doc, mentions in zip(predictable, untyped_mentions(scores, self.labels)):
                    self._add_untyped(doc, mentions)
            else:
                for doc, logits, path, share in zip(predictable, scores, viterbi(scores, self._constraints), shares):
                    self._add_candidates(doc, logits, path, share)
            yield from docs

    def _typed_scores(self, scores: list[Any]) -> tuple[list[Any], list[Any]]:
        """Sum role-marked tag probabilities into typed ones; return their logs and each token's proposed share."""
        import numpy

        merge, proposed = self._role_maps  # type: ignore[misc]
        typed, shares = [], []
        for logits in scores:
            probs = numpy.exp(log_softmax(logits))
            typed_probs = probs @ merge
            named = 1.0 - typed_probs[:, self._outside] if self._outside >= 0 else typed_probs.sum(axis=1)
            shares.append((probs @ proposed) / numpy.maximum(named, 1e-9))
            typed.append(numpy.log(numpy.maximum(typed_probs, 1e-12)))
        return typed, shares

    def _add_untyped(self, doc: Doc, mentions: list[tuple[int, int, float, dict[str, float]]]) -> None:
        text = doc_text(doc)
        found = candidates(doc)
        for start, end, confidence, type_scores in mentions:
            if confidence >= self.min_probability:
                type_ = max(type_scores, key=lambda t: (type_scores[t], t))
                found.append(self._candidate(doc, text, start, end, type_, confidence, tuple(type_scores.items())))

    def _candidate(
        self,
        doc: Doc,
        text: str,
        start: int,
        end: int,
        type_: str,
        confidence: float,
        type_scores: tuple[tuple[str, float], ...] = (),
    ) -> Candidate:
        """Return the typed candidate of the token span ``start:end``."""
        start_char = doc[start].idx
        end_char = doc[end - 1].idx + len(doc[end - 1])
        cand = Candidate(start_char, end_char, text[start_char:end_char], self.name, round(confidence, 4))
        cand.type = type_
        cand.type_evidence = "context"
        cand.type_scores = type_scores
        return cand

    def _add_candidates(self, doc: Doc, probs: Any, path: Any, share: Any = None) -> None:
        """Add the mentions of one decoded path (``share``: each token's proposed share, role-tagged taggers)."""
        import numpy

        inside = numpy.flatnonzero(path != self._outside)
        if not inside.size:
            return
        labels = self.labels
        tags = ["O"] * len(doc)
        for i in inside.tolist():
            tags[i] = labels[path[i]]
        text = doc_text(doc)
        found = candidates(doc)
        chosen = numpy.exp(log_softmax(probs)[numpy.arange(len(path)), path])
        for start, end, type_ in decode_biluo(tags):
            confidence = float(chosen[start:end].mean())
            if confidence >= self.min_probability or (
                confidence >= self.agreed_min_probability and _rules_agree(doc, start, end)
            ):
                cand = self._candidate(doc, text, start, end, type_, confidence)
                if share is not None:
                    cand.proposed_probability = round(float(share[start:end].mean()), 4)
                found.append(cand)

    # -- serialisation: the tagger pipeline travels with the host pipeline -------------------------

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """Serialise the tagger pipeline (config, weights and vectors) to bytes."""
        import srsly

        return srsly.msgpack_dumps(  # type: ignore[no-any-return]
            {"config": self.tagger_nlp.config.to_str(), "bytes": self.tagger_nlp.to_bytes()}
        )

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> LearnedTagger:
        """Restore the tagger pipeline written by :meth:`to_bytes`."""
        import spacy
        import srsly
        from thinc.api import Config

        msg = srsly.msgpack_loads(data)
        tagger_nlp = spacy.util.load_model_from_config(Config().from_str(msg["config"]), auto_fill=True)
        tagger_nlp.from_bytes(msg["bytes"])
        self._load(tagger_nlp)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the tagger pipeline folder under ``path``."""
        self.tagger_nlp.to_disk(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LearnedTagger:
        """Load the tagger pipeline folder written by :meth:`to_disk`."""
        self._load(learned_weights(str(path)))
        return self


def _rules_agree(doc: Doc, start: int, end: int) -> bool:
    """Tell whether the rules' tags (``token.tag_``, from ``kg_rule_tags``) mark exactly tokens ``start:end``."""
    first, last = doc[start].tag_, doc[end - 1].tag_
    if end - start == 1:
        return first.startswith("U-")
    return first.startswith("B-") and last.startswith("L-") and all(t.tag_.startswith("I-") for t in doc[start + 1 : end - 1])


@Language.factory(
    "kg_learned",
    default_config={
        "tagger": {"@misc": "kg.learned_weights.v1", "path": None},
        "min_probability": 0.0,
        "decoding": "typed",
        "agreed_min_probability": None,
        "matmul": "numpy",
    },
)
def make_learned(
    nlp: Language,
    name: str,
    tagger: Any,
    min_probability: float,
    decoding: str,
    agreed_min_probability: float | None,
    matmul: str,
) -> LearnedTagger:
    """Build the ``kg_learned`` component around a trained BILUO tagger pipeline."""
    return LearnedTagger(
        nlp,
        name,
        tagger=tagger,
        min_probability=min_probability,
        decoding=decoding,
        agreed_min_probability=agreed_min_probability,
        matmul=matmul,
    )
