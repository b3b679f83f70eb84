/**
 * Admin view of the review queue (filled by the `defer` action):
 *   GET  /admin/reviews?status=open|resolved|all&limit=N   -> { reviews: ReviewItem[] }
 *   POST /admin/reviews/:id/resolve  {by?, note?, verdict?} -> { id, status: "resolved" } | 404
 *        (the review's event gets a `reviewer` label: verdict, default `needed`)
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClarionError } from '../../errors.js';
import { VerdictSchema } from '../../events/schema.js';
import type { ResolutionInput, ReviewQueue } from '../../policy/reviews.js';

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
    verdict: VerdictSchema.optional(),
  })
  .strict();

export async function adminReviews(app: FastifyInstance, options: { reviews: ReviewQueue }): Promise<void> {
  const queue = options.reviews;

  app.get('/reviews', async (request) => {
    const query = ListQuerySchema.safeParse(request.query ?? {});
    if (!query.success) throw new ClarionError('CLARION_INVALID_REQUEST', 'status must be open, resolved or all; limit 1..1000');
    return { reviews: await queue.list({ status: query.data.status, limit: query.data.limit }) };
  });

  app.post<{ Params: { id: string } }>('/reviews/:id/resolve', async (request) => {
    const body = ResolveBodySchema.safeParse(request.body ?? {});
    if (!body.success)
      throw new ClarionError('CLARION_INVALID_REQUEST', 'body must be {"by"?: string, "note"?: string, "verdict"?: needed|unneeded|helpful|unhelpful|missed}');
    const resolution: ResolutionInput = {};
    if (body.data.by !== undefined) resolution.by = body.data.by;
    if (body.data.note !== undefined) resolution.note = body.data.note;
    if (body.data.verdict !== undefined) resolution.verdict = body.data.verdict;
    if (!(await queue.resolve(request.params.id, resolution))) throw new ClarionError('CLARION_NOT_FOUND', `no review with id ${request.params.id}`);
    return { id: request.params.id, status: 'resolved' };
  });
}
