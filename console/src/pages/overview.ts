/**
 * Overview: events over time by action and the clarification share, with policy and detector
 * version markers; breakdowns; and how people labelled each norm's decisions.
 */
import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { BASE, get, queryString, type DisparityRow, type DisparityTable, type Overview, type Rate } from '../api.js';
import { TimeChart, type Series } from '../ui/chart.js';
import { Bars, Empty, Figure, percent, Show } from '../ui/components.js';
import { useData } from '../ui/data.js';
import { html } from '../ui/html.js';

const RANGES = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '3d', label: 'Last 3 days' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];
const ACTIONS = ['clarify', 'annotate', 'defer', 'escalate', 'pass'];
const POSITIVE = new Set(['needed', 'helpful', 'missed']);

function Charts({ data }: { data: Overview }) {
  const markers = useMemo(() => data.markers.map((m) => ({ time: m.time, kind: m.kind, label: `${m.kind} ${m.version}` })), [data]);
  const actionSeries = useMemo<Series[]>(
    () => [
      { label: 'all events', values: data.total, color: '--c-total' },
      ...ACTIONS.filter((a) => data.byAction[a] !== undefined).map((a) => ({ label: a, values: data.byAction[a] ?? [], color: `--c-${a}` })),
    ],
    [data],
  );
  const rateSeries = useMemo<Series[]>(
    () => [{ label: 'clarify share', values: data.clarifyRate, color: '--c-clarify', format: (v) => percent(v, 1) }],
    [data],
  );
  const unit = data.bucketMs >= 86_400_000 ? 'day' : 'hour';
  return html`<div class="grid-2">
    <${TimeChart} title=${`Events per ${unit}, by action`} times=${data.buckets} series=${actionSeries} markers=${markers} />
    <${TimeChart}
      title="Share of events that asked a clarifying question"
      times=${data.buckets}
      series=${rateSeries}
      markers=${markers}
      yFormat=${(v: number) => percent(v)}
    />
  </div>`;
}

function VerdictTable({ data }: { data: Overview }) {
  if (data.verdictByNorm.length === 0)
    return html`<${Empty} title="No labelled events in this range.">
      <p>
        Label events on the <a href=${`${BASE}/events`}>Events</a> page (or through <code>POST /v1/clarion/feedback</code>) to see here how often each norm got
        it right.
      </p>
    <//>`;
  const verdicts = [...new Set(data.verdictByNorm.flatMap((r) => Object.keys(r.verdicts)))].sort();
  return html`<section class="card">
    <h3>Labels by norm</h3>
    <div class="table-wrap">
      <table>
        <caption class="muted">
          Latest label of each labelled event, by the norm that decided it. “Right to ask” counts needed, helpful and missed.
        </caption>
        <thead>
          <tr>
            <th scope="col">Norm</th>
            ${verdicts.map((v) => html`<th scope="col" class="num">${v}</th>`)}
            <th scope="col" class="num">Labelled</th>
            <th scope="col" class="num">Right to ask</th>
          </tr>
        </thead>
        <tbody>
          ${data.verdictByNorm.map((row) => {
            const positive = Object.entries(row.verdicts).reduce((n, [v, c]) => n + (POSITIVE.has(v) ? c : 0), 0);
            return html`<tr>
              <th scope="row"><a href=${`${BASE}/events${queryString({ verdict: verdicts.join(','), since: '30d' })}`}>${row.norm}</a></th>
              ${verdicts.map((v) => html`<td class="num">${row.verdicts[v] ?? 0}</td>`)}
              <td class="num">${row.labelled}</td>
              <td class="num">${percent(positive / row.labelled)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </section>`;
}

const GROUP_NAMES: Record<DisparityTable['key'], string> = { tenant: 'Tenant', model: 'Model', language: 'Language', route: 'Route' };
/** The event list filters a group can link to. */
const GROUP_FILTERS: Partial<Record<DisparityTable['key'], string>> = { tenant: 'tenant', model: 'model' };

/** A rate as a percentage, its 95% interval on hover. */
function RateCell({ rate, testid }: { rate: Rate; testid?: string }) {
  if (rate.rate === null) return html`<td class="num muted" title="nothing to count">–</td>`;
  const title = `${rate.count} of ${rate.of}; 95% interval ${percent(rate.lo, 1)}–${percent(rate.hi, 1)}`;
  return html`<td class="num" title=${title} data-testid=${testid}>${percent(rate.rate, 1)}</td>`;
}

function GroupRow({
  row,
  table,
  since,
  overall = false,
}: {
  row: DisparityRow | DisparityTable['overall'];
  table: DisparityTable;
  since: string;
  overall?: boolean;
}) {
  const filter = GROUP_FILTERS[table.key];
  const status = 'status' in row ? row.status : null;
  const name = overall || filter === undefined ? row.group : html`<a href=${`${BASE}/events${queryString({ [filter]: row.group, since })}`}>${row.group}</a>`;
  return html`<tr class=${status === 'flagged' ? 'flagged' : overall ? 'overall' : ''} data-group=${row.group}>
    <th scope="row">${name}</th>
    <td class="num">${row.events.toLocaleString()}</td>
    <${RateCell} rate=${row.clarify} />
    <${RateCell} rate=${row.annotate} />
    <${RateCell} rate=${row.defer} />
    <td class="num">${row.labelled.toLocaleString()}</td>
    <${RateCell} rate=${row.precision} />
    <${RateCell} rate=${row.missed} />
    <${RateCell} rate=${row.unneeded} testid=${`unneeded-${row.group}`} />
    <td>
      ${
        status === 'flagged'
          ? html`<span class="badge flag">${'ratio' in row && row.ratio !== null ? `${row.ratio.toFixed(1)}× overall` : 'far above'}</span>`
          : status === 'too-few-labels'
            ? html`<span class="muted">too few labels</span>`
            : null
      }
    </td>
  </tr>`;
}

const CAPTION =
  'Rates of applied decisions per event; precision: interventions labelled needed or helpful among the labelled ones; missed and unneeded questions per labelled event; ';

/** Issue 14's disparity view: who gets asked (and asked needlessly) more than the rest, per tenant, model, language, route. */
function Disparity({ tables, since }: { tables: DisparityTable[]; since: string }) {
  const [key, setKey] = useState<DisparityTable['key']>(tables.find((t) => t.flagged > 0)?.key ?? 'tenant');
  const table = tables.find((t) => t.key === key) ?? tables[0];
  if (table === undefined) return null;
  const flagged = tables.filter((t) => t.flagged > 0).map((t) => `${t.flagged} ${GROUP_NAMES[t.key].toLowerCase()}${t.flagged > 1 ? 's' : ''}`);
  return html`<section class="card" aria-labelledby="disparity-h">
    <h3 id="disparity-h">Groups: who gets asked, and asked needlessly</h3>
    <p class=${flagged.length > 0 ? 'flag-note' : 'muted'} role="status">
      ${
        flagged.length > 0
          ? `Flagged: ${flagged.join(', ')} — asked unneeded questions far more often than overall. `
          : 'No group is asked unneeded questions far more often than overall. '
      }
      A group is flagged when it has at least ${table.minLabelled} labelled events, its rate of unneeded questions is at least ${table.minRatio}× the overall
      rate, and the low end of its 95% interval is above the overall rate. Hover a rate for its interval.
    </p>
    <div class="segmented" role="group" aria-label="Group by">
      ${tables.map(
        (t) =>
          html`<button type="button" class=${t.key === key ? '' : 'secondary'} aria-pressed=${t.key === key} onClick=${() => setKey(t.key)}>
            ${GROUP_NAMES[t.key]}${t.flagged > 0 ? ` (${t.flagged} flagged)` : ''}
          </button>`,
      )}
    </div>
    <div class="table-wrap">
      <table class="disparity">
        <caption class="muted">
          ${CAPTION}<code>clarion events stats --by ${table.key} --disparity</code
          >${' prints the same.'}
        </caption>
        <thead>
          <tr>
            <th scope="col">${GROUP_NAMES[table.key]}</th>
            <th scope="col" class="num">Events</th>
            <th scope="col" class="num">Clarify</th>
            <th scope="col" class="num">Annotate</th>
            <th scope="col" class="num">Defer</th>
            <th scope="col" class="num">Labelled</th>
            <th scope="col" class="num">Precision</th>
            <th scope="col" class="num">Missed</th>
            <th scope="col" class="num">Unneeded questions</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          <${GroupRow} row=${{ ...table.overall, group: 'all' }} table=${table} since=${since} overall=${true} />
          ${table.rows.map((row) => html`<${GroupRow} row=${row} table=${table} since=${since} />`)}
        </tbody>
      </table>
    </div>
    ${table.more > 0 ? html`<p class="muted">${table.more} smaller groups not shown.</p>` : null}
  </section>`;
}

export function OverviewPage() {
  const { query, route } = useLocation();
  const since = query.since ?? '7d';
  const [loaded, reload] = useData(() => get<Overview>(`/overview${queryString({ since })}`), since);
  const eventsLink = (param: string) => (key: string) => `${BASE}/events${queryString({ [param]: key, since })}`;
  return html`<div class="page-head">
      <h1>Overview</h1>
      <label class="inline"
        >Range
        <select value=${since} onChange=${(e: Event) => route(`${BASE}/${queryString({ since: (e.target as HTMLSelectElement).value })}`)}>
          ${RANGES.map((r) => html`<option value=${r.value}>${r.label}</option>`)}
        </select>
      </label>
    </div>
    <${Show}
      loaded=${loaded}
      what="the overview"
      retry=${reload}
      render=${(data: Overview) => {
        if (data.events === 0)
          return html`<${Empty} title="No events in this range.">
            <p>
              Clarion records every decision other than a plain pass (and a sample of passes). Send traffic through the proxy, or try a request on the
              <a href=${`${BASE}/try`}>Try it</a> page to see what would be recorded.
            </p>
          <//>`;
        const b = data.breakdowns;
        const asked = (b.action.clarify ?? 0) + (b.action.defer ?? 0);
        const labelled = Object.values(b.verdict).reduce((a, n) => a + n, 0);
        return html`<div class="figures">
            <${Figure} label="events" value=${data.events.toLocaleString()} note=${data.truncated ? 'first 200,000 read' : undefined} />
            <${Figure} label="asked or deferred" value=${percent(asked / data.events, 1)} />
            <${Figure} label="labelled" value=${labelled.toLocaleString()} />
            <${Figure} label="policy versions" value=${String(data.versions.policy.length)} note=${data.versions.policy.join(' → ')} />
          </div>
          <${Charts} data=${data} />
          <div class="grid-3">
            <${Bars} title="Action" counts=${b.action} total=${data.events} link=${eventsLink('action')} />
            <${Bars} title="Norm" counts=${b.norm} total=${data.events} />
            <${Bars} title="Category" counts=${b.category} total=${data.events} link=${eventsLink('category')} />
            <${Bars} title="Signal" counts=${b.signal} total=${data.events} link=${eventsLink('signal')} />
            <${Bars} title="Model" counts=${b.model} total=${data.events} link=${eventsLink('model')} />
            <${Bars} title="Tenant" counts=${b.tenant} total=${data.events} link=${eventsLink('tenant')} />
          </div>
          <${Disparity} tables=${data.disparity} since=${since} />
          <${VerdictTable} data=${data} />`;
      }}
    />`;
}
