/**
 * The admin surface, `/admin/*`, as one fastify plugin: bearer `CLARION_ADMIN_TOKEN`
 * (`server.adminToken`), small JSON bodies, errors in the OpenAI shape. Each admin view is a
 * plugin of its own registered here, with paths relative to `/admin`.
 *
 * A new admin view: a file beside this one exporting a plugin, registered in `adminApi` below.
 */
import type { FastifyInstance } from 'fastify';
import type { PolicyHolder } from '../../policy/load.js';
import type { ReviewQueue } from '../../policy/reviews.js';
import { requireBearer } from '../guards.js';
import { setUpOwnApi, type OwnApiOptions } from '../own-api.js';
import { adminPolicy } from './policy.js';
import { adminReviews } from './reviews.js';

export interface AdminApiOptions extends OwnApiOptions {
  token: string | undefined;
  policy: Pick<PolicyHolder, 'status' | 'reload'>;
  reviews: ReviewQueue;
  /** Re-reads the policy and the detector model (POST /admin/reload). */
  reload?: () => Promise<{ policy: boolean; detector: boolean }>;
}

export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  setUpOwnApi(app, options);
  app.addHook('onRequest', requireBearer({ token: options.token, disabled: 'admin API is disabled (set CLARION_ADMIN_TOKEN)' }));
  await app.register(adminPolicy, { policy: options.policy });
  const { reload } = options;
  if (reload !== undefined) {
    // Everything that hot-reloads, at once: 200 when both are in force, 422 when one was rejected (it keeps its last good version).
    app.post('/reload', async (_request, reply) => {
      const result = await reload();
      return reply.code(result.policy && result.detector ? 200 : 422).send(result);
    });
  }
  await app.register(adminReviews, { reviews: options.reviews });
}
