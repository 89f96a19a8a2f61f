"""Bring files into the database: master data, catalogue, statistics.

Loaders parse and validate files (into domain objects or long-format frames)
and hand them to ``db`` for storage; they hold no business rules of progress.
"""
