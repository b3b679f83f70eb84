/**
 * What Clarion's own JSON APIs (admin, /v1/clarion/*) have in common, set up once per scope:
 * small JSON bodies whatever the content type says, catalogue errors in the OpenAI shape, and no
 * new work once the server is shutting down.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../ops/logger.js';
import { jsonParser, OWN_API_BODY_LIMIT } from './body.js';
import { catalogueErrors, OWN_API_ERRORS } from './errors.js';
import { refuseWhileClosing } from './guards.js';

export interface OwnApiOptions {
  logger: Logger;
  closing: () => boolean;
}

export function setUpOwnApi(app: FastifyInstance, options: OwnApiOptions): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', jsonParser(OWN_API_BODY_LIMIT));
  app.setErrorHandler(catalogueErrors(options.logger, () => OWN_API_ERRORS));
  app.addHook('onRequest', refuseWhileClosing(options.closing));
}
