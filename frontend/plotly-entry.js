'use strict';

// Partial plotly.js bundle for the portal: the 2-D trace types the dashboards draw. Pages with a 3-D
// chart load plotly-portal-3d.min.js instead (plotly-entry-3d.js: this list plus scatter3d).
// This is plotly.js's documented partial-bundle pattern (see node_modules/plotly.js/lib/index-basic.js).
// `scatter` is always part of lib/core; it is registered again here so the list below is complete.
// Not included on purpose: table (tables are HTML), the other gl/map/geo traces, world calendars,
// and locales other than en/en-US (which core brings). Sizes with and without scatter3d: README.md.
var Plotly = require('plotly.js/lib/core');

var traces = [
    require('plotly.js/lib/scatter'), // lines, markers, filled area
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'), // pie and donut (hole)
    require('plotly.js/lib/indicator'), // gauge and KPI number/delta
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/histogram'),
    require('plotly.js/lib/sankey'),
    require('plotly.js/lib/treemap'),
    require('plotly.js/lib/scatterpolar'), // radar
];

Plotly.register(traces);

module.exports = Plotly;
