"""Load the synthetic sample statistics (示例数据) into their own layer."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from db.catalogue import stored_catalogue
from db.observations import replace_layer
from db.regions import load_directory
from db.session import transaction
from indicators.sample_data import LABEL, generate


def load_sample(factory: sessionmaker[Session], last_year: int | None = None) -> int:
    """Regenerate the sample layer whole (reproducible: fixed seed); returns the row count."""
    last_year = last_year or datetime.now(UTC).year - 1
    with transaction(factory) as session:
        directory = load_directory(session)
        catalogue = stored_catalogue(session)
        frame = generate(catalogue, last_year, directory=directory)
        return replace_layer(session, "sample", frame, f"{LABEL}（合成，非真实统计）")
