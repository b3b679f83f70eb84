/**
 * Admin view of the live policy:
 *   GET  /admin/policy          -> the policy status (version, file, last reload error)
 *   POST /admin/policy/reload   -> 200 with the new status, 422 when the file was rejected (the old policy stays)
 */
import type { FastifyInstance } from 'fastify';
import type { PolicyHolder } from '../../policy/load.js';

export async function adminPolicy(app: FastifyInstance, options: { policy: Pick<PolicyHolder, 'status' | 'reload'> }): Promise<void> {
  const { policy } = options;
  app.get('/policy', async () => policy.status());
  app.post('/policy/reload', async (_request, reply) => {
    const ok = await policy.reload();
    return reply.code(ok ? 200 : 422).send(policy.status());
  });
}
