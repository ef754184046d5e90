// Builds ../static/vendor/plotly-portal.min.js from plotly-entry.js with esbuild:
//
//   npm ci --prefix frontend && npm run build --prefix frontend
//
// The output depends only on the locked packages and these two files, so rebuilding from a clean
// `npm ci` gives the committed file byte for byte.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Keep plotly.js's own copyright header (MIT) at the top of the bundle.
const dist = readFileSync(join(here, 'node_modules', 'plotly.js', 'dist', 'plotly.min.js'), 'utf8');
const header = dist.match(/^\/\*\*[\s\S]*?\*\//);
if (!header || !header[0].includes('plotly.js v')) {
    throw new Error('plotly.js copyright header not found at the top of dist/plotly.min.js');
}

// Two bundles: the 2-D one every chart page loads, and the same plus scatter3d (WebGL) for pages that
// draw a 3-D chart. A page loads exactly one of them (dashboards.charts.bundles picks it).
const bundles = [
    ['plotly-entry.js', 'plotly-portal.min.js'],
    ['plotly-entry-3d.js', 'plotly-portal-3d.min.js'],
];

for (const [entry, name] of bundles) {
const outfile = join(here, '..', 'static', 'vendor', name);
await build({
    entryPoints: [join(here, entry)],
    outfile,
    bundle: true,
    minify: true,
    // An IIFE whose result is assigned to a top-level `var Plotly`, i.e. `window.Plotly` when the
    // file is loaded with a classic <script> tag, as plotly.js's own dist bundles do.
    format: 'iife',
    globalName: 'Plotly',
    platform: 'browser',
    target: 'es2016',
    // The same defines and aliases as plotly.js's own esbuild-config.js.
    define: {
        global: 'window',
        'define.amd': 'false',
        'process.env.NODE_DEBUG': 'false',
    },
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    // src/registry.js requires maplibre-gl's CSS, used only when a map trace is registered (none
    // is); without this esbuild would write a separate .css file next to the bundle.
    loader: { '.css': 'empty' },
    // Licence comments of the bundled packages are collected at the end of the file.
    legalComments: 'eof',
    banner: { js: header[0].replace(/\n\*\//, '\n* Partial bundle for the portal: see frontend/README.md\n*/') },
    logLevel: 'warning',
});

const bytes = readFileSync(outfile);
console.log(`${outfile}: ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped (level 9)`);
}
