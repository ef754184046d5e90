'use strict';

// Partial plotly.js bundle for the portal: only the trace types the dashboards draw.
// This is plotly.js's documented partial-bundle pattern (see node_modules/plotly.js/lib/index-basic.js).
// `scatter` is always part of lib/core; it is registered again here so the list below is complete.
// Not included on purpose: table (tables are HTML), the other gl/map/geo traces, world calendars,
// and locales other than en/en-US (which core brings). Sizes with and without scatter3d: README.md.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scatter'), // lines, markers, filled area
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/pie'), // pie and donut (hole)
    require('plotly.js/lib/indicator'), // gauge and KPI number/delta
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/histogram'),
    require('plotly.js/lib/sankey'),
    require('plotly.js/lib/treemap'),
    require('plotly.js/lib/scatterpolar'), // radar
    require('plotly.js/lib/scatter3d'), // WebGL; about +0.55 MB minified, +0.17 MB gzipped
]);

module.exports = Plotly;
