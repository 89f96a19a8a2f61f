"""Domain logic of the monitor: regions, catalogue, targets, progress.

Pure Python and pandas: nothing here imports Dash, Flask or SQLAlchemy, so the
rules can be tested and reused without a server or a database.
"""
