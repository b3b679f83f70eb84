/**
 * The request path of the three protocol routes (`/v1/chat/completions`, `/v1/responses`,
 * `/v1/messages`), as the list of its stages over one per-request state (./state.ts):
 *
 *   parse    body bytes -> JSON object                                     stages/parse.ts
 *   judge    adapter -> conversation -> detector -> policy (fail open)     stages/judge.ts
 *   apply    the decision through the adapter: pass, rewrite, or reply     stages/apply.ts
 *   forward  to the upstream, the response relayed as it streams           stages/forward.ts
 *   remember the exchange, for requests that will point back at it         stages/remember.ts
 *   finish   event, metrics, log line, after the response is on its way    stages/finish.ts
 *
 * A stage that answers the request itself (an error, a clarifying question, a deferral) writes
 * the response and returns false; finish runs for every request. Nothing here waits on Redis
 * except the conversation-memory read, and only when the policy is about to ask a question.
 * Pass-through (./passthrough.ts) runs the same forward and finish stages.
 */
import type { PipelineDeps, ProtocolRoute } from './deps.js';
import { apply } from './stages/apply.js';
import { finish } from './stages/finish.js';
import { forward } from './stages/forward.js';
import { judge } from './stages/judge.js';
import { parse } from './stages/parse.js';
import { remember } from './stages/remember.js';
import { newProtocolState, type IncomingProtocolRequest } from './state.js';

export async function handleProtocolRequest(deps: PipelineDeps, route: ProtocolRoute, incoming: IncomingProtocolRequest): Promise<void> {
  const state = newProtocolState(deps, route, incoming);
  if (parse(deps, state) && (await judge(deps, state)) && apply(deps, state)) {
    await forward(deps, state);
  }
  remember(deps, state);
  finish(deps, state);
}
