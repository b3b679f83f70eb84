/**
 * Clarion's own API under `/v1/clarion/*`, as one fastify plugin: small JSON bodies, errors in
 * the OpenAI shape. Today: event feedback (./feedback.ts). The guardrail endpoints for other
 * gateways (`/v1/clarion/assess`, `/v1/clarion/decide`) belong here, each a plugin beside
 * feedback, behind `requireBearer` from ../guards.ts.
 */
import type { FastifyInstance } from 'fastify';
import { setUpOwnApi, type OwnApiOptions } from '../own-api.js';
import { feedback, type FeedbackOptions } from './feedback.js';
import { policyCard, type PolicyCardOptions } from './policy-card.js';

export const CLARION_API_PREFIX = '/v1/clarion';

export interface ClarionApiOptions extends OwnApiOptions {
  events: FeedbackOptions['events'];
  /** The policy card (./policy-card.ts): served when public. */
  card?: PolicyCardOptions;
  feedback?: FeedbackOptions['limits'];
}

export async function clarionApi(app: FastifyInstance, options: ClarionApiOptions): Promise<void> {
  setUpOwnApi(app, options);
  await app.register(feedback, { events: options.events, logger: options.logger, ...(options.feedback === undefined ? {} : { limits: options.feedback }) });
  if (options.card !== undefined) await app.register(policyCard, options.card);
}
