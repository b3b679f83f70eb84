/**
 * The overview's disparity view (issue 14): for each of tenant, model, language and route, every
 * group's rates of clarify / annotate / defer, labelled precision, share of missed gaps and rate of
 * unneeded questions, with the groups whose unneeded-question rate is far above the overall rate
 * flagged. The figures and the flagging rule are src/events/breakdown.ts's (`clarion events stats
 * --by KEY --disparity` prints the same); this only accumulates them alongside the overview's pass
 * and keeps the table short.
 */
import { createBreakdown, disparity, type BreakdownAccumulator, type DisparityStatus, type GroupFigures, type GroupKey } from '../../events/breakdown.js';
import type { StoredEvent } from '../../events/store.js';

export const DISPARITY_KEYS = ['tenant', 'model', 'language', 'route'] as const satisfies readonly GroupKey[];
export type DisparityKey = (typeof DISPARITY_KEYS)[number];

/** Most groups a table lists (flagged ones always, then the largest). */
const MAX_ROWS = 25;

export interface DisparityRow extends GroupFigures {
  /** The group's unneeded-question rate over the overall rate; null when either is unknown or the overall rate is 0. */
  ratio: number | null;
  status: DisparityStatus;
}

export interface DisparityTable {
  key: DisparityKey;
  overall: GroupFigures;
  /** Flagged first, then by events. */
  rows: DisparityRow[];
  /** Groups left out of `rows` (the smallest). */
  more: number;
  /** Flagged groups, all of them. */
  flagged: number;
  minLabelled: number;
  minRatio: number;
}

export interface DisparityAccumulator {
  add(event: StoredEvent): void;
  result(): DisparityTable[];
}

export function createDisparity(): DisparityAccumulator {
  const accumulators = DISPARITY_KEYS.map((key) => [key, createBreakdown(key)] as [DisparityKey, BreakdownAccumulator]);
  return {
    add(event) {
      for (const [, acc] of accumulators) acc.add(event);
    },
    result() {
      return accumulators.map(([key, acc]) => disparityTable(key, acc));
    },
  };
}

function disparityTable(key: DisparityKey, acc: BreakdownAccumulator): DisparityTable {
  const result = acc.result();
  const judged = disparity(result);
  const verdicts = new Map(judged.groups.map((g) => [g.group, g]));
  const rows: DisparityRow[] = result.groups.map((g) => ({
    ...g,
    ratio: verdicts.get(g.group)?.ratio ?? null,
    status: verdicts.get(g.group)?.status ?? 'too-few-labels',
  }));
  rows.sort((a, b) => Number(b.status === 'flagged') - Number(a.status === 'flagged') || b.events - a.events || a.group.localeCompare(b.group));
  const flagged = rows.filter((r) => r.status === 'flagged').length;
  const shown = rows.slice(0, Math.max(MAX_ROWS, flagged));
  return { key, overall: result.overall, rows: shown, more: rows.length - shown.length, flagged, minLabelled: judged.minLabelled, minRatio: judged.minRatio };
}
