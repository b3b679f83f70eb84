/**
 * The overview's disparity view on a seeded deployment where one tenant is over-asked: the same
 * figures as src/events/breakdown.ts (what `clarion events stats --by KEY --disparity` prints) for
 * tenant, model, language and route; the over-asked tenant flagged and listed first; a tenant with
 * too few labels not flagged however bad its rate; long tables cut to the largest groups.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdown, disparity } from '../../../src/events/breakdown.js';
import type { ClarionEvent } from '../../../src/events/schema.js';
import { createDisparity } from '../../../src/http/console/disparity.js';
import { buildOverview } from '../../../src/http/console/overview.js';
import { overAskedDeployment, storedEvent } from '../../events/sample-events.js';

async function* each(events: ClarionEvent[]): AsyncGenerator<ClarionEvent> {
  yield* events;
}

test('the overview flags the over-asked tenant with the breakdown module figures, per tenant, model, language and route', async () => {
  const events = overAskedDeployment();
  const since = Date.parse(events[0]?.time ?? '');
  const overview = await buildOverview(each(events), { since, until: since + 86_400_000, bucketMs: 3_600_000, cap: 1_000_000 });
  assert.deepEqual(
    overview.disparity.map((t) => t.key),
    ['tenant', 'model', 'language', 'route'],
  );
  const tenant = overview.disparity.find((t) => t.key === 'tenant');
  assert.ok(tenant);
  assert.equal(tenant.flagged, 1);
  assert.equal(tenant.rows[0]?.group, 'legal');
  assert.equal(tenant.rows[0]?.status, 'flagged');
  assert.ok((tenant.rows[0]?.ratio ?? 0) >= 1.5);
  assert.equal(tenant.rows.find((r) => r.group === 'tiny')?.status, 'too-few-labels');
  assert.equal(tenant.rows.find((r) => r.group === 'acme')?.status, 'within');

  // Exactly the figures of the breakdown module (and so of `clarion events stats --by`).
  for (const table of overview.disparity) {
    const expected = breakdown(events, table.key);
    const judged = disparity(expected);
    assert.deepEqual(table.overall, expected.overall, table.key);
    assert.equal(table.rows.length, expected.groups.length, table.key);
    for (const row of table.rows) {
      const { ratio, status, ...figures } = row;
      assert.deepEqual(
        figures,
        expected.groups.find((g) => g.group === row.group),
        `${table.key} ${row.group}`,
      );
      const verdict = judged.groups.find((g) => g.group === row.group);
      assert.equal(status, verdict?.status);
      assert.equal(ratio, verdict?.ratio);
    }
  }
  const language = overview.disparity.find((t) => t.key === 'language');
  assert.ok(
    ['en', 'fr'].every((l) => language?.rows.some((r) => r.group === l)),
    JSON.stringify(language?.rows.map((r) => r.group)),
  );
  assert.deepEqual(
    overview.disparity.find((t) => t.key === 'route')?.rows.map((r) => r.group),
    ['openai-chat /v1/chat/completions'],
  );
});

test('a long table keeps every flagged group and the largest others, and says how many it left out', () => {
  const acc = createDisparity();
  const events = overAskedDeployment();
  for (const event of events) acc.add(event);
  // 40 one-event tenants: more groups than a table lists.
  for (let i = 0; i < 40; i++) acc.add(storedEvent({ id: `01JX${String(i).padStart(22, '0')}`, tenant: `small-${String(i).padStart(2, '0')}`, labels: [] }));
  const tenant = acc.result().find((t) => t.key === 'tenant');
  assert.ok(tenant);
  assert.equal(tenant.rows.length, 25);
  assert.equal(tenant.more, 44 - 25);
  assert.equal(tenant.rows[0]?.group, 'legal');
  assert.deepEqual(
    tenant.rows.slice(1, 4).map((r) => r.group),
    ['acme', 'globex', 'tiny'],
  );
});
