"""Matrix products of the learned tagger: numpy's BLAS on one thread, not thinc's bundled BLIS.

Why: the largest part of the default pipeline's time is the tagger's matrix
products (thinc's ``gemm``: about 40% of extraction on real abstracts).
thinc's ``NumpyOps`` computes them with the BLIS kernels it bundles; numpy's
own BLAS (OpenBLAS in numpy's wheels) computes the same products about 2.6x
faster on the machines kg is measured on, which makes the whole default
pipeline about 1.4x faster with the same output (``bench/extract.py
--pipeline default default@blis``). One thread, because kg runs one worker
process per core: BLAS threads of their own would compete with the other
worker (two threads in one process: the same wall time for 1.6x the CPU
time).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any

MATMULS = ("numpy", "blis")
"""``numpy``: numpy's BLAS (the default); ``blis``: thinc's bundled kernels, as spaCy ships."""


def use_matmul(model: Any, matmul: str) -> None:
    """Make every layer of a thinc ``model`` multiply matrices with ``matmul`` (one of :data:`MATMULS`)."""
    if matmul not in MATMULS:
        raise ValueError(f"matmul must be one of {', '.join(MATMULS)}, not {matmul!r}")
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=matmul == "blis")
    for layer in model.walk():
        layer.ops = ops


@lru_cache(maxsize=1)
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which numpy's BLAS runs on one thread (the setting before it is restored after)."""
    limiter: AbstractContextManager[Any] = _controller().limit(limits=1, user_api="blas")
    return limiter
