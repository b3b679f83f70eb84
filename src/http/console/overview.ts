/**
 * The overview's figures, computed in one pass over the events of a time range: counts per time
 * bucket and action, the clarification share, where the policy or detector version changed,
 * breakdowns, and how people labelled each norm's decisions. Pure: events in, figures out.
 */
import type { StoredEvent } from '../../events/store.js';
import { TENANT_NONE } from '../../events/store.js';
import { createDisparity, type DisparityTable } from './disparity.js';

/** Where a version changed: the first event with a version other than the one before it. */
export interface VersionMarker {
  /** Epoch ms of the first event seen with this version. */
  time: number;
  kind: 'policy' | 'detector';
  version: string;
}

export interface NormVerdicts {
  norm: string;
  /** Latest verdict -> labelled events. */
  verdicts: Record<string, number>;
  labelled: number;
}

export interface Overview {
  since: number;
  until: number;
  bucketMs: number;
  /** Start (epoch ms) of each bucket. */
  buckets: number[];
  /** Events per bucket, in total and per action. */
  total: number[];
  byAction: Record<string, number[]>;
  /** clarify events / events, per bucket (null where a bucket has no events). */
  clarifyRate: (number | null)[];
  markers: VersionMarker[];
  /** Every policy and detector version seen in the range, in order of first appearance. */
  versions: { policy: string[]; detector: string[] };
  breakdowns: Record<'action' | 'norm' | 'category' | 'signal' | 'model' | 'tenant' | 'verdict', Record<string, number>>;
  verdictByNorm: NormVerdicts[];
  /** Per tenant, model, language and route: action rates, labelled precision, missed, and the groups asked unneeded questions far more than overall. */
  disparity: DisparityTable[];
  events: number;
  /** True when the scan stopped at its cap before the end of the range. */
  truncated: boolean;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Hours up to three days, days beyond. */
export function bucketFor(rangeMs: number): number {
  return rangeMs <= 3 * DAY ? HOUR : DAY;
}

export function emptyOverview(since: number, until: number, bucketMs: number): Overview {
  const start = since - (since % bucketMs);
  const buckets: number[] = [];
  for (let t = start; t < until; t += bucketMs) buckets.push(t);
  return {
    since,
    until,
    bucketMs,
    buckets,
    total: buckets.map(() => 0),
    byAction: {},
    clarifyRate: buckets.map(() => null),
    markers: [],
    versions: { policy: [], detector: [] },
    breakdowns: { action: {}, norm: {}, category: {}, signal: {}, model: {}, tenant: {}, verdict: {} },
    verdictByNorm: [],
    disparity: [],
    events: 0,
    truncated: false,
  };
}

function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

/** Builds the overview from events in time order (oldest first), reading at most `cap` of them. */
export async function buildOverview(
  events: AsyncIterable<StoredEvent>,
  range: { since: number; until: number; bucketMs: number; cap: number },
): Promise<Overview> {
  const overview = emptyOverview(range.since, range.until, range.bucketMs);
  const first = overview.buckets[0] ?? range.since;
  const norms = new Map<string, NormVerdicts>();
  const groups = createDisparity();
  let lastPolicy: string | null = null;
  let lastDetector: string | null = null;
  for await (const event of events) {
    if (overview.events >= range.cap) {
      overview.truncated = true;
      break;
    }
    overview.events++;
    groups.add(event);
    const t = Date.parse(event.time);
    const index = Math.floor((t - first) / range.bucketMs);
    if (index >= 0 && index < overview.buckets.length) {
      overview.total[index] = (overview.total[index] ?? 0) + 1;
      const series = (overview.byAction[event.action] ??= overview.buckets.map(() => 0));
      series[index] = (series[index] ?? 0) + 1;
    }
    if (event.policyVersion !== lastPolicy) {
      if (lastPolicy !== null) overview.markers.push({ time: t, kind: 'policy', version: event.policyVersion });
      if (!overview.versions.policy.includes(event.policyVersion)) overview.versions.policy.push(event.policyVersion);
      lastPolicy = event.policyVersion;
    }
    if (event.detectorVersion !== lastDetector) {
      if (lastDetector !== null) overview.markers.push({ time: t, kind: 'detector', version: event.detectorVersion });
      if (!overview.versions.detector.includes(event.detectorVersion)) overview.versions.detector.push(event.detectorVersion);
      lastDetector = event.detectorVersion;
    }
    const b = overview.breakdowns;
    const norm = event.norm ?? '(defaults)';
    bump(b.action, event.action);
    bump(b.norm, norm);
    bump(b.model, event.model);
    bump(b.tenant, event.tenant ?? TENANT_NONE);
    for (const category of new Set(event.categories)) bump(b.category, category);
    for (const signal of new Set(event.signals.map((s) => s.id))) bump(b.signal, signal);
    const verdict = event.labels.at(-1)?.verdict;
    if (verdict !== undefined) {
      bump(b.verdict, verdict);
      let row = norms.get(norm);
      if (row === undefined) {
        row = { norm, verdicts: {}, labelled: 0 };
        norms.set(norm, row);
      }
      bump(row.verdicts, verdict);
      row.labelled++;
    }
  }
  const clarify = overview.byAction.clarify;
  overview.clarifyRate = overview.total.map((n, i) => (n === 0 ? null : (clarify?.[i] ?? 0) / n));
  overview.verdictByNorm = [...norms.values()].sort((a, b) => b.labelled - a.labelled);
  overview.disparity = groups.result();
  return overview;
}
