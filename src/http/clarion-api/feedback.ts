/**
 * POST /v1/clarion/feedback — apps and people label events ("this question wasn't necessary").
 * Body: {"eventId": "...", "verdict": "needed"|"unneeded"|"helpful"|"unhelpful", "note"?: "..."}.
 * Answers 200 {"ok":true}, 400 for an invalid body, 404 for an unknown event id, 503 when the
 * event store cannot be reached (logged).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClarionError } from '../../errors.js';
import type { EventLog } from '../../events/log.js';
import { VerdictSchema } from '../../events/schema.js';
import type { Logger } from '../../ops/logger.js';

export const FEEDBACK_PATH = '/v1/clarion/feedback';

export const FeedbackBodySchema = z
  .object({
    eventId: z.string().min(1).max(64),
    verdict: VerdictSchema,
    note: z.string().max(2_000).optional(),
  })
  .strict();
export type FeedbackBody = z.infer<typeof FeedbackBodySchema>;

export interface FeedbackOptions {
  events: Pick<EventLog, 'label'>;
  logger: Logger;
}

/** Registers `/feedback` in the `/v1/clarion` scope. */
export async function feedback(app: FastifyInstance, options: FeedbackOptions): Promise<void> {
  const { events, logger } = options;
  app.post('/feedback', async (request) => {
    const parsed = FeedbackBodySchema.safeParse(request.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      throw new ClarionError('CLARION_INVALID_REQUEST', `invalid feedback: ${problems}`);
    }
    const { eventId, verdict, note } = parsed.data;
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
