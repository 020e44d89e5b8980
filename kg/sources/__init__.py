"""Paper sources: one small reader per input format, sniffing, and :func:`read_papers`.

Formats (see :data:`FORMATS`): the Hugging Face Daily Papers text page
(``daily``), generic JSON Lines / JSON / CSV, the arXiv API's Atom XML and
bulk metadata snapshot, BibTeX, OpenAlex works and the Hugging Face
daily-papers JSON. Every reader streams its file and yields
:class:`kg.records.Paper` records; bad records become
:class:`kg.errors.InputError` messages naming file and line. Stdlib only.

>>> papers = list(read_papers([]))
>>> len(papers), papers[0].source
(49, 'daily-papers-2025-08-29.txt')
"""

from __future__ import annotations

from kg.sources.base import ReadReport
from kg.sources.reading import READERS, SAMPLE_PATH, check_inputs, merge, read_papers
from kg.sources.sniff import FORMATS, detect_format

__all__ = [
    "FORMATS", "READERS", "SAMPLE_PATH", "ReadReport", "check_inputs", "detect_format", "merge", "read_papers",
]
