/**
 * Clarion as a guardrail for other gateways. The request bodies are the shapes LiteLLM's Generic
 * Guardrail API and Portkey's webhook guardrail document; every answer is parsed with a zod schema
 * of what that gateway reads back (written from their docs, independent of Clarion's own code).
 * Norms select on the tenant so each case exercises one action whatever the detector thinks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '../../../src/config/load.js';
import { openEventStore } from '../../../src/storage/index.js';
import { startFakeUpstream, type FakeUpstream } from '../../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../../helpers/clarion.js';

const QUESTION = 'Which language should I translate it into?';
const ANNOTATE = 'CLARION-ANNOTATE: state your assumptions, then answer.';
const POLICY = `
version: guardrail-1
norms:
  - name: t-annotate
    when: { tenant: t-annotate }
    then: { action: annotate, instruction: "${ANNOTATE}" }
  - name: t-respond
    when: { tenant: t-respond }
    then: { action: clarify, mode: respond, reply: "${QUESTION}", budget: 100 }
  - name: t-escalate
    when: { tenant: t-escalate }
    then: { action: escalate, escalate: { model: "strong-model" } }
`;

// ---- what the gateways read back ----------------------------------------------------------------
/** LiteLLM: GenericGuardrailAPIResponse.from_dict reads action, blocked_reason, texts, images (+ structured_messages in newer versions). */
const LiteLLMAnswer = z
  .object({
    action: z.enum(['BLOCKED', 'NONE', 'GUARDRAIL_INTERVENED']),
    blocked_reason: z.string().optional(),
    texts: z.array(z.string()).optional(),
    images: z.array(z.string()).optional(),
    structured_messages: z.array(z.object({ role: z.string(), content: z.unknown() }).loose()).optional(),
  })
  .strict();
/** Portkey: verdict (required), data (any), transformedData.request.json replacing the whole body. */
const PortkeyAnswer = z
  .object({
    verdict: z.boolean(),
    data: z.unknown().optional(),
    transformedData: z.object({ request: z.object({ json: z.record(z.string(), z.unknown()) }).strict() }).optional(),
  })
  .strict();

// ---- documented request shapes -----------------------------------------------------------------
function litellmRequest(team: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    texts: ['You are terse.', 'Translate this for me please.'],
    images: null,
    tools: null,
    structured_messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Translate this for me please.' },
    ],
    request_data: {
      user_api_key_hash: 'hash-of-key',
      user_api_key_alias: 'alias',
      user_api_key_user_id: 'user-1',
      user_api_key_team_id: 'team-id-1',
      user_api_key_team_alias: team,
    },
    input_type: 'request',
    litellm_call_id: `call-${team}-${Math.random().toString(36).slice(2)}`,
    litellm_trace_id: 'trace-1',
    additional_provider_specific_params: { model: 'gpt-4o-mini' },
    ...extra,
  };
}

function portkeyRequest(tenant: string, json: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    request: { json, text: 'Translate this for me please.', isStreamingRequest: json.stream === true, isTransformed: false },
    response: { json: null, text: '', statusCode: null, isTransformed: false },
    provider: 'openai',
    requestType: 'chatComplete',
    metadata: { tenant, _user: 'john' },
    eventType: 'beforeRequestHook',
    ...extra,
  };
}

describe('guardrail endpoints', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;
  const auth = { authorization: 'Bearer guard-token' };

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({ upstream, policy: POLICY, serverConfig: 'adminToken: admin-token\nguardrailToken: guard-token' });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
    return fetch(`${clarion.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }
  const LITELLM = '/v1/clarion/guardrails/litellm/beta/litellm_basic_guardrail_api';
  const PORTKEY = '/v1/clarion/guardrails/portkey';

  test('a bearer token is required: the guardrail token or the admin token; anything else is 401 in the OpenAI shape', async () => {
    const refused: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong' }, { authorization: 'guard-token' }, { 'x-api-key': 'guard-token' }];
    for (const headers of refused) {
      const res = await post(LITELLM, litellmRequest('t-pass'), headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'CLARION_UNAUTHORIZED');
    }
    for (const token of ['guard-token', 'admin-token']) {
      const res = await post(LITELLM, litellmRequest('t-pass'), { authorization: `Bearer ${token}` });
      assert.equal(res.status, 200, token);
    }
    assert.equal(upstream.requests.length, 0, 'a guardrail call never reaches an upstream');
  });

  test('LiteLLM: nothing to change is NONE', async () => {
    const res = await post(LITELLM, litellmRequest('t-pass'));
    assert.equal(res.status, 200);
    assert.deepEqual(LiteLLMAnswer.parse(await res.json()), { action: 'NONE' });
    assert.equal(res.headers.get('x-clarion-action'), 'pass');
    assert.match(res.headers.get('x-clarion-score') ?? '', /^\d\.\d{3}$/);
  });

  test('LiteLLM: annotate is GUARDRAIL_INTERVENED with the instruction in texts and in structured_messages, and the event is recorded', async () => {
    const request = litellmRequest('t-annotate');
    const res = await post(LITELLM, request);
    const answer = LiteLLMAnswer.parse(await res.json());
    assert.equal(answer.action, 'GUARDRAIL_INTERVENED');
    assert.deepEqual(answer.texts, ['You are terse.', `Translate this for me please.\n\n${ANNOTATE}`]);
    // One more row than LiteLLM sent: LiteLLM replaces the conversation as a whole.
    assert.deepEqual(answer.structured_messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'system', content: ANNOTATE },
      { role: 'user', content: 'Translate this for me please.' },
    ]);

    const eventId = res.headers.get('x-clarion-event-id');
    assert.ok(eventId !== null);
    await clarion.server.eventLog.flush();
    const file = join(clarion.dir, 'clarion.yaml');
    const store = await openEventStore(parseConfig(readFileSync(file, 'utf8'), file, {}), join(clarion.dir, 'data'));
    const event = await store.get(eventId);
    assert.equal(event?.action, 'annotate');
    assert.equal(event?.upstream, 'guardrail:litellm');
    assert.equal(event?.requestId, request.litellm_call_id);
    assert.equal(event?.tenant, 't-annotate');
    assert.equal(event?.route, '/v1/chat/completions');
  });

  test('LiteLLM: clarify/respond is BLOCKED with the question as the reason; a response scan is NONE', async () => {
    const res = await post(LITELLM, litellmRequest('t-respond'));
    assert.deepEqual(LiteLLMAnswer.parse(await res.json()), { action: 'BLOCKED', blocked_reason: QUESTION });
    assert.equal(res.headers.get('x-clarion-action'), 'clarify');

    const response = await post(LITELLM, litellmRequest('t-respond', { input_type: 'response', texts: ['Sure, here it is.'] }));
    assert.deepEqual(LiteLLMAnswer.parse(await response.json()), { action: 'NONE' });
  });

  test('LiteLLM: an older payload with texts only still gets the instruction in texts', async () => {
    const res = await post(LITELLM, litellmRequest('t-annotate', { structured_messages: undefined, tools: undefined }));
    const answer = LiteLLMAnswer.parse(await res.json());
    assert.equal(answer.action, 'GUARDRAIL_INTERVENED');
    assert.equal(answer.structured_messages, undefined);
    assert.equal(answer.texts?.at(-1), `Translate this for me please.\n\n${ANNOTATE}`);
  });

  test('Portkey: annotate is verdict true with the whole transformed body; other fields kept', async () => {
    const json = { model: 'gpt-4o-mini', stream: true, temperature: 0.2, messages: [{ role: 'user', content: 'Translate this for me please.' }] };
    const res = await post(PORTKEY, portkeyRequest('t-annotate', json));
    const answer = PortkeyAnswer.parse(await res.json());
    assert.equal(answer.verdict, true);
    const out = answer.transformedData?.request.json;
    assert.equal(out?.model, 'gpt-4o-mini');
    assert.equal(out?.stream, true);
    assert.equal(out?.temperature, 0.2);
    const messages = out?.messages as Array<{ role: string; content: string }>;
    assert.deepEqual(messages.at(-1), json.messages[0]);
    assert.ok(messages.some((m) => m.role === 'system' && m.content.includes(ANNOTATE)));
    assert.equal((answer.data as { action: string }).action, 'annotate');
    assert.ok(res.headers.get('x-clarion-event-id') !== null);
  });

  test('Portkey: an Anthropic Messages request with clarify/respond fails the check with the question in data', async () => {
    const json = {
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Translate this.' }] }],
    };
    const res = await post(PORTKEY, portkeyRequest('t-respond', json, { provider: 'anthropic', requestType: 'messages' }));
    const answer = PortkeyAnswer.parse(await res.json());
    assert.equal(answer.verdict, false);
    assert.equal((answer.data as { reply: string }).reply, QUESTION);
    assert.equal(answer.transformedData, undefined);
  });

  test('Portkey: escalate rewrites the model; afterRequestHook and unreadable bodies pass unassessed', async () => {
    const json = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Translate this.' }] };
    const escalated = PortkeyAnswer.parse(await (await post(PORTKEY, portkeyRequest('t-escalate', json))).json());
    assert.equal(escalated.transformedData?.request.json.model, 'strong-model');

    const afterHook = await post(
      PORTKEY,
      portkeyRequest('t-respond', json, { eventType: 'afterRequestHook', response: { json: {}, text: 'ok', statusCode: 200 } }),
    );
    assert.deepEqual(PortkeyAnswer.parse(await afterHook.json()), { verdict: true });
    const odd = await post(PORTKEY, portkeyRequest('t-respond', { model: 'x', messages: 'not a list' }));
    assert.equal(PortkeyAnswer.parse(await odd.json()).verdict, true);
  });

  test('/assess computes without recording; /decide records; each body protocol is recognised', async () => {
    const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Translate this for me please.' }] };
    const headers = { ...auth, 'x-clarion-tenant': 't-annotate' };
    const assessed = (await (await post('/v1/clarion/assess', chat, headers)).json()) as Record<string, unknown>;
    assert.equal(assessed.protocol, 'openai-chat');
    assert.equal((assessed.decision as { action: string }).action, 'annotate');
    assert.equal(assessed.effect, 'rewrite');
    assert.equal(assessed.eventId, null);
    assert.equal(typeof (assessed.assessment as { score: number }).score, 'number');
    const rewritten = assessed.request as { messages: Array<{ role: string; content: string }> };
    assert.ok(rewritten.messages.some((m) => m.role === 'system' && m.content.includes(ANNOTATE)));

    const decided = await post('/v1/clarion/decide', chat, headers);
    const body = (await decided.json()) as { eventId: string | null };
    assert.ok(body.eventId !== null);
    assert.equal(decided.headers.get('x-clarion-event-id'), body.eventId);

    const responses = (await (await post('/v1/clarion/assess', { model: 'gpt-4o', input: 'Translate this.' }, headers)).json()) as Record<string, unknown>;
    assert.equal(responses.protocol, 'openai-responses');
    assert.ok(String((responses.request as { instructions?: string }).instructions).includes(ANNOTATE));

    const messages = { model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'Translate this.' }] };
    const respond = (await (await post('/v1/clarion/assess?protocol=messages', messages, { ...auth, 'x-clarion-tenant': 't-respond' })).json()) as Record<
      string,
      unknown
    >;
    assert.equal(respond.protocol, 'anthropic-messages');
    assert.equal(respond.effect, 'reply');
    assert.equal(respond.reply, QUESTION);

    const bad = await post('/v1/clarion/assess', { model: 'x', messages: 'nope' });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    const unknownProtocol = await post('/v1/clarion/assess?protocol=grpc', chat);
    assert.equal(unknownProtocol.status, 400);
  });

  test('metrics count guardrail calls by surface and action', async () => {
    const text = await (await fetch(`${clarion.url}/metrics`)).text();
    assert.match(text, /clarion_guardrail_requests_total\{surface="litellm",action="annotate"\} [1-9]/);
    assert.match(text, /clarion_guardrail_requests_total\{surface="portkey",action="clarify"\} [1-9]/);
    assert.match(text, /clarion_requests_total\{route="chat",status="200",upstream="guardrail",action="annotate"\} [1-9]/);
  });
});

test('without a guardrail or admin token the guardrail surface is off (404)', async () => {
  const upstream = await startFakeUpstream();
  const clarion = await startClarion({ upstream });
  try {
    const res = await fetch(`${clarion.url}/v1/clarion/assess`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /CLARION_GUARDRAIL_TOKEN/);
  } finally {
    await clarion.close();
    await upstream.close();
  }
});
