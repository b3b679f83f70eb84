/**
 * The embedded store's files hold request excerpts and review items: readable by Clarion's user
 * only (0600 files, 0700 directories), whatever the process umask.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream } from '../../fixtures/fake-upstream.js';
import { startClarion } from '../../helpers/clarion.js';

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    out.push(path);
    if (entry.isDirectory()) walk(path, out);
  }
  return out;
}

test('event and review files are 0600, their directories 0700', async () => {
  const upstream = await startFakeUpstream();
  const clarion = await startClarion({
    upstream,
    policy: 'version: t\nnorms:\n  - name: all\n    when: {}\n    then: { action: defer, reply: "A person will look at this." }\n',
  });
  const previous = process.umask(0o022);
  try {
    const res = await fetch(`${clarion.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write to alice@example.com about my account.' }] }),
    });
    await res.text();
    await clarion.server.eventLog.flush();
    await new Promise((r) => setTimeout(r, 300));
    const paths = walk(join(clarion.dir, 'data'));
    assert.ok(
      paths.some((p) => p.endsWith('.jsonl')),
      `files written: ${paths.join(', ')}`,
    );
    for (const path of paths) {
      const stat = statSync(path);
      assert.equal(stat.mode & 0o077, 0, `${path} is ${(stat.mode & 0o777).toString(8)}`);
    }
  } finally {
    process.umask(previous);
    await clarion.close();
    await upstream.close();
  }
});
