/**
 * Admin routes of the review queue. Register them inside the scope that checks the admin token:
 *   GET  /admin/reviews?status=open|resolved|all&limit=N   -> { reviews: ReviewItem[] }
 *   POST /admin/reviews/:id/resolve  {by?, note?}          -> { id, status: "resolved" } | 404
 * Works both in a scope registered with `prefix: '/admin'` and in an unprefixed one.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ERRORS, type ErrorCode } from '../errors.js';
import type { ReviewQueue } from './reviews.js';

const ListQuerySchema = z
  .object({
    status: z.enum(['open', 'resolved', 'all']).default('open'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .loose();

const ResolveBodySchema = z
  .object({
    by: z.string().max(200).optional(),
    note: z.string().max(4000).optional(),
  })
  .strict();

function sendError(reply: FastifyReply, code: ErrorCode, detail: string): FastifyReply {
  const spec = ERRORS[code];
  return reply.code(spec.status).send({ error: { message: `${spec.message}: ${detail}`, type: spec.openaiType, code } });
}

export function registerReviewRoutes(app: FastifyInstance, queue: ReviewQueue): void {
  const base = app.prefix.endsWith('/admin') ? '/reviews' : '/admin/reviews';

  app.get(base, async (request, reply) => {
    const query = ListQuerySchema.safeParse(request.query ?? {});
    if (!query.success) return sendError(reply, 'CLARION_INVALID_REQUEST', 'status must be open, resolved or all; limit 1..1000');
    const reviews = await queue.list({ status: query.data.status, limit: query.data.limit });
    return reply.send({ reviews });
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/resolve`, async (request, reply) => {
    const body = ResolveBodySchema.safeParse(request.body ?? {});
    if (!body.success) return sendError(reply, 'CLARION_INVALID_REQUEST', 'body must be {"by"?: string, "note"?: string}');
    const resolution: { by?: string; note?: string } = {};
    if (body.data.by !== undefined) resolution.by = body.data.by;
    if (body.data.note !== undefined) resolution.note = body.data.note;
    const found = await queue.resolve(request.params.id, resolution);
    if (!found) return sendError(reply, 'CLARION_NOT_FOUND', `no review with id ${request.params.id}`);
    return reply.send({ id: request.params.id, status: 'resolved' });
  });
}
