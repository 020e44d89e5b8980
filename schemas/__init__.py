"""Schemas shipped with kg: ontology, SHACL shapes, JSON Schemas, JSON-LD context, queries.

Importable as ``kg.schemas`` so code finds them with ``importlib.resources``.
"""
