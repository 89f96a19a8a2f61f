"""The bare-Dash floor: the smallest Dash app that draws what a page of the monitor
draws at the least (one 10-point graph, filled by a callback).

The benchmarks compare the monitor with it, so that a figure says what the monitor
adds to what Dash and Flask cost on the same machine at the same moment:
scripts/bench_dashboard.py visits it in-process between the monitor's pages, and
``scripts/load_test.py --floor`` serves it with gunicorn and puts the same viewers
on it (``gunicorn --pythonpath scripts floor_app:application``).
"""

from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import Input, Output, dcc, html

# the callback request a browser sends when the floor's page opens
FLOOR_CALLBACK = {
    "output": "graph.figure",
    "outputs": {"id": "graph", "property": "figure"},
    "inputs": [{"id": "url", "property": "pathname", "value": "/"}],
    "state": [],
    "changedPropIds": ["url.pathname"],
}
# Chromium has drawn the floor's page (dashboard pages wait for the router instead)
FLOOR_SETTLED = "() => !!document.querySelector('#graph .main-svg')"


def build_floor_app(name: str = __name__) -> dash.Dash:
    """A new floor app; ``name`` keeps two of them in one process apart."""
    app = dash.Dash(name)
    app.layout = html.Div([dcc.Location(id="url"), dcc.Graph(id="graph")])

    @app.callback(Output("graph", "figure"), Input("url", "pathname"))
    def draw(_pathname: str) -> go.Figure:
        return go.Figure(go.Scatter(x=list(range(10)), y=[v * v for v in range(10)]))

    return app


application = build_floor_app().server
