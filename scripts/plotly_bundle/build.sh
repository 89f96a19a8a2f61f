#!/bin/sh
# Build dashboard/vendor/plotly-ccec.min.js: plotly.js with only the trace types the
# monitor draws (scatter, bar, heatmap, choropleth; see entry.js), served in place of
# the full plotly.min.js that dcc.Graph loads (dashboard/transfer.py). The version is
# the one the installed plotly (Python) ships, so figures made by plotly.py match it.
# Run again after upgrading plotly, or when a page draws a new trace type.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$("$root/.venv/bin/python" -c "from plotly.offline import get_plotlyjs_version as v; print(v())")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "plotly.js@$version" esbuild@0.28.2 >/dev/null
{
    printf '/* plotly.js v%s (MIT, dashboard/vendor/plotly-LICENSE.txt): scatter, bar, heatmap, choropleth; built by scripts/plotly_bundle/build.sh */\n' "$version"
    npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
        --define:global=window --define:define.amd=false --target=es2016 \
        --legal-comments=none --loader:.css=empty --log-level=error
} >"$root/dashboard/vendor/plotly-ccec.min.js"
ls -l "$root/dashboard/vendor/plotly-ccec.min.js"
