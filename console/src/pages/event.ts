/**
 * One event: the request excerpt with each signal's evidence highlighted, the score and what
 * contributed to it, the norm that decided and what the policy in force would do now, the
 * question asked, the upstream's answer and timings, and label buttons that write through the
 * same path as the feedback API.
 */
import { useEffect, useState } from 'preact/hooks';
import { BASE, get, post, session, type StoredEvent } from '../api.js';
import { highlight } from '../highlight.js';
import { Badge, ErrorState, Show, Time } from '../ui/components.js';
import { useData } from '../ui/data.js';
import { html } from '../ui/html.js';

interface Detail {
  event: StoredEvent;
  currentPolicy: { version: string; action: string; mode: string | null; norm: string | null; reason: string };
}

const MARKS = 6;

function Excerpt({ event }: { event: StoredEvent }) {
  const text = event.request.text;
  if (text === null)
    return html`<p class="muted">
      The request text was not stored (redaction mode <code>${event.request.mode}</code>); its sha256 is <code>${event.request.sha256.slice(0, 16)}…</code>.
    </p>`;
  const spans = highlight(text, event.signals);
  return html`<blockquote class="excerpt-text" aria-label="Request excerpt with evidence highlighted">
      ${spans.map((s) => {
        const part = text.slice(s.start, s.end);
        if (s.signal < 0) return part;
        const signal = event.signals[s.signal];
        return html`<mark class=${`mark-${s.signal % MARKS}`} title=${signal?.id ?? ''} data-signal=${signal?.id ?? ''}>${part}</mark>`;
      })}
    </blockquote>
    ${event.request.truncated ? html`<p class="muted">Excerpt cut at the configured length (${event.request.chars} characters in full).</p>` : null}`;
}

function Contributions({ event }: { event: StoredEvent }) {
  const max = Math.max(0.5, ...event.signals.map((s) => Math.abs(s.weight)));
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">Signal</th>
          <th scope="col">Category</th>
          <th scope="col" class="num">Weight</th>
          <th scope="col" class="wide">Evidence</th>
        </tr>
      </thead>
      <tbody>
        ${event.signals.map(
          (s, i) =>
            html`<tr>
              <th scope="row">
                <span class=${`swatch mark-${i % MARKS}`} aria-hidden="true"></span>${s.id}${s.slot ? html` <span class="muted">(${s.slot})</span>` : null}
              </th>
              <td>${s.category ?? '—'}</td>
              <td class="num">
                <span class="weight">
                  <span class=${s.weight >= 0 ? 'weight-up' : 'weight-down'} style=${{ width: `${(50 * Math.abs(s.weight)) / max}%` }}></span>
                </span>
                ${s.weight >= 0 ? '+' : ''}${s.weight.toFixed(2)}
              </td>
              <td>${s.evidence}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function LabelButtons({ event, onLabelled }: { event: StoredEvent; onLabelled: () => void }) {
  const [verdicts, setVerdicts] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' | 'error'; message?: string }>({ kind: 'idle' });
  useEffect(() => {
    session().then(
      (s) => setVerdicts(s.verdicts),
      () => undefined,
    );
  }, []);
  const label = async (verdict: string): Promise<void> => {
    setStatus({ kind: 'saving' });
    try {
      await post(`/events/${event.id}/labels`, { verdict, ...(note.trim() === '' ? {} : { note: note.trim() }) });
      setStatus({ kind: 'saved', message: `Labelled ${verdict}.` });
      setNote('');
      onLabelled();
    } catch (error) {
      setStatus({ kind: 'error', message: (error as Error).message });
    }
  };
  return html`<section class="card" aria-labelledby="label-h">
    <h2 id="label-h">Label this event</h2>
    <p class="muted">Was asking right here? Labels go to the event store like the feedback API's, with source <code>analyst</code>.</p>
    <label>Note (optional) <input value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} maxlength="2000" /></label>
    <div class="buttons" role="group" aria-label="Verdict">
      ${verdicts.map((v) => html`<button type="button" class=${`verdict verdict-${v}`} disabled=${status.kind === 'saving'} onClick=${() => void label(v)}>${v}</button>`)}
    </div>
    ${status.kind === 'saved' ? html`<p class="ok" role="status">${status.message}</p>` : null}
    ${status.kind === 'error' ? html`<${ErrorState} message=${status.message ?? ''} />` : null}
    ${
      event.labels.length > 0
        ? html`<h3>Labels so far</h3>
            <ul class="labels">
              ${event.labels.map(
                (l) =>
                  html`<li>
                    <strong>${l.verdict}</strong> <span class="muted">from ${l.source}, <${Time} value=${l.time} /></span>${l.note ? html` — ${l.note}` : null}
                  </li>`,
              )}
            </ul>`
        : null
    }
  </section>`;
}

function Facts({ detail }: { detail: Detail }) {
  const { event, currentPolicy } = detail;
  const rows: [string, unknown][] = [
    ['Time', html`<${Time} value=${event.time} />`],
    ['Decided by', html`${event.norm ?? 'the defaults'} <span class="muted">(policy ${event.policyVersion})</span>`],
    ['Reason', event.reason],
    [
      'Policy in force now',
      html`<${Badge} action=${currentPolicy.action} mode=${currentPolicy.mode} /> ${currentPolicy.norm ?? 'defaults'}
        <span class="muted">(${currentPolicy.version})</span>`,
    ],
    ['Question asked', event.question ?? html`<span class="muted">none</span>`],
    ['Model', `${event.model} via ${event.upstream ?? '—'} (${event.protocol}, ${event.route})`],
    ['Tenant', event.tenant ?? '—'],
    ['Upstream', event.upstreamStatus === null ? 'not called' : `HTTP ${event.upstreamStatus} in ${event.upstreamMs ?? '?'} ms`],
    ['Detector', `${event.detectorVersion}, ${event.detectorMicros} µs`],
    ['Conversation', `${event.conversationId} · ${event.request.turns} turns`],
    ['Error', event.errorCode ?? '—'],
  ];
  return html`<dl class="facts">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v}</dd>`,
    )}
  </dl>`;
}

export function EventPage({ id }: { id: string }) {
  const [loaded, reload] = useData(() => get<Detail>(`/events/${encodeURIComponent(id)}`), id);
  return html`<p><a href=${`${BASE}/events`}>← Events</a></p>
    <${Show}
      loaded=${loaded}
      what="the event"
      retry=${reload}
      render=${(detail: Detail) => {
        const { event } = detail;
        return html`<div class="page-head">
            <h1>Event <code class="id">${event.id}</code></h1>
            <span><${Badge} action=${event.action} mode=${event.mode} />${event.shadow ? ' (shadow)' : ''}</span>
          </div>
          <div class="grid-2">
            <section class="card" aria-labelledby="req-h">
              <h2 id="req-h">Request</h2>
              <${Excerpt} event=${event} />
              <p class="score">Score <strong>${event.score.toFixed(3)}</strong> <span class="muted">${event.categories.join(', ')}</span></p>
              <${Contributions} event=${event} />
            </section>
            <section class="card" aria-labelledby="dec-h">
              <h2 id="dec-h">Decision</h2>
              <${Facts} detail=${detail} />
            </section>
          </div>
          <${LabelButtons} event=${event} onLabelled=${reload} />`;
      }}
    />`;
}
