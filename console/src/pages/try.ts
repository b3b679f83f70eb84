/**
 * Try it: a request (plain text, or a Chat, Responses or Anthropic Messages body) assessed and
 * decided by the detector and policy in force, showing what would go upstream or the reply
 * Clarion would give itself. The upstream is never called and nothing is recorded.
 */
import { useState } from 'preact/hooks';
import { post, type TryFormat, type TryResult } from '../api.js';
import { Badge, ErrorState } from '../ui/components.js';
import { html } from '../ui/html.js';

const EXAMPLES: Record<TryFormat, string> = {
  text: 'Can you fix it?',
  chat: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarize the attached report' }] }, null, 2),
  responses: JSON.stringify({ model: 'gpt-4o-mini', input: 'What is the weather like today?' }, null, 2),
  messages: JSON.stringify(
    { model: 'claude-sonnet-4-5', max_tokens: 512, messages: [{ role: 'user', content: 'Translate this document into the language we discussed' }] },
    null,
    2,
  ),
};

function Result({ result }: { result: TryResult }) {
  const { assessment, decision, outcome } = result;
  return html`<div class="grid-2">
    <section class="card" aria-labelledby="assess-h">
      <h2 id="assess-h">Assessment</h2>
      <p class="score">
        Score <strong data-testid="try-score">${assessment.score.toFixed(3)}</strong>
        <span class="muted">${assessment.categories.join(', ') || 'no category'}</span>
      </p>
      ${
        assessment.signals.length === 0
          ? html`<p class="muted">No signal fired.</p>`
          : html`<ul class="signal-list">
              ${assessment.signals.map((s) => html`<li><strong>${s.id}</strong> <span class="muted">${s.weight >= 0 ? '+' : ''}${s.weight.toFixed(2)}</span> — ${s.evidence}</li>`)}
            </ul>`
      }
      ${assessment.suggestedQuestion ? html`<p>Suggested question: <em>${assessment.suggestedQuestion}</em></p>` : null}
    </section>
    <section class="card" aria-labelledby="decision-h">
      <h2 id="decision-h">Decision</h2>
      <p>
        <${Badge} action=${decision.action} mode=${decision.mode} /> by
        <strong>${decision.norm ?? 'the defaults'}</strong>${decision.shadow ? ' (shadow: recorded, not applied)' : ''}
      </p>
      <p class="muted">${decision.reason}</p>
      ${
        outcome.kind === 'reply'
          ? html`<h3>Clarion answers itself (HTTP ${outcome.status}); the upstream is not called</h3>
              <pre class="code" data-testid="try-outcome">${outcome.body}</pre>`
          : html`<h3>
                Would send to
                ${outcome.upstream ? html`<code>${outcome.upstream.name}</code> <span class="muted">${outcome.upstream.baseUrl} · ${result.route}</span>` : 'no configured upstream'}
                ${outcome.rewritten ? ' (rewritten)' : ' (unchanged)'}
              </h3>
              <pre class="code" data-testid="try-outcome">${outcome.body}</pre>`
      }
    </section>
  </div>`;
}

export function TryPage() {
  const [format, setFormat] = useState<TryFormat>('text');
  const [input, setInput] = useState(EXAMPLES.text);
  const [tenant, setTenant] = useState('');
  const [result, setResult] = useState<TryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const changeFormat = (next: TryFormat): void => {
    if (input.trim() === '' || Object.values(EXAMPLES).includes(input)) setInput(EXAMPLES[next]);
    setFormat(next);
  };
  const run = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await post<TryResult>('/try', { format, input, ...(tenant.trim() === '' ? {} : { tenant: tenant.trim() }) }));
    } catch (err) {
      setResult(null);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="page-head"><h1>Try it</h1></div>
    <p class="muted">See what Clarion would do with a request under the policy in force. Nothing is sent upstream, recorded or queued.</p>
    <form class="card try" onSubmit=${(e: Event) => void run(e)}>
      <div class="row">
        <label
          >Format
          <select value=${format} onChange=${(e: Event) => changeFormat((e.target as HTMLSelectElement).value as TryFormat)}>
            <option value="text">Plain text</option>
            <option value="chat">OpenAI Chat Completions JSON</option>
            <option value="responses">OpenAI Responses JSON</option>
            <option value="messages">Anthropic Messages JSON</option>
          </select></label
        >
        <label>Tenant (optional) <input value=${tenant} onInput=${(e: Event) => setTenant((e.target as HTMLInputElement).value)} size="14" /></label>
      </div>
      <label for="try-input">${format === 'text' ? 'Message' : 'Request body'}</label>
      <textarea
        id="try-input"
        rows=${format === 'text' ? 3 : 10}
        spellcheck=${format === 'text'}
        value=${input}
        onInput=${(e: Event) => setInput((e.target as HTMLTextAreaElement).value)}
      ></textarea>
      <button type="submit" disabled=${busy}>${busy ? 'Assessing…' : 'Assess'}</button>
    </form>
    ${error ? html`<${ErrorState} message=${error} hint="Check that the body is a JSON object of the chosen format." />` : null}
    ${result ? html`<${Result} result=${result} />` : null}`;
}
