/**
 * The event log seen from the proxy: a decided request becomes an event whose id is in the
 * response header, secrets in the request never reach storage, and app feedback labels it.
 */
import { bareEventId } from '../../src/events/capability.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion } from '../helpers/clarion.js';

const SECRET_KEY = 'sk-proj-Abc123Def456Ghi789Jkl012Mno345Pqr678';
const EMAIL = 'jane.doe@example.com';

function storedText(dir: string): string {
  let out = '';
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else out += readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

test('an event per decision, redacted, labelled through the feedback endpoint', async () => {
  const upstream = await startFakeUpstream();
  const clarion = await startClarion({
    upstream,
    policy: 'version: ev-1\nnorms:\n  - name: annotate-all\n    when: { score: { min: 0 } }\n    then: { action: annotate }\n',
  });
  const dataDir = join(clarion.dir, 'data');
  try {
    const res = await fetch(`${clarion.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-credential-should-never-be-stored' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `Email ${EMAIL} the report and use key ${SECRET_KEY} for the upload.` }],
      }),
    });
    assert.equal(res.status, 200);
    await res.text();
    const eventId = res.headers.get('x-clarion-event-id');
    assert.ok(eventId, 'the response names its event');

    const feedback = await fetch(`${clarion.url}/v1/clarion/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId, verdict: 'unneeded', note: 'the user knew what they wanted' }),
    });
    assert.equal(feedback.status, 200, await feedback.clone().text());
    const bad = await fetch(`${clarion.url}/v1/clarion/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventId, verdict: 'meh' }),
    });
    assert.equal(bad.status, 400);

    await clarion.server.close(1_000);
    const stored = storedText(dataDir);
    assert.ok(stored.includes(bareEventId(eventId)), 'the event is stored under the header id');
    assert.ok(!stored.includes(eventId), 'the capability part of the header never reaches storage');
    assert.ok(stored.includes('unneeded'), 'the label is stored');
    assert.ok(!stored.includes(SECRET_KEY), 'API keys are redacted');
    assert.ok(!stored.includes(EMAIL), 'e-mail addresses are redacted');
    assert.ok(!stored.includes('sk-client-credential'), 'the Authorization header never reaches storage');
  } finally {
    await clarion.close().catch(() => {});
    await upstream.close();
  }
});
