"""The web layer: a thin Dash app over ``indicators`` and ``db``."""
