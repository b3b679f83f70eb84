/**
 * Redaction before anything is stored: known secrets go in through every text field an event has
 * (request text, evidence, question, reason, label note, even request headers), and the raw
 * storage — Redis keys, file-store segments, labels file, spool — is searched for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createEventLog } from '../../src/events/log.js';
import type { ClarionEvent } from '../../src/events/schema.js';
import { openEventStore } from '../../src/storage/index.js';
import { freePort } from '../helpers/redis-server.js';
import { deleteKeys, eventInput, silentLogger, testConfig, uniquePrefix } from './fixtures.js';
import { KNOWN_SECRETS } from './secrets.js';

const SECRETS = KNOWN_SECRETS.map(([s]) => s);
const AUTH_HEADER = 'Bearer sk-proj-HeaderSecret0123456789abcdefXYZ';
const API_KEY_HEADER = 'sk-ant-api03-HeaderKey0123456789abcdefghijXYZ';

function leaks(haystack: string): string[] {
  return [...SECRETS, AUTH_HEADER, API_KEY_HEADER, 'HeaderSecret0123456789', 'HeaderKey0123456789'].filter((s) => haystack.includes(s));
}

function readTree(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out += statSync(path).isDirectory() ? readTree(path) : readFileSync(path, 'utf8');
  }
  return out;
}

async function dumpRedis(client: Redis, prefix: string): Promise<string> {
  let out = '';
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      if (type === 'stream') out += JSON.stringify(await client.xrange(key, '-', '+'));
      else if (type === 'hash') out += JSON.stringify(await client.hgetall(key));
      else if (type === 'set') out += JSON.stringify(await client.smembers(key));
      else if (type === 'list') out += JSON.stringify(await client.lrange(key, 0, -1));
      else out += JSON.stringify(await client.get(key));
    }
  } while (cursor !== '0');
  return out;
}

function secretInput(id: string) {
  const all = SECRETS.join(' and ');
  return eventInput({
    id,
    text: `Please email ${all} with the report`,
    assessment: { signals: [{ id: 'missing_slot', category: 'aleatoric', weight: 1, evidence: `send to ${SECRETS[0]} ${SECRETS[9]}` }] },
    decision: { action: 'clarify', mode: 'instruct', instruction: `Ask whether ${SECRETS[2]} is right`, reply: null, reason: `matched ${SECRETS[12]}` },
    context: { headers: { authorization: AUTH_HEADER, 'x-api-key': API_KEY_HEADER } },
  });
}

for (const mode of ['none', 'excerpt', 'full'] as const) {
  for (const kind of ['file', 'redis', 'spool'] as const) {
    test(`no secret reaches the ${kind} store in redaction mode ${mode}`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), `clarion-privacy-${kind}-`));
      const prefix = uniquePrefix(`privacy-${mode}`);
      const url = kind === 'redis' ? 'redis://127.0.0.1:6379' : kind === 'spool' ? `redis://127.0.0.1:${await freePort()}` : undefined;
      const config = testConfig({
        prefix,
        commandTimeoutMs: 200,
        events: { redaction: { mode, excerptChars: 4_000 } },
        ...(url === undefined ? {} : { redisUrl: url }),
      });
      const log = await createEventLog({ config, dataDir, instanceId: 'privacy', registry: new Registry(), logger: silentLogger });
      const ids = [log.newId(), log.newId()];
      for (const id of ids) log.record(secretInput(id));
      const admin = new Redis({ lazyConnect: true });
      try {
        if (kind === 'redis') for (let i = 0; i < 100 && log.health().redis !== 'up'; i++) await new Promise((r) => setTimeout(r, 20));
        await log.flush();
        if (kind === 'redis') for (let i = 0; i < 100 && log.health().spooled > 0; i++) await new Promise((r) => setTimeout(r, 20));
        if (kind !== 'spool') assert.equal(await log.label(ids[0] ?? '', 'unneeded', `reach me: ${SECRETS[0]} / ${SECRETS[10]}`), true);
        await log.close();

        let stored = readTree(dataDir);
        if (kind === 'redis') {
          await admin.connect();
          stored += await dumpRedis(admin, prefix);
        }
        assert.ok(stored.length > 500, 'something was stored');
        assert.deepEqual(leaks(stored), []);
        assert.ok(!stored.includes('authorization') && !stored.includes('x-api-key'), 'headers are not stored');
        if (kind !== 'spool') {
          const store = await openEventStore(config, dataDir);
          const event = (await store.get(ids[0] ?? '')) as ClarionEvent;
          await store.close();
          assert.equal(event.request.mode, mode);
          assert.match(event.request.sha256, /^[0-9a-f]{64}$/);
          if (mode === 'none') assert.equal(event.request.text, null);
          else assert.match(event.request.text ?? '', /^Please email \[REDACTED:email\] and /);
          assert.match(event.signals[0]?.evidence ?? '', /^send to \[REDACTED:email\] \[REDACTED:secret\]$/);
          assert.equal(event.question, 'Ask whether [REDACTED:phone] is right');
          assert.equal(event.labels[0]?.note, 'reach me: [REDACTED:email] / [REDACTED:secret]');
        }
      } finally {
        if (kind === 'redis') await deleteKeys(admin, prefix);
        admin.disconnect();
      }
    });
  }
}

test('excerpt mode truncates the redacted text to excerptChars', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clarion-excerpt-'));
  const config = testConfig({ events: { redaction: { mode: 'excerpt', excerptChars: 20 } } });
  const log = await createEventLog({ config, dataDir, instanceId: 'x', registry: new Registry(), logger: silentLogger });
  const id = log.newId();
  log.record(eventInput({ id, text: `mail ${SECRETS[0]} now, then translate the whole paragraph below` }));
  await log.close();
  const store = await openEventStore(config, dataDir);
  const event = await store.get(id);
  assert.equal(event?.request.text, 'mail [REDACTED:email');
  assert.equal(event?.request.truncated, true);
  assert.equal(event?.request.chars, `mail ${SECRETS[0]} now, then translate the whole paragraph below`.length);
});
