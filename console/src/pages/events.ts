/**
 * Events: the CLI's filters (time, action, norm's category, signal, model, tenant, score range,
 * label) kept in the URL, newest first, a page at a time with a cursor; optionally live (the
 * first page refreshes every 10 s).
 */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { BASE, get, queryString, session, type EventPage, type SessionInfo, type StoredEvent } from '../api.js';
import { Badge, Empty, Show, Time } from '../ui/components.js';
import { useData } from '../ui/data.js';
import { html } from '../ui/html.js';

const FILTER_KEYS = ['since', 'until', 'action', 'category', 'signal', 'model', 'tenant', 'verdict', 'minScore', 'maxScore'] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

const SINCE = [
  { value: '1h', label: 'last hour' },
  { value: '24h', label: 'last 24 hours' },
  { value: '7d', label: 'last 7 days' },
  { value: '30d', label: 'last 30 days' },
  { value: 'all', label: 'all stored' },
];

function filtersOf(query: Record<string, string>): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) if (query[key]) filters[key] = query[key];
  return filters;
}

function Select({ name, label, options, value }: { name: string; label: string; options: string[]; value: string | undefined }) {
  return html`<label
    >${label}
    <select name=${name} value=${value ?? ''}>
      <option value="">any</option>
      ${options.map((o) => html`<option value=${o}>${o}</option>`)}
    </select></label
  >`;
}

function FilterForm({ filters, info, apply }: { filters: Filters; info: SessionInfo | null; apply: (f: Filters) => void }) {
  const submit = (e: Event): void => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const next: Filters = {};
    for (const key of FILTER_KEYS) {
      const value = data.get(key);
      if (typeof value === 'string' && value.trim() !== '') next[key] = value.trim();
    }
    apply(next);
  };
  return html`<form class="filters card" onSubmit=${submit} aria-label="Event filters">
    <label
      >Time
      <select name="since" value=${filters.since ?? '7d'}>
        ${SINCE.map((s) => html`<option value=${s.value}>${s.label}</option>`)}
      </select></label
    >
    <${Select} name="action" label="Action" options=${info?.actions ?? []} value=${filters.action} />
    <${Select} name="category" label="Category" options=${info?.categories ?? []} value=${filters.category} />
    <${Select} name="signal" label="Signal" options=${info?.signals ?? []} value=${filters.signal} />
    <${Select} name="verdict" label="Label" options=${info?.verdicts ?? []} value=${filters.verdict} />
    <label>Model <input name="model" value=${filters.model ?? ''} placeholder="exact name" size="12" /></label>
    <label>Tenant <input name="tenant" value=${filters.tenant ?? ''} placeholder="label or hash" size="10" /></label>
    <label>Score ≥ <input name="minScore" type="number" min="0" max="1" step="0.05" value=${filters.minScore ?? ''} size="4" /></label>
    <label>Score ≤ <input name="maxScore" type="number" min="0" max="1" step="0.05" value=${filters.maxScore ?? ''} size="4" /></label>
    <div class="filter-actions">
      <button type="submit">Apply</button>
      <button type="button" class="secondary" onClick=${() => apply({})}>Clear</button>
    </div>
  </form>`;
}

function excerpt(event: StoredEvent): string {
  const text = event.request.text ?? '(text not stored)';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function Rows({ events }: { events: StoredEvent[] }) {
  return html`<div class="table-wrap">
    <table class="events">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Action</th>
          <th scope="col">Norm</th>
          <th scope="col" class="num">Score</th>
          <th scope="col">Signals</th>
          <th scope="col">Model</th>
          <th scope="col">Tenant</th>
          <th scope="col">Label</th>
          <th scope="col">Request</th>
        </tr>
      </thead>
      <tbody>
        ${events.map(
          (e) =>
            html`<tr key=${e.id}>
              <td>
                <a href=${`${BASE}/events/${e.id}`} aria-label=${`Event ${e.id}`}><${Time} value=${e.time} compact /></a>
              </td>
              <td><${Badge} action=${e.action} mode=${e.mode} />${e.shadow ? html` <span class="muted">shadow</span>` : null}</td>
              <td>${e.norm ?? html`<span class="muted">defaults</span>`}</td>
              <td class="num">${e.score.toFixed(2)}</td>
              <td class="signals">${[...new Set(e.signals.map((s) => s.id))].join(', ')}</td>
              <td>${e.model}</td>
              <td>${e.tenant ?? '—'}</td>
              <td>${e.labels.at(-1)?.verdict ?? ''}</td>
              <td class="excerpt">${excerpt(e)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function EventsPage() {
  const { query, route } = useLocation();
  const filters = filtersOf(query);
  if (filters.since === undefined && query.since === undefined) filters.since = '7d';
  const cursor = query.cursor ?? '';
  const [live, setLive] = useState(false);
  const [info, setInfo] = useState<SessionInfo | null>(null);
  useEffect(() => {
    session().then(setInfo, () => undefined);
  }, []);
  const key = queryString({ ...filters, since: filters.since === 'all' ? undefined : filters.since, cursor, limit: 50 });
  const [loaded, reload] = useData(() => get<EventPage>(`/events${key}`), key);
  useEffect(() => {
    if (!live || cursor !== '') return;
    const timer = setInterval(reload, 10_000);
    return () => clearInterval(timer);
  }, [live, cursor, reload]);
  const go = (next: Filters & { cursor?: string }): void => route(`${BASE}/events${queryString(next)}`);
  return html`<div class="page-head">
      <h1>Events</h1>
      <label class="inline"
        ><input type="checkbox" checked=${live} onChange=${(e: Event) => setLive((e.target as HTMLInputElement).checked)} /> Live (refresh every 10 s)</label
      >
    </div>
    <${FilterForm} filters=${filters} info=${info} apply=${(f: Filters) => go({ since: filters.since ?? '7d', ...f })} />
    <${Show}
      loaded=${loaded}
      what="events"
      retry=${reload}
      render=${(page: EventPage) => {
        const older = page.next
          ? html`<button type="button" onClick=${() => go({ ...filters, cursor: page.next ?? '' })}>${page.partial ? 'Keep looking' : 'Older'}</button>`
          : html`<span class="muted">End of the list.</span>`;
        const pager = html`<nav class="pager" aria-label="Pages">
          ${cursor ? html`<button type="button" class="secondary" onClick=${() => go({ ...filters })}>Newest</button>` : null} ${older}
        </nav>`;
        // A page reads a bounded number of stored events; a rare filter may need several to fill one.
        const partial = page.partial
          ? html`<p class="muted">Looked through ${page.scanned.toLocaleString()} stored events for this page; older ones may match too.</p>`
          : null;
        return page.events.length === 0
          ? html`<${Empty} title=${page.partial ? 'Nothing matched yet.' : cursor ? 'No older events match.' : 'No events match these filters.'}>
                <p>
                  ${page.partial ? 'Keep looking further back, or narrow the time range.' : 'Widen the time range or clear a filter. Passes are recorded only above the score floor or as a sample.'}
                </p>
              <//>
              ${partial} ${pager}`
          : html`<p class="muted" aria-live="polite">${page.events.length} events${cursor ? ' (older page)' : ', newest first'}</p>
              <${Rows} events=${page.events} />
              ${partial} ${pager}`;
      }}
    />`;
}
