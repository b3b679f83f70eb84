/**
 * Policy: the policy in force as its plain-language card (the norms rendered), its file, its
 * history when the server keeps one, and what-if: edit a candidate, validate it, and replay it on
 * recent events to see the transitions and labelled precision / recall before and after.
 */
import { useState } from 'preact/hooks';
import {
  BASE,
  get,
  post,
  queryString,
  type HistoryDiff,
  type HistoryItem,
  type PolicyCard,
  type PolicyStatus,
  type Quality,
  type WhatIfResult,
} from '../api.js';
import { ErrorState, percent, Show, Time } from '../ui/components.js';
import { useData } from '../ui/data.js';
import { html } from '../ui/html.js';

interface PolicyView {
  status: PolicyStatus;
  text: string | null;
  card: PolicyCard;
  history: HistoryItem[] | null;
  historyError: string | null;
}

type WhatIfAnswer = ({ ok: true } & WhatIfResult) | { ok: false; problems: string[] };
type CheckAnswer = { ok: true; version: string; card: PolicyCard } | { ok: false; problems: string[] };

function Card({ card }: { card: PolicyCard }) {
  return html`<div class="policy-card">
    ${card.description ? html`<p>${card.description}</p>` : null}
    ${card.sections
      .filter((s) => s.rules.length > 0 || s.statements.length > 0)
      .map(
        (section) =>
          html`<section>
            <h3>${section.title}</h3>
            ${
              section.rules.length > 0
                ? html`<ul class="rules">
                    ${section.rules.map(
                      (r) =>
                        html`<li>
                          <span class="rule-when">${r.when}</span> → <span class="rule-then">${r.then}</span>
                          <span class="muted"> (norm <code>${r.norm}</code>)</span>
                          ${
                            r.notes.length > 0
                              ? html`<ul class="notes">
                                  ${r.notes.map((n) => html`<li class="muted">${n}</li>`)}
                                </ul>`
                              : null
                          }
                        </li>`,
                    )}
                  </ul>`
                : null
            }
            ${section.statements.map((s) => html`<p>${s}</p>`)}
          </section>`,
      )}
  </div>`;
}

function QualityRow({ label, q }: { label: string; q: Quality }) {
  return html`<tr>
    <th scope="row">${label}</th>
    <td class="num" data-testid=${`precision-${label}`}>${percent(q.precision, 1)}</td>
    <td class="num">${percent(q.recall, 1)}</td>
    <td class="num">${q.truePositives}</td>
    <td class="num">${q.falsePositives}</td>
    <td class="num">${q.falseNegatives}</td>
    <td class="num">${q.labelled}</td>
  </tr>`;
}

function WhatIfResultView({ result }: { result: WhatIfResult }) {
  const transitions = Object.entries(result.summary.transitions).sort((a, b) => b[1] - a[1]);
  return html`<section class="card whatif-result" aria-live="polite">
    <h3>
      Replayed ${result.summary.events.toLocaleString()} events with ${result.policyVersion}: ${result.summary.changed.toLocaleString()} would change
      (${percent(result.summary.changed / Math.max(1, result.summary.events), 1)})
    </h3>
    ${result.truncated ? html`<p class="muted">Stopped at the replay limit; narrow the range for the rest.</p>` : null}
    <div class="grid-2">
      <div class="table-wrap">
        <table>
          <caption>
            Transitions (recorded → candidate)
          </caption>
          <thead>
            <tr>
              <th scope="col">Transition</th>
              <th scope="col" class="num">Events</th>
            </tr>
          </thead>
          <tbody>
            ${transitions.map(
              ([t, n]) =>
                html`<tr class=${t.split(' -> ')[0] === t.split(' -> ')[1] ? 'muted' : ''}>
                  <td>${t.replace(' -> ', ' → ')}</td>
                  <td class="num">${n}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table>
          <caption>
            Against the labels (asking = clarify or defer)
          </caption>
          <thead>
            <tr>
              <th scope="col"></th>
              <th scope="col" class="num">Precision</th>
              <th scope="col" class="num">Recall</th>
              <th scope="col" class="num">TP</th>
              <th scope="col" class="num">FP</th>
              <th scope="col" class="num">FN</th>
              <th scope="col" class="num">Labelled</th>
            </tr>
          </thead>
          <tbody>
            <${QualityRow} label="before" q=${result.before} />
            <${QualityRow} label="after" q=${result.after} />
          </tbody>
        </table>
        ${result.before.labelled === 0 ? html`<p class="muted">No labelled events in range: label some on the Events page to judge precision and recall.</p>` : null}
      </div>
    </div>
    ${
      result.summary.normsBlindInReplay.length > 0
        ? html`<p class="muted">
            Norms matching headers or metadata cannot match in replay (events do not store them): ${result.summary.normsBlindInReplay.join(', ')}.
          </p>`
        : null
    }
    ${
      result.changes.length > 0
        ? html`<details>
            <summary>Events that would change (${result.changes.length}${result.changes.length < result.summary.changed ? ' shown' : ''})</summary>
            <ul class="changes">
              ${result.changes.map(
                (c) =>
                  html`<li>
                    <a href=${`${BASE}/events/${c.id}`}><${Time} value=${c.time} compact /></a> ${c.before} → <strong>${c.after}</strong>
                    <span class="muted">${c.norm ?? 'defaults'}${c.verdict ? ` · labelled ${c.verdict}` : ''}</span>
                  </li>`,
              )}
            </ul>
          </details>`
        : null
    }
  </section>`;
}

function WhatIf({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  const [since, setSince] = useState('7d');
  const [busy, setBusy] = useState<null | 'check' | 'replay'>(null);
  const [problems, setProblems] = useState<string[] | null>(null);
  const [checked, setChecked] = useState<string | null>(null);
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (kind: 'check' | 'replay'): Promise<void> => {
    setBusy(kind);
    setError(null);
    setChecked(null);
    try {
      if (kind === 'check') {
        const answer = await post<CheckAnswer>('/policy/check', { text });
        setProblems(answer.ok ? [] : answer.problems);
        if (answer.ok) setChecked(answer.version);
      } else {
        const answer = await post<WhatIfAnswer>('/policy/whatif', { text, since });
        setProblems(answer.ok ? [] : answer.problems);
        setResult(answer.ok ? answer : null);
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };
  return html`<section class="card" aria-labelledby="whatif-h">
      <h2 id="whatif-h">What if</h2>
      <p class="muted">
        Edit a candidate policy, validate it, and replay it on recent events with the same engine as <code>clarion replay</code>. Nothing changes in the running
        proxy.
      </p>
      <label for="candidate">Candidate policy (YAML)</label>
      <textarea
        id="candidate"
        class="code"
        rows="16"
        spellcheck="false"
        value=${text}
        onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}
      ></textarea>
      <div class="row">
        <label
          >Replay events from the
          <select value=${since} onChange=${(e: Event) => setSince((e.target as HTMLSelectElement).value)}>
            <option value="24h">last 24 hours</option>
            <option value="7d">last 7 days</option>
            <option value="30d">last 30 days</option>
          </select></label
        >
        <button type="button" class="secondary" disabled=${busy !== null} onClick=${() => void act('check')}>
          ${busy === 'check' ? 'Validating…' : 'Validate'}
        </button>
        <button type="button" disabled=${busy !== null} onClick=${() => void act('replay')}>${busy === 'replay' ? 'Replaying…' : 'Replay'}</button>
      </div>
      ${checked !== null ? html`<p class="ok" role="status">Valid: version ${checked}.</p>` : null}
      ${
        problems !== null && problems.length > 0
          ? html`<div class="state state-error" role="alert">
              <p><strong>The candidate is not valid:</strong></p>
              <ul>
                ${problems.map((p) => html`<li><code>${p}</code></li>`)}
              </ul>
            </div>`
          : null
      }
      ${error ? html`<${ErrorState} message=${error} />` : null}
    </section>
    ${result ? html`<${WhatIfResultView} result=${result} />` : null}`;
}

/** The diff's lines, each marked added, removed, kept or a hunk start. */
function DiffView({ diff }: { diff: string }) {
  const kind = (line: string): string => (line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'same');
  return html`<pre class="code diff" data-testid="policy-diff">
${diff.split('\n').map((line) => html`<span class=${`diff-${kind(line)}`}>${line} </span>`)}</pre>`;
}

function Changed({ item }: { item: HistoryItem }) {
  if (item.added === null || item.removed === null) return html`<span class="muted">first</span>`;
  return html`<span class="diff-add">+${item.added}</span> <span class="diff-del">−${item.removed}</span>`;
}

/** Every version put in force, newest first; pick two to see what changed between them. */
function History({ items, error }: { items: HistoryItem[] | null; error: string | null }) {
  const [to, setTo] = useState<string>(items?.[0]?.hash ?? '');
  const [from, setFrom] = useState<string>(items?.[1]?.hash ?? '');
  const key = queryString({ from: from || undefined, to: to || undefined });
  const [diff, reloadDiff] = useData(() => (items !== null && items.length > 1 ? get<HistoryDiff>(`/policy/diff${key}`) : Promise.resolve(null)), key);
  const label = (hash: string): string => items?.find((i) => i.hash === hash)?.version ?? hash.slice(0, 8);
  return html`<section class="card" aria-labelledby="history-h">
    <h2 id="history-h">History</h2>
    ${
      items === null
        ? html`<${ErrorState}
            message=${`The policy history cannot be read now: ${error ?? 'unknown error'}`}
            hint="The policy in force is shown above; try again later."
          />`
        : items.length === 0
          ? html`<p class="muted">No versions recorded yet: the history starts with the next policy this server loads.</p>`
          : html`<div class="table-wrap">
                <table class="history-table">
                  <caption>
                    Every policy this deployment put in force, newest first. Pick two to compare.
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">From</th>
                      <th scope="col">To</th>
                      <th scope="col">Version</th>
                      <th scope="col">In force since</th>
                      <th scope="col">Hash</th>
                      <th scope="col">Loaded by</th>
                      <th scope="col" class="num">Lines</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${items.map(
                      (h) =>
                        html`<tr class=${h.inForce ? 'in-force' : ''}>
                          <td>
                            <input
                              type="radio"
                              name="diff-from"
                              aria-label=${`compare from ${h.version}`}
                              checked=${from === h.hash}
                              onChange=${() => setFrom(h.hash)}
                            />
                          </td>
                          <td>
                            <input
                              type="radio"
                              name="diff-to"
                              aria-label=${`compare to ${h.version}`}
                              checked=${to === h.hash}
                              onChange=${() => setTo(h.hash)}
                            />
                          </td>
                          <td><code>${h.version}</code>${h.inForce ? html` <span class="badge">in force</span>` : null}</td>
                          <td><${Time} value=${h.time} /></td>
                          <td><code>${h.hash.slice(0, 12)}</code></td>
                          <td>${h.instance}</td>
                          <td class="num"><${Changed} item=${h} /></td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              ${
                items.length > 1
                  ? html`<h3>Changes from <code>${label(from)}</code> to <code>${label(to)}</code></h3>
                      <${Show}
                        loaded=${diff}
                        what="the diff"
                        retry=${reloadDiff}
                        render=${(d: HistoryDiff | null) =>
                          d === null || d.diff === null
                            ? html`<p class="muted">The first version: nothing before it to compare with.</p>`
                            : d.diff === ''
                              ? html`<p class="muted">The same text.</p>`
                              : html`<${DiffView} diff=${d.diff} />`}
                      />`
                  : null
              }`
    }
  </section>`;
}

export function PolicyPage() {
  const [loaded, reload] = useData(() => get<PolicyView>('/policy'), 'policy');
  return html`<div class="page-head"><h1>Policy</h1></div>
    <${Show}
      loaded=${loaded}
      what="the policy"
      retry=${reload}
      render=${(view: PolicyView) =>
        html`<section class="card" aria-labelledby="inforce-h">
            <h2 id="inforce-h">In force: <code>${view.status.version}</code></h2>
            <p class="muted">Loaded <${Time} value=${view.status.loadedAt} /> from <code>${view.status.file}</code></p>
            ${view.status.lastError ? html`<${ErrorState} message=${`The last reload was rejected (the policy above stays in force): ${view.status.lastError}`} />` : null}
            <${Card} card=${view.card} />
            ${
              view.text !== null
                ? html`<details>
                    <summary>The policy file</summary>
                    <pre class="code">${view.text}</pre>
                  </details>`
                : null
            }
          </section>
          <${History} items=${view.history} error=${view.historyError} />
          <${WhatIf} initial=${view.text ?? ''} />`}
    />`;
}
