"""The names a figure's release (vintage) and a published figure's grade are given in.

A plain vocabulary with no imports: the workflows that check and store figures use it,
and so does the command line's parser (manage.py offers these as choices), which must
not import those workflows (pandas, the readers) just to print its help.
"""

from __future__ import annotations

# the releases a file's figures may be declared as, with their Chinese names
VINTAGES = {
    "initial": "初步数",
    "final": "最终核实数",
    "census_revision": "经济普查修订数",
    "estimate": "预计数",
}
# a published figure's releases, earliest first: each a revision over the one before
VINTAGE_ORDER = ("estimate", "initial", "final", "census_revision")
# how far a published figure is trusted (config/published/README.md)
GRADES = ("A", "B", "A/B")
