/**
 * The console on a port of its own (`server.consolePort`): a second fastify instance that serves
 * only `/console/*` (the same plugin, sign-in and defences as on the proxy's port) and redirects
 * `/` there. Anything else on that port is a 404 with the security headers, so the proxy's routes
 * and `/admin` are not reachable through it.
 */
import type { Server } from 'node:http';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import { ClarionError } from '../../errors.js';
import { asClarionError, catalogueErrors, OWN_API_ERRORS, sendError } from '../errors.js';
import { CONSOLE_PREFIX, consoleSurface, type ConsoleOptions } from './index.js';
import { setSecurityHeaders } from './security.js';

/** `base`: the proxy's server options (timeouts, connection limits), shared so both ports resist slow clients alike. */
export async function createConsoleApp(base: FastifyHttpOptions<Server>, options: ConsoleOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...base,
    logger: false,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    frameworkErrors: (error, _request, reply) => {
      setSecurityHeaders(reply);
      void sendError(reply, asClarionError(error), OWN_API_ERRORS);
    },
  });
  app.setErrorHandler(catalogueErrors(options.logger, () => OWN_API_ERRORS));
  app.setNotFoundHandler((request, reply) => {
    setSecurityHeaders(reply);
    return sendError(
      reply,
      new ClarionError('CLARION_NOT_FOUND', `${request.method} ${request.url} (this port serves only ${CONSOLE_PREFIX}/)`),
      OWN_API_ERRORS,
    );
  });
  app.get('/', async (_request, reply) => {
    setSecurityHeaders(reply);
    return reply.redirect(`${CONSOLE_PREFIX}/`, 303);
  });
  await app.register(consoleSurface, { ...options, prefix: CONSOLE_PREFIX });
  return app;
}
