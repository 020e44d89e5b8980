"""Named extraction pipelines: which config a name selects, and how the choice reaches workers.

``default`` is the learned pipeline (``learned.cfg``: exact rules plus the
trained tagger of issue 10); ``fast`` is the rules-only pipeline
(``config.cfg``), about twice as fast and less accurate. The choice travels
in the ``KG_PIPELINE`` environment variable so that extraction worker
processes (process pools, a local Dask cluster) started after it was set
build the same pipeline. Stdlib only: the CLI imports it without spaCy.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import InputError

HERE = Path(__file__).resolve().parent
PIPELINES: dict[str, Path] = {"default": HERE / "learned.cfg", "fast": HERE / "config.cfg"}
"""Pipeline name -> spaCy config file."""

ENV_VAR = "KG_PIPELINE"
"""Environment variable naming the pipeline when no config is passed."""


def pipeline_config(name: str | None = None) -> Path:
    """Return the config file of pipeline ``name`` (default: ``$KG_PIPELINE``, else ``default``).

    A name that is not a known pipeline is taken as the path of a config file.

    >>> pipeline_config("fast").name, pipeline_config("default").name
    ('config.cfg', 'learned.cfg')

    Raises:
        InputError: when the name is neither a known pipeline nor an existing file.
    """
    chosen = name or os.environ.get(ENV_VAR) or "default"
    if chosen in PIPELINES:
        return PIPELINES[chosen]
    path = Path(chosen)
    if not path.is_file():
        raise InputError(f"unknown pipeline {chosen!r}; expected one of {', '.join(PIPELINES)} or a .cfg file")
    return path


def select_pipeline(name: str) -> None:
    """Make ``name`` the pipeline of this process and of the worker processes it starts."""
    pipeline_config(name)  # fail early on a bad name
    os.environ[ENV_VAR] = name
