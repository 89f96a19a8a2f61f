"""Where the annex and the notice are: the project's copy of the seed compilation
and the lines each occupies in it (config/sources/INDEX.md)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SEED_PATH = REPO / "config" / "sources" / "001_a9d4b781dc1e95d7.txt"
REGIONS_PATH = REPO / "config" / "regions.yaml"

# 1-based, inclusive; see config/sources/INDEX.md. The annex ends with its note
# "注：项目建设规模、投资及时序以实际批复为准。" (line 17182); the next document
# starts on line 17183.
ANNEX_FIRST_LINE = 15670
ANNEX_LAST_LINE = 17182
NOTICE_FIRST_LINE = 3346
NOTICE_LAST_LINE = 3426
