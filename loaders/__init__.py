"""File adapters: turn a file into rows (every layout of a statistics file, in a
sandbox; the major-projects register) or rows into a file (the reporting template),
and check rows against the regions and indicators handed in. They hold no business
rule of progress and are called by the workflows (``workflows``), not by the pages.
"""
