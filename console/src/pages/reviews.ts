/**
 * Reviews: the queue the `defer` action fills. Resolving takes a note and, optionally, a verdict
 * that labels the deferred event (source `reviewer`); resolved items show who and when.
 */
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { BASE, get, post, queryString, session, type ReviewItem } from '../api.js';
import { Empty, ErrorState, Show, Time } from '../ui/components.js';
import { useData } from '../ui/data.js';
import { html } from '../ui/html.js';

const TABS = ['open', 'resolved', 'all'] as const;

function ResolveForm({ item, verdicts, done }: { item: ReviewItem; verdicts: string[]; done: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const note = (data.get('note') as string | null)?.trim() ?? '';
    const verdict = (data.get('verdict') as string | null) ?? '';
    setBusy(true);
    try {
      await post(`/reviews/${item.id}/resolve`, { ...(note === '' ? {} : { note }), ...(verdict === '' ? {} : { verdict }) });
      done();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="resolve" onSubmit=${(e: Event) => void submit(e)} aria-label=${`Resolve review ${item.id}`}>
    <label>Note <input name="note" maxlength="4000" placeholder="what you decided and why" /></label>
    ${
      item.eventId
        ? html`<label
            >Label the event
            <select name="verdict">
              <option value="">no label</option>
              ${verdicts.map((v) => html`<option value=${v}>${v}</option>`)}
            </select></label
          >`
        : null
    }
    <button type="submit" disabled=${busy}>Resolve</button>
    ${error ? html`<${ErrorState} message=${error} />` : null}
  </form>`;
}

export function ReviewsPage() {
  const { query, route } = useLocation();
  const status = TABS.includes(query.status as (typeof TABS)[number]) ? (query.status as string) : 'open';
  const [loaded, reload] = useData(() => get<{ reviews: ReviewItem[] }>(`/reviews${queryString({ status })}`), status);
  const [verdicts, setVerdicts] = useState<string[]>([]);
  useEffect(() => {
    session().then(
      (s) => setVerdicts(s.verdicts),
      () => undefined,
    );
  }, []);
  return html`<div class="page-head">
      <h1>Reviews</h1>
      <nav class="tabs" aria-label="Review status">
        ${TABS.map((t) => html`<a href=${`${BASE}/reviews${queryString({ status: t })}`} aria-current=${t === status ? 'page' : undefined} onClick=${(e: Event) => (e.preventDefault(), route(`${BASE}/reviews${queryString({ status: t })}`))}>${t}</a>`)}
      </nav>
    </div>
    <${Show}
      loaded=${loaded}
      what="reviews"
      retry=${reload}
      render=${({ reviews }: { reviews: ReviewItem[] }) =>
        reviews.length === 0
          ? html`<${Empty} title=${status === 'open' ? 'Nothing waits for review.' : 'No reviews here.'}>
              <p>Requests land here when a norm's action is <code>defer</code>. See the norms that defer on the <a href=${`${BASE}/policy`}>Policy</a> page.</p>
            <//>`
          : html`<ul class="reviews">
              ${reviews.map(
                (r) =>
                  html`<li class="card review" key=${r.id}>
                    <div class="review-head">
                      <${Time} value=${r.time} />
                      <span>${r.norm ?? 'defaults'}</span>
                      <span class="muted">${r.model} · ${r.tenant ?? 'no tenant'}</span>
                      ${r.eventId ? html`<a href=${`${BASE}/events/${r.eventId}`}>event</a>` : null}
                    </div>
                    <blockquote>${r.text || html`<span class="muted">(no text)</span>`}</blockquote>
                    <p class="muted">${r.reason}</p>
                    ${
                      r.status === 'resolved' && r.resolution
                        ? html`<p class="ok">
                            Resolved by <strong>${r.resolution.by ?? 'someone'}</strong>,
                            <${Time} value=${r.resolution.time} />${r.resolution.note ? html` — ${r.resolution.note}` : null}
                          </p>`
                        : html`<${ResolveForm} item=${r} verdicts=${verdicts} done=${reload} />`
                    }
                  </li>`,
              )}
            </ul>`}
    />`;
}
