/**
 * The event filters every command that reads events takes (`events tail|list|stats|export`,
 * `replay`): declared once, parsed into an EventFilter.
 */
import { CategorySchema, SignalIdSchema } from '../../detect/assessment.js';
import { VerdictSchema } from '../../events/schema.js';
import type { EventFilter } from '../../events/store.js';
import { ActionSchema } from '../../policy/decision.js';
import { custom, list, number, UsageError, type Values } from '../framework/options.js';

const RELATIVE = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Epoch ms of an ISO date/time, a time ago (30m, 24h, 7d), `today` or `yesterday` (UTC midnight). */
export function parseTime(value: string, now = Date.now()): number {
  const relative = RELATIVE.exec(value);
  if (relative !== null) return now - Number(relative[1]) * (UNIT_MS[relative[2] ?? 's'] ?? 1_000);
  const midnight = now - (now % 86_400_000);
  if (value === 'today') return midnight;
  if (value === 'yesterday') return midnight - 86_400_000;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new UsageError(`not a time: "${value}" (use 2026-11-01, 2026-11-01T12:00:00Z, 24h, 7d or today)`);
  return parsed;
}

const section = 'filters';

export const FILTER_OPTIONS = {
  since: custom(
    'T',
    'events at or after T: ISO date/time (2026-11-01, 2026-11-01T12:00Z), a time ago (30m, 24h, 7d), today or yesterday',
    (raw) => parseTime(raw),
    {
      section,
    },
  ),
  until: custom('T', 'events before T (same forms as --since)', (raw) => parseTime(raw), { section }),
  action: list('A[,B]', `recorded action: ${ActionSchema.options.join(', ')}`, { choices: ActionSchema.options, section }),
  category: list('C[,D]', `category: ${CategorySchema.options.join(', ')}`, { choices: CategorySchema.options, section }),
  signal: list('S[,T]', 'signal id, e.g. missing_slot, unresolved_reference', { choices: SignalIdSchema.options, section }),
  model: list('M[,N]', 'exact model names', { section }),
  tenant: list('T[,U]', 'tenant labels or hashes ("-" = none)', { section }),
  verdict: list('V[,W]', `latest label: ${VerdictSchema.options.join(', ')}`, { choices: VerdictSchema.options, section }),
  'min-score': number('X', 'score at least X', { section }),
  'max-score': number('X', 'score at most X', { section }),
};

export function eventFilter(values: Values<typeof FILTER_OPTIONS>): EventFilter {
  const filter: EventFilter = {};
  if (values.since !== undefined) filter.since = values.since;
  if (values.until !== undefined) filter.until = values.until;
  if (values.action !== undefined) filter.actions = values.action;
  if (values.category !== undefined) filter.categories = values.category;
  if (values.signal !== undefined) filter.signals = values.signal;
  if (values.verdict !== undefined) filter.verdicts = values.verdict;
  if (values.model !== undefined) filter.models = values.model;
  if (values.tenant !== undefined) filter.tenants = values.tenant;
  if (values['min-score'] !== undefined) filter.minScore = values['min-score'];
  if (values['max-score'] !== undefined) filter.maxScore = values['max-score'];
  return filter;
}
