/**
 * The console's static files: the bundle `npm run build` writes to `dist/console/` (app.js,
 * app.css), read once into memory with a gzip copy and an ETag, and the two HTML pages the server
 * writes itself (the app's shell and the sign-in form). No inline script or style anywhere.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Where the bundle is: beside the compiled server (dist/http/console -> dist/console), or in dist/ when running from src/. */
export function defaultAssetsDir(): string {
  const candidates = [new URL('../../console/', import.meta.url), new URL('../../../dist/console/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((dir) => existsSync(join(dir, 'app.js'))) ?? (candidates[0] as string);
}

export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { type, body, gzip: gzipSync(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function version(assets: Map<string, Asset>, name: string): string {
  return assets.get(name)?.etag.slice(1, 9) ?? '0';
}

/** The single-page app's shell; the bundle renders everything else. */
export function shellPage(assets: Map<string, Asset>): string {
  const missing = !assets.has('app.js');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>Clarion console</title>
<link rel="stylesheet" href="/console/assets/app.css?v=${version(assets, 'app.css')}">
<script type="module" src="/console/assets/app.js?v=${version(assets, 'app.js')}"></script>
</head>
<body>
<div id="app"><main class="page"><p class="muted">${
    missing ? 'The console bundle is missing: run <code>npm run build</code> (it writes dist/console/) and restart Clarion.' : 'Loading the console…'
  }</p><noscript>The console needs JavaScript.</noscript></main></div>
</body>
</html>
`;
}

/** The sign-in form: a plain POST, so the token never lands in a URL, in script or in storage. */
export function signInPage(assets: Map<string, Asset>, message: string | null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>Sign in · Clarion console</title>
<link rel="stylesheet" href="/console/assets/app.css?v=${version(assets, 'app.css')}">
</head>
<body>
<main class="signin">
<h1>Clarion console</h1>
<form method="post" action="/console/signin" autocomplete="off">
<label for="name">Your name <span class="muted">(shown on reviews you resolve)</span></label>
<input id="name" name="name" type="text" maxlength="80" autocomplete="username">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" required autofocus autocomplete="current-password">
${message === null ? '' : `<p class="error" role="alert">${escapeHtml(message)}</p>`}
<button type="submit">Sign in</button>
</form>
<p class="muted">The token is the server's <code>CLARION_ADMIN_TOKEN</code>. Signing in sets a session cookie for this site only.</p>
</main>
</body>
</html>
`;
}
