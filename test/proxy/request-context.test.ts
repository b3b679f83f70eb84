/**
 * The request facts the policy decides on: tenant never the key, credentials never in headers,
 * conversation id from the header or derived (stable across turns).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Conversation } from '../../src/conversation.js';
import { buildRequestContext, tenantOf } from '../../src/proxy/request-context.js';

const conversation: Conversation = {
  protocol: 'openai-chat',
  model: 'gpt-4o-mini',
  system: 'Be brief.',
  turns: [{ role: 'user', parts: [{ type: 'text', text: 'Translate this.' }] }],
  tools: [],
  stream: false,
};

test('tenant: the configured header when trusted, else a hash of the API key, never the key', () => {
  assert.equal(tenantOf({ 'x-clarion-tenant': 'team-a', authorization: 'Bearer sk-secret' }, 'x-clarion-tenant'), 'team-a');
  const untrusted = tenantOf({ 'x-clarion-tenant': 'team-a', authorization: 'Bearer sk-secret' }, null);
  assert.match(untrusted ?? '', /^key:[0-9a-f]{16}$/, 'without trustClientHeaders a client cannot name its tenant');
  assert.equal(tenantOf({ authorization: 'bearer sk-secret' }, null), untrusted, 'the scheme is case-insensitive');
  const hashed = tenantOf({ authorization: 'Bearer sk-secret-123' }, 'x-clarion-tenant');
  assert.match(hashed ?? '', /^key:[0-9a-f]{16}$/);
  assert.ok(!(hashed ?? '').includes('sk-secret'));
  assert.equal(tenantOf({ 'x-api-key': 'sk-secret-123' }, 'x-clarion-tenant'), hashed, 'same key, same tenant, whichever header');
  assert.equal(tenantOf({}, 'x-clarion-tenant'), null);
});

test('headers in the context never carry credentials', () => {
  const context = buildRequestContext({
    conversation,
    body: { metadata: { feature: 'chat', n: 1 } },
    headers: { authorization: 'Bearer sk-x', 'x-api-key': 'k', cookie: 'c=1', 'x-team': 'ops' },
    route: '/v1/chat/completions',
    tenantHeader: 'x-clarion-tenant',
  });
  assert.deepEqual(context.headers, { 'x-team': 'ops' });
  assert.deepEqual(context.metadata, { feature: 'chat' });
  assert.ok(!JSON.stringify(context).includes('sk-x'));
});

test('conversation id: the header when given, else derived and stable across later turns', () => {
  const given = buildRequestContext({
    conversation,
    body: {},
    headers: { 'x-clarion-conversation-id': 'conv-42' },
    route: '/v1/chat/completions',
    tenantHeader: 'x-clarion-tenant',
    trustClientHeaders: true,
  });
  assert.equal(given.conversationId, 'conv-42');
  const untrusted = buildRequestContext({
    conversation,
    body: {},
    headers: { 'x-clarion-conversation-id': 'conv-42' },
    route: '/v1/chat/completions',
    tenantHeader: 'x-clarion-tenant',
  });
  assert.match(untrusted.conversationId, /^[0-9a-f]{32}$/, 'the header is ignored unless trusted');
  const first = buildRequestContext({ conversation, body: {}, headers: {}, route: '/v1/chat/completions', tenantHeader: 'x-clarion-tenant' });
  const later: Conversation = {
    ...conversation,
    turns: [
      ...conversation.turns,
      { role: 'assistant', parts: [{ type: 'text', text: 'Which language?' }] },
      { role: 'user', parts: [{ type: 'text', text: 'French.' }] },
    ],
  };
  const second = buildRequestContext({ conversation: later, body: {}, headers: {}, route: '/v1/chat/completions', tenantHeader: 'x-clarion-tenant' });
  assert.match(first.conversationId, /^[0-9a-f]{32}$/);
  assert.equal(second.conversationId, first.conversationId);
  first.conversationId = 'overridden';
  assert.equal(first.conversationId, 'overridden');
});

test('derived conversation ids are scoped by tenant: the same opening from two tenants is two conversations', () => {
  const as = (key: string) =>
    buildRequestContext({
      conversation,
      body: {},
      headers: { authorization: `Bearer ${key}` },
      route: '/v1/chat/completions',
      tenantHeader: 'x-clarion-tenant',
    });
  assert.notEqual(as('sk-tenant-a').conversationId, as('sk-tenant-b').conversationId);
  assert.equal(as('sk-tenant-a').conversationId, as('sk-tenant-a').conversationId);
});
