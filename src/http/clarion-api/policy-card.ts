/**
 * GET /v1/clarion/policy-card — the policy in force restated in plain language (src/policy/card.ts)
 * for the people it affects, when the config makes it public (`policyCard.public`). `?format=`
 * `json` (default), `md` or `html`. The card is rebuilt whenever a reload puts a new policy in
 * force, and only then. Not public: 404, like any unknown path.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClarionError } from '../../errors.js';
import type { EventsConfig } from '../../events/config.js';
import { buildPolicyCard, renderPolicyCardHtml, renderPolicyCardMarkdown, type PolicyCard } from '../../policy/card.js';
import type { PolicyHolder } from '../../policy/load.js';
import type { Policy } from '../../policy/schema.js';
import { FEEDBACK_PATH } from './feedback.js';

export const POLICY_CARD_PATH = '/v1/clarion/policy-card';

export interface PolicyCardOptions {
  public: boolean;
  policy: Pick<PolicyHolder, 'current' | 'status'>;
  events: EventsConfig;
}

const QuerySchema = z.object({ format: z.enum(['json', 'md', 'html']).default('json') }).loose();

const CONTENT_TYPES = { json: 'application/json; charset=utf-8', md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8' } as const;

/** Registers `/policy-card` in the `/v1/clarion` scope. */
export async function policyCard(app: FastifyInstance, options: PolicyCardOptions): Promise<void> {
  let built: { policy: Policy; card: PolicyCard; md: string | null; html: string | null } | null = null;
  const current = (): NonNullable<typeof built> => {
    const policy = options.policy.current();
    if (built === null || built.policy !== policy) {
      const card = buildPolicyCard({ policy, events: options.events, loadedAt: options.policy.status().loadedAt, feedbackPath: FEEDBACK_PATH });
      built = { policy, card, md: null, html: null };
    }
    return built;
  };
  app.get('/policy-card', async (request, reply) => {
    if (!options.public) throw new ClarionError('CLARION_NOT_FOUND', `GET ${POLICY_CARD_PATH} (the policy card is not public: policyCard.public)`);
    const query = QuerySchema.safeParse(request.query);
    if (!query.success) throw new ClarionError('CLARION_INVALID_REQUEST', 'format must be json, md or html');
    const format = query.data.format;
    const entry = current();
    void reply.header('content-type', CONTENT_TYPES[format]).header('cache-control', 'no-cache');
    if (format === 'json') return entry.card;
    if (format === 'md') return (entry.md ??= renderPolicyCardMarkdown(entry.card));
    return (entry.html ??= renderPolicyCardHtml(entry.card));
  });
}
