"""The extractor: a spaCy pipeline that finds methods, models, datasets, tasks and links.

spaCy is imported lazily by the modules that need it, never at package import.
"""
