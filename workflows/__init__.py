"""The use cases: receive and check a file, review it, confirm published figures,
recompute progress, remind, import the project register, set up a first run.

A workflow opens a session, reads what it needs through ``db``, hands files to the
adapters of ``loaders`` and rows to the pure rules of ``indicators``, writes through
``db`` and records what happened. The web layer and the command line call these,
never an adapter (docs/architecture.md; tests/test_layering.py)."""
