'use strict';
// plotly.js with the trace types the monitor draws (dashboard/figures.py, maps.py,
// pages/completeness.py): scatter (in core), bar, heatmap, choropleth
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
]);
module.exports = Plotly;
