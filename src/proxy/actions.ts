/**
 * What a decision does to the request, through the route's protocol adapter: forward it as is,
 * forward a rewritten body (an injected instruction, another model), or answer with a reply
 * Clarion composes itself. Pure: side effects (review queue, conversation memory) stay with the
 * pipeline.
 */
import type { Decision } from '../policy/decision.js';
import type { JsonObject, ProtocolAdapter, RenderedBody } from '../protocols/types.js';

export type ActionPlan =
  /** Clarion answers itself (clarify/respond, defer); the upstream is not called. */
  | { kind: 'reply'; rendered: RenderedBody }
  /** Forward `body` (the raw bytes when unchanged) to `upstream` (null: route by model). */
  | { kind: 'forward'; body: Buffer | string; model: string | undefined; upstream: string | null };

/** The request a decision is applied to, as the route's adapter reads it. */
export interface ActionRequest {
  adapter: ProtocolAdapter;
  /** The parsed body. */
  body: JsonObject;
  /** The body bytes as received (forwarded as they are when nothing changes). */
  raw: Buffer;
  /** The body's `model`, when it is a string. */
  model: string | undefined;
}

export function planAction(decision: Decision | null, request: ActionRequest): ActionPlan {
  const { adapter, body, raw, model } = request;
  const unchanged: ActionPlan = { kind: 'forward', body: raw, model, upstream: null };
  if (decision === null) return unchanged;
  switch (decision.action) {
    case 'pass':
      return unchanged;
    case 'defer':
      return reply(decision, request);
    case 'clarify':
      if (decision.mode === 'respond') return reply(decision, request);
      return inject(decision, request);
    case 'annotate':
      return inject(decision, request);
    case 'escalate': {
      const target = decision.escalateTo;
      if (target === null) return unchanged;
      // Re-serialised only when the model changes; otherwise the bytes go out as received.
      const rewritten = target.model === null ? raw : JSON.stringify(adapter.withModel(body, target.model));
      return { kind: 'forward', body: rewritten, model: target.model ?? model, upstream: target.upstream };
    }
  }
}

function reply(decision: Decision, { adapter, body, model }: ActionRequest): ActionPlan {
  const kind = decision.action === 'clarify' ? 'question' : 'notice';
  const rendered = adapter.renderReply({ text: decision.reply ?? '', model: model ?? 'unknown', stream: adapter.isStream(body), kind }, body);
  return { kind: 'reply', rendered };
}

function inject(decision: Decision, { adapter, body, raw, model }: ActionRequest): ActionPlan {
  if (decision.instruction === null || decision.instruction === '') return { kind: 'forward', body: raw, model, upstream: null };
  const rewritten = JSON.stringify(adapter.injectInstruction(body, decision.instruction, decision.placement));
  return { kind: 'forward', body: rewritten, model, upstream: null };
}
