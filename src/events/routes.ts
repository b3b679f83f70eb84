/**
 * POST /v1/clarion/feedback — apps and people label events ("this question wasn't necessary").
 * Body: {"eventId": "...", "verdict": "needed"|"unneeded"|"helpful"|"unhelpful", "note"?: "..."}.
 * Answers 200 {"ok":true}, 400 for an invalid body, 404 for an unknown event id, 503 when the
 * event store cannot be reached; errors in the OpenAI shape {"error":{"message","type","code"}}.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { EventLog } from './log.js';
import { VerdictSchema } from './schema.js';

export const FEEDBACK_PATH = '/v1/clarion/feedback';

export const FeedbackBodySchema = z
  .object({
    eventId: z.string().min(1).max(64),
    verdict: VerdictSchema,
    note: z.string().max(2_000).optional(),
  })
  .strict();
export type FeedbackBody = z.infer<typeof FeedbackBodySchema>;

function sendError(reply: FastifyReply, status: number, type: string, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error: { message, type, code } });
}

/** The body as an object whatever content-type parser the app registered (object, string or Buffer). */
function bodyValue(body: unknown): unknown {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      return JSON.parse(body.toString()) as unknown;
    } catch {
      return undefined;
    }
  }
  return body;
}

export function registerFeedbackRoutes(app: FastifyInstance, eventLog: EventLog): void {
  const errorHandler = (error: { statusCode?: number; message: string }, _request: unknown, reply: FastifyReply): void => {
    // Body parsing failures (bad JSON, wrong content type, too large) keep the OpenAI error shape.
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      void sendError(reply, 500, 'api_error', 'CLARION_INTERNAL', 'Internal error in Clarion');
      return;
    }
    const code = status === 415 ? 'CLARION_UNSUPPORTED_MEDIA_TYPE' : status === 413 ? 'CLARION_BODY_TOO_LARGE' : 'CLARION_INVALID_JSON';
    void sendError(reply, status, 'invalid_request_error', code, error.message);
  };
  app.post(FEEDBACK_PATH, { errorHandler }, async (request, reply) => {
    const parsed = FeedbackBodySchema.safeParse(bodyValue(request.body));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      return sendError(reply, 400, 'invalid_request_error', 'CLARION_INVALID_REQUEST', `Invalid feedback: ${problems}`);
    }
    const { eventId, verdict, note } = parsed.data;
    let found: boolean;
    try {
      found = await eventLog.label(eventId, verdict, note, 'api');
    } catch (error) {
      request.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'feedback: event store unavailable');
      return sendError(reply, 503, 'api_error', 'CLARION_EVENT_STORE_UNAVAILABLE', 'The event store is unavailable; retry later');
    }
    if (!found) return sendError(reply, 404, 'invalid_request_error', 'CLARION_NOT_FOUND', `Unknown event id: ${eventId}`);
    return reply.code(200).send({ ok: true });
  });
}
