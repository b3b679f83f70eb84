#!/usr/bin/env node
// Builds the web console's bundle with esbuild: console/src/main.ts -> dist/console/app.js and
// app.css (uPlot's stylesheet included). Runs at `npm run build` and `prepare` (so `npm ci`
// produces it); nothing is fetched at run time. Prints the gzipped sizes.
// Usage: node scripts/build-console.mjs [outdir]
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const outdir = resolve(process.argv[2] ?? join(root, 'dist', 'console'));

await build({
  entryPoints: { app: join(root, 'console', 'src', 'main.ts') },
  outdir,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

let total = 0;
for (const name of ['app.js', 'app.css']) {
  const size = gzipSync(readFileSync(join(outdir, name))).length;
  total += size;
  console.log(`console: ${name} ${(size / 1024).toFixed(1)} KB gzipped`);
}
console.log(`console: bundle ${(total / 1024).toFixed(1)} KB gzipped -> ${outdir}`);
