/**
 * The console's small component set: times in the reader's zone (UTC on hover), action badges,
 * the loading / error / empty states every page uses, bar breakdowns and key figures.
 */
import type { ComponentChildren } from 'preact';
import { html } from './html.js';
import type { Loaded } from './data.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const short = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A time in the browser's zone; the UTC time on hover and for screen readers via datetime. */
export function Time({ value, compact = false }: { value: string | number; compact?: boolean }) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return html`<span>—</span>`;
  return html`<time datetime=${date.toISOString()} title=${`${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`}
    >${(compact ? short : dateTime).format(date)}</time
  >`;
}

export function Badge({ action, mode }: { action: string; mode?: string | null | undefined }) {
  return html`<span class=${`badge badge-${action}`}>${action}${mode ? html`<span class="badge-mode">/${mode}</span>` : null}</span>`;
}

export function Loading({ what }: { what: string }) {
  return html`<p class="state" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span> Loading ${what}…</p>`;
}

export function ErrorState({ message, retry, hint }: { message: string; retry?: () => void; hint?: string }) {
  return html`<div class="state state-error" role="alert">
    <p><strong>That did not work.</strong> ${message}</p>
    ${hint ? html`<p class="muted">${hint}</p>` : null} ${retry ? html`<button type="button" onClick=${retry}>Try again</button>` : null}
  </div>`;
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return html`<div class="state state-empty">
    <p><strong>${title}</strong></p>
    ${children}
  </div>`;
}

/** Renders `render(data)` once loaded, the shared states before that. */
export function Show<T>({ loaded, what, retry, render }: { loaded: Loaded<T>; what: string; retry: () => void; render: (data: T) => unknown }) {
  if (loaded.state === 'loading') return html`<${Loading} what=${what} />`;
  if (loaded.state === 'error')
    return html`<${ErrorState}
      message=${loaded.message}
      retry=${retry}
      hint="If the event store is Redis, check that it is reachable; the proxy keeps serving either way."
    />`;
  return render(loaded.data);
}

/** A ranked breakdown as horizontal bars (the widths are set through the CSSOM, which the CSP allows). */
export function Bars({
  title,
  counts,
  total,
  limit = 8,
  link,
}: {
  title: string;
  counts: Record<string, number>;
  total?: number;
  limit?: number;
  link?: (key: string) => string;
}) {
  const rows = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
  const max = Math.max(1, ...rows.map(([, n]) => n));
  const sum = total ?? rows.reduce((a, [, n]) => a + n, 0);
  return html`<section class="card bars" aria-label=${title}>
    <h3>${title}</h3>
    ${
      rows.length === 0
        ? html`<p class="muted">None in this range.</p>`
        : html`<ul>
            ${rows.map(
              ([key, n]) =>
                html`<li>
                  <span class="bar-label">${link ? html`<a href=${link(key)}>${key}</a>` : key}</span>
                  <span class="bar-track"><span class="bar-fill" style=${{ width: `${(100 * n) / max}%` }}></span></span>
                  <span class="bar-value">${n.toLocaleString()}<span class="muted"> ${sum > 0 ? `${((100 * n) / sum).toFixed(0)}%` : ''}</span></span>
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

export function Figure({ label, value, note }: { label: string; value: string; note?: string }) {
  return html`<div class="figure">
    <span class="figure-value">${value}</span><span class="figure-label">${label}</span>${note ? html`<span class="muted figure-note">${note}</span>` : null}
  </div>`;
}

export function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? '—' : `${(100 * value).toFixed(digits)}%`;
}
