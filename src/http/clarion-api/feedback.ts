/**
 * POST /v1/clarion/feedback — apps label the decisions they were told about ("this question
 * wasn't necessary"). Body: {"eventId": "<x-clarion-event-id as received>", "verdict":
 * "needed"|"unneeded"|"helpful"|"unhelpful"|"missed", "note"?: "..."}.
 *
 * Guarded, because it is reachable by whoever can reach the proxy:
 * - capability: `eventId` must be the full header value (`ID.mac`, src/events/capability.ts); a bare
 *   or guessed id gets 403, so nobody labels events they were not served;
 * - JSON only (`application/json` or `application/*+json`): a `text/plain` form post from another
 *   site (a CORS "simple request") gets 415;
 * - at most `events.feedback.maxBodyBytes` (413) and `ratePerMinute` per client address after a
 *   `burst` (429 with retry-after).
 * Answers 200 {"ok":true}, 400 invalid body, 404 unknown event, 503 event store unreachable (logged).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClarionError } from '../../errors.js';
import type { FeedbackConfig } from '../../events/config.js';
import type { EventLog } from '../../events/log.js';
import { VerdictSchema } from '../../events/schema.js';
import type { Logger } from '../../ops/logger.js';
import { jsonParser } from '../body.js';
import { createRateLimiter } from './rate-limit.js';

export const FEEDBACK_PATH = '/v1/clarion/feedback';

export const FeedbackBodySchema = z
  .object({
    eventId: z.string().min(1).max(128),
    verdict: VerdictSchema,
    note: z.string().max(2_000).optional(),
  })
  .strict();
export type FeedbackBody = z.infer<typeof FeedbackBodySchema>;

export interface FeedbackOptions {
  events: Pick<EventLog, 'label' | 'verifyToken'>;
  logger: Logger;
  limits?: Pick<FeedbackConfig, 'ratePerMinute' | 'burst' | 'maxBodyBytes'>;
}

const DEFAULT_LIMITS = { ratePerMinute: 60, burst: 20, maxBodyBytes: 4_096 };
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Registers `/feedback` in the `/v1/clarion` scope. */
export async function feedback(app: FastifyInstance, options: FeedbackOptions): Promise<void> {
  const { events, logger } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const limiter = createRateLimiter({ perMinute: limits.ratePerMinute, burst: limits.burst });
  const parseJson = jsonParser(limits.maxBodyBytes);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) {
      payload.resume();
      done(new ClarionError('CLARION_UNSUPPORTED_MEDIA_TYPE', 'feedback must be sent as application/json'));
      return;
    }
    parseJson(request, payload, done);
  });
  // Counted before the body is read: a flood costs a map lookup, not a parse.
  app.addHook('onRequest', async (request, reply) => {
    const wait = limiter.take(request.ip);
    if (wait > 0) {
      void reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new ClarionError('CLARION_RATE_LIMITED', 'too many feedback calls from this address');
    }
  });
  app.post('/feedback', async (request) => {
    if (request.body === undefined && !JSON_TYPE.test(request.headers['content-type'] ?? '')) {
      throw new ClarionError('CLARION_UNSUPPORTED_MEDIA_TYPE', 'feedback must be sent as application/json');
    }
    const parsed = FeedbackBodySchema.safeParse(request.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      throw new ClarionError('CLARION_INVALID_REQUEST', `invalid feedback: ${problems}`);
    }
    const { eventId: token, verdict, note } = parsed.data;
    const eventId = events.verifyToken(token);
    if (eventId === null) {
      throw new ClarionError('CLARION_FORBIDDEN', 'eventId must be the x-clarion-event-id header value as received (id and signature)');
    }
    let found: boolean;
    try {
      found = await events.label(eventId, verdict, note, 'app');
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'feedback: event store unavailable');
      throw new ClarionError('CLARION_EVENT_STORE_UNAVAILABLE', 'retry later', { cause: error });
    }
    if (!found) throw new ClarionError('CLARION_NOT_FOUND', `unknown event id: ${eventId}`);
    return { ok: true };
  });
}
