"""The ``--pipeline`` option shared by ``kg build``, ``kg extract`` and ``kg eval``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def _select(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        from kg.errors import InputError
        from kg.extract.pipelines import select_pipeline

        try:
            select_pipeline(value)
        except InputError as err:
            raise click.BadParameter(err.message, ctx=ctx, param=param) from None


def pipeline_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--pipeline default|fast|FILE.cfg``; the choice reaches worker processes too."""
    return click.option(
        "--pipeline",
        default=None,
        expose_value=False,
        callback=_select,
        metavar="default|fast|FILE.cfg",
        help="Extraction pipeline: default (rules + trained tagger), fast (rules only, about twice "
        "as fast, less accurate) or a spaCy config file. Default: $KG_PIPELINE, else default.",
    )(command)
