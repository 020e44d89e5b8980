"""kg: a knowledge-graph builder for research papers.

Importing ``kg`` is cheap: spaCy, rdflib and pyvis load only when a function
that needs them is called.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
