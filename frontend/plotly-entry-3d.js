'use strict';

// The portal's plotly.js bundle plus scatter3d (WebGL; about +0.55 MB minified, +0.17 MB gzipped),
// for pages that draw a 3-D chart. Everything else loads plotly-portal.min.js (plotly-entry.js).
var Plotly = require('./plotly-entry.js');

Plotly.register([require('plotly.js/lib/scatter3d')]);

module.exports = Plotly;
