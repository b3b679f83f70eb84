/**
 * CORS, answered by Clarion itself. Browsers ask before a cross-origin call with credentials or
 * JSON (a preflight `OPTIONS`); relaying it upstream let the upstream's `*` answer for Clarion, so
 * any web page could spend the server-side key. Now every `OPTIONS` under `/v1/` is answered here
 * (204) and only origins in `server.corsAllowOrigins` (default: none) are allowed; the actual
 * response to an allowed origin says so. The upstream's own CORS headers are dropped in
 * ../proxy/headers.ts.
 */
import type { FastifyInstance } from 'fastify';

const ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS';
const MAX_AGE_SECONDS = '600';
/** What a preflight may ask for when it names no headers. */
const DEFAULT_ALLOW_HEADERS = 'authorization, content-type, x-api-key, anthropic-version';

export function registerCors(app: FastifyInstance, allowOrigins: readonly string[]): void {
  const allowed = new Set(allowOrigins);
  app.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith('/v1/')) {
      done();
      return;
    }
    const origin = request.headers.origin;
    const ok = typeof origin === 'string' && allowed.has(origin);
    if (request.method === 'OPTIONS') {
      const headers: Record<string, string> = { vary: 'origin' };
      if (ok) {
        const asked = request.headers['access-control-request-headers'];
        headers['access-control-allow-origin'] = origin;
        headers['access-control-allow-methods'] = ALLOW_METHODS;
        headers['access-control-allow-headers'] = typeof asked === 'string' && asked !== '' ? asked : DEFAULT_ALLOW_HEADERS;
        headers['access-control-expose-headers'] = 'x-request-id, x-clarion-action, x-clarion-score, x-clarion-event-id';
        headers['access-control-max-age'] = MAX_AGE_SECONDS;
      }
      void reply.code(204).headers(headers).send();
      return;
    }
    if (ok) {
      // Set on the raw response so the proxied routes' own writeHead keeps them.
      reply.raw.setHeader('access-control-allow-origin', origin);
      reply.raw.setHeader('vary', 'origin');
    }
    done();
  });
}
