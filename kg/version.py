"""The version of kg, in one place.

``pyproject.toml`` reads it (``[tool.setuptools.dynamic]``), ``kg.__version__``
re-exports it, and the extractor stamps it on its provenance. It is a leaf
module, importable from every layer, so no layer has to import the package
root or ask the installed metadata (which names the distribution, not the
import package).
"""

__version__ = "0.1.0"
