"""Persistence: models, engine and sessions, migrations, and every query."""
