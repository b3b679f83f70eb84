/**
 * After the response, before finish: what Clarion proxied is remembered for the requests that
 * will point back at it (../context-memory.ts) — the latest user and assistant turns, redacted and
 * bounded, under the response's id (Responses, whose `previous_response_id` can point back at it)
 * and under the conversation's name when the app gave one.
 * Runs after the client has the whole response; writing is fire-and-forget. A request with
 * `store: false` is not remembered: the app asked for its exchange not to be kept.
 */
import { turnText, type Conversation } from '../../conversation.js';
import { redactText } from '../../events/redact.js';
import { MAX_REMEMBERED_CHARS, MAX_REMEMBERED_TURNS, type RememberedTurns } from '../../policy/memory-store.js';
import { conversationKey, namedConversation, responseKey } from '../context-memory.js';
import type { PipelineDeps } from '../deps.js';
import type { ProtocolState } from '../state.js';

/**
 * Whether this exchange can be remembered at all, known before the response: a judged request
 * without `store: false` that something can point back at — a Responses request (its response id,
 * `previous_response_id` only exists in that API), an app-named conversation, or a Responses
 * `conversation`. Only then is the response's text kept as it streams (the observer's `keepText`).
 */
export function remembersExchange(state: ProtocolState): boolean {
  const { judgement } = state;
  if (judgement === null || state.body.store === false) return false;
  return state.route.kind === 'responses' || namedConversation(state.headers) !== null || judgement.conversation.priorContext?.kind === 'conversation';
}

export function remember(deps: PipelineDeps, state: ProtocolState): void {
  const { judgement, observed } = state;
  if (judgement === null || observed === null || state.status < 200 || state.status >= 300) return;
  if (!remembersExchange(state)) return;
  const tenant = judgement.context.tenant;
  const keys: string[] = [];
  if (observed.id !== null && state.route.kind === 'responses') keys.push(responseKey(tenant, observed.id));
  const named = namedConversation(state.headers);
  if (named !== null) keys.push(conversationKey(tenant, named));
  const prior = judgement.conversation.priorContext;
  if (prior?.kind === 'conversation') keys.push(conversationKey(tenant, prior.id));
  if (keys.length === 0) return;
  const turns = latestTurns(judgement.conversation, observed.text);
  if (turns.turns.length === 0) return;
  for (const key of keys) deps.memory.rememberTurns(key, turns);
}

/** The conversation's latest user and assistant texts (remembered ones included), then the reply. */
function latestTurns(conversation: Conversation, reply: string): RememberedTurns {
  const turns: RememberedTurns['turns'] = [];
  const keep = (role: 'user' | 'assistant', text: string): void => {
    if (text.length === 0) return;
    turns.push({ role, text: redactText(text.slice(0, MAX_REMEMBERED_CHARS * 2)).slice(0, MAX_REMEMBERED_CHARS) });
  };
  const from = Math.max(0, conversation.turns.length - MAX_REMEMBERED_TURNS);
  for (let i = from; i < conversation.turns.length; i++) {
    const turn = conversation.turns[i];
    if (turn !== undefined && (turn.role === 'user' || turn.role === 'assistant')) keep(turn.role, turnText(turn));
  }
  keep('assistant', reply);
  return { turns: turns.slice(-MAX_REMEMBERED_TURNS) };
}
