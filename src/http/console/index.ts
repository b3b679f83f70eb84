/**
 * The web console at `/console/`, as one fastify plugin (registered with prefix `/console`).
 *
 *   GET  /console/signin          sign-in form        POST /console/signin   token -> session cookie
 *   POST /console/signout         ends the session    GET  /console/assets/* the bundle
 *   GET  /console/*               the app's shell     /console/api/*         JSON for the pages (./api.ts)
 *
 * Access (./security.ts): with CLARION_ADMIN_TOKEN set, sign in with it (./auth.ts); without one
 * the console is on only when the server listens on loopback, and then opens a session for
 * whoever connects under a loopback host name. Every response carries the security headers;
 * every API call and sign-in must come from this origin; every write carries the CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClarionError } from '../../errors.js';
import { collectBody } from '../body.js';
import { catalogueErrors, OWN_API_ERRORS, sendError } from '../errors.js';
import { refuseWhileClosing } from '../guards.js';
import type { OwnApiOptions } from '../own-api.js';
import { consoleApi, type ConsoleData } from './api.js';
import { loadAssets, shellPage, signInPage, defaultAssetsDir, type Asset } from './assets.js';
import { FailureLimiter, readCookie, SESSION_COOKIE, sessionCookie, SessionStore, tokenMatches, type Session } from './auth.js';
import { consoleAccess, crossOriginProblem, hostName, isLoopbackHost, setSecurityHeaders } from './security.js';

export const CONSOLE_PREFIX = '/console';
const BODY_LIMIT = 2 * 1024 * 1024;
const SESSION_TTL_MS = 12 * 3_600_000;

export interface ConsoleOptions extends OwnApiOptions {
  /** CLARION_ADMIN_TOKEN, if set. */
  token: string | undefined;
  /** The address the server listens on (the console opens without a token only on loopback). */
  listenHost: string;
  data: ConsoleData;
  /** Directory of the built bundle (default: dist/console). */
  assetsDir?: string;
  sessions?: SessionStore;
  limiter?: FailureLimiter;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: Session;
  }
}

function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export async function consoleSurface(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const access = consoleAccess(options.token, options.listenHost);
  const sessions = options.sessions ?? new SessionStore({ ttlMs: SESSION_TTL_MS });
  const limiter = options.limiter ?? new FailureLimiter();
  const assets = loadAssets(options.assetsDir ?? defaultAssetsDir());

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    collectBody(payload, BODY_LIMIT).then(
      (body) => done(null, body),
      (error: Error) => done(error, undefined),
    );
  });
  app.setErrorHandler(catalogueErrors(options.logger, () => OWN_API_ERRORS));
  app.setNotFoundHandler((request, reply) => sendError(reply, new ClarionError('CLARION_NOT_FOUND', `${request.method} ${request.url}`), OWN_API_ERRORS));
  app.addHook('onRequest', async (_request, reply) => {
    setSecurityHeaders(reply);
    reply.header('cache-control', 'no-store');
  });
  app.addHook('onRequest', refuseWhileClosing(options.closing));
  app.addHook('onRequest', async (request, reply) => {
    if (access === 'off') return sendError(reply, new ClarionError('CLARION_NOT_FOUND', 'the console is disabled (set CLARION_ADMIN_TOKEN)'), OWN_API_ERRORS);
    // A token-less console trusts the network position; a loopback server reached under another name is DNS rebinding.
    if (access === 'open' && !isLoopbackHost(hostName(request.headers.host))) {
      return sendError(reply, new ClarionError('CLARION_FORBIDDEN', 'the console without a token answers only on a loopback host name'), OWN_API_ERRORS);
    }
    return undefined;
  });

  const sessionOf = (request: FastifyRequest): Session | null => sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE));
  const startSession = (request: FastifyRequest, reply: FastifyReply, name: string): Session => {
    const session = sessions.create(name);
    reply.header('set-cookie', sessionCookie(session.id, { secure: isSecure(request), maxAgeSeconds: SESSION_TTL_MS / 1000 }));
    return session;
  };

  app.get('/assets/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const asset: Asset | undefined = assets.get(request.params.name);
    if (asset === undefined) throw new ClarionError('CLARION_NOT_FOUND', `no console asset ${request.params.name}`);
    reply.header('cache-control', 'no-cache').header('etag', asset.etag).header('content-type', asset.type).header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  });

  const html = (reply: FastifyReply, body: string, status = 200): FastifyReply =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').send(body);

  app.get('/signin', async (request: FastifyRequest<{ Querystring: { failed?: string } }>, reply) => {
    if (access === 'open' || sessionOf(request) !== null) return reply.redirect('/console/', 303);
    return html(reply, signInPage(assets, request.query.failed === undefined ? null : 'That token is not right.'));
  });

  app.post('/signin', async (request, reply) => {
    const problem = crossOriginProblem(request);
    if (problem !== null) throw new ClarionError('CLARION_FORBIDDEN', problem);
    if (access !== 'token' || options.token === undefined) return reply.redirect('/console/', 303);
    const client = request.ip;
    const wait = limiter.blockedFor(client);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return html(reply, signInPage(assets, `Too many failed sign-ins. Try again in ${Math.ceil(wait / 1000)} s.`), 429);
    }
    const form = readForm(request);
    if (!tokenMatches(form.token, options.token)) {
      limiter.fail(client);
      return html(reply, signInPage(assets, 'That token is not right.'), 401);
    }
    limiter.succeed(client);
    startSession(request, reply, form.name);
    return reply.redirect('/console/', 303);
  });

  app.post('/signout', async (request, reply) => {
    const problem = crossOriginProblem(request);
    if (problem !== null) throw new ClarionError('CLARION_FORBIDDEN', problem);
    sessions.delete(readCookie(request.headers.cookie, SESSION_COOKIE));
    reply.header('set-cookie', sessionCookie('', { secure: isSecure(request), maxAgeSeconds: 0 }));
    return reply.redirect(access === 'open' ? '/console/' : '/console/signin', 303);
  });

  const shell = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (request.url.startsWith(`${CONSOLE_PREFIX}/api/`)) throw new ClarionError('CLARION_NOT_FOUND', `${request.method} ${request.url}`);
    if (sessionOf(request) === null) {
      if (access !== 'open') return reply.redirect('/console/signin', 303);
      startSession(request, reply, 'local');
    }
    return html(reply, shellPage(assets));
  };
  app.get('/', shell);
  app.get('/*', shell);

  await app.register(consoleApi, { prefix: '/api', data: options.data, sessionOf });
}

/** The sign-in form's fields (urlencoded, or JSON from a script). */
function readForm(request: FastifyRequest): { token: string; name: string } {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  const type = request.headers['content-type'] ?? '';
  let token: unknown;
  let name: unknown;
  if (type.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      token = parsed.token;
      name = parsed.name;
    } catch {
      throw new ClarionError('CLARION_INVALID_JSON');
    }
  } else {
    const form = new URLSearchParams(raw);
    token = form.get('token');
    name = form.get('name');
  }
  return {
    token: typeof token === 'string' ? token : '',
    name: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 80) : 'console',
  };
}
