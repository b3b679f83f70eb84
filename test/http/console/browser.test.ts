/**
 * The console in a real browser (Debian's chromium driven by playwright-core), on a real Clarion
 * server with a week of seeded events: an analyst signs in, sees the events on the overview,
 * filters the list, opens an event and sees its evidence highlighted, labels it (and the label is
 * in the store), resolves a review, replays a candidate policy that turns the unneeded questions
 * into annotations, and tries a request. Screenshots of each page go to test-results/console/
 * (and to docs/img/ with UPDATE_CONSOLE_SCREENSHOTS=1).
 *
 * Skips, saying so, only when /usr/bin/chromium is absent; .ci/run installs it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EventsConfigSchema } from '../../../src/events/config.js';
import { FileEventStore } from '../../../src/storage/file/events.js';
import { startFakeUpstream, type FakeUpstream } from '../../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../../helpers/clarion.js';
import { CANDIDATE_POLICY, CURRENT_POLICY, seedEvents, type Seeded } from './seed.js';

/** The page's DOM as the callbacks run in the browser see it (the test's own tsconfig has no DOM lib). */
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  cookie: string;
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SHOTS = join(ROOT, 'test-results', 'console');
const DOC_SHOTS = join(ROOT, 'docs', 'img');
const TOKEN = 'console-browser-test-token';
const skip = existsSync(CHROMIUM) ? false : `chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run does this)`;

let upstream: FakeUpstream;
let clarion: RunningClarion;
let browser: Browser;
let page: Page;
let seeded: Seeded;

async function shot(name: string, target: Page = page): Promise<void> {
  const file = join(SHOTS, `${name}.png`);
  await target.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_CONSOLE_SCREENSHOTS === '1') copyFileSync(file, join(DOC_SHOTS, `console-${name}.png`));
}

before(async () => {
  if (skip !== false) return;
  // The bundle the server serves, built from the current sources (as `npm run build` does).
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-console.mjs')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  mkdirSync(SHOTS, { recursive: true });
  upstream = await startFakeUpstream();
  clarion = await startClarion({ upstream, policy: CURRENT_POLICY, serverConfig: `adminToken: ${TOKEN}\ntrustClientHeaders: true` }); // seeds a tenant through the header
  seeded = await seedEvents(new FileEventStore(join(clarion.dir, 'data'), EventsConfigSchema.parse({})), { days: 6 });
  // One deferral through the proxy itself: a review item linked to its event.
  const deferred = await fetch(`${clarion.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-clarion-tenant': 'acme-legal' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarize the attached contract' }] }),
  });
  assert.equal(deferred.headers.get('x-clarion-action'), 'defer');
  await deferred.text();
  await clarion.server.eventLog.flush();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await clarion?.close();
  await upstream?.close();
});

test('sign in with the token, then the overview shows the seeded events with a policy-version marker', { skip }, async () => {
  await page.goto(`${clarion.url}/console/`);
  assert.match(page.url(), /\/console\/signin$/);
  await page.keyboard.press('Tab');
  await page.fill('#token', 'wrong');
  await page.click('button[type=submit]');
  await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
  await page.fill('#token', TOKEN);
  await page.fill('#name', 'Ana');
  await page.click('button[type=submit]');
  await page.waitForURL(/\/console\/$/);
  assert.ok(!page.url().includes(TOKEN));
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'clarion_console');
  assert.ok(session?.httpOnly && session.sameSite === 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is out of reach of script');

  const total = seeded.events.length + 1;
  await page
    .locator('.figure-value')
    .first()
    .filter({ hasText: String(total) })
    .waitFor();
  await page.locator('.chart canvas').first().waitFor();
  const versions = await page.locator('.figure').filter({ hasText: 'policy versions' }).textContent();
  assert.match(versions ?? '', /^2policy versionsv1-strict → v2-current$/);
  await page.getByRole('heading', { name: 'Labels by norm' }).waitFor();
  await shot('overview');
  const dark = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  await dark.context().addCookies(cookies);
  await dark.goto(`${clarion.url}/console/`);
  await dark.locator('.chart canvas').first().waitFor();
  await shot('overview-dark', dark);
  await dark.close();
});

test('the event list filters like the CLI and pages back through older events', { skip }, async () => {
  await page.getByRole('link', { name: 'Events', exact: true }).click();
  await page.locator('table.events tbody tr').first().waitFor();
  await page.selectOption('select[name=action]', 'clarify');
  await page.selectOption('select[name=signal]', 'polysemy');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/action=clarify/);
  await page.waitForFunction(() => [...document.querySelectorAll('table.events tbody tr')].every((tr) => tr.textContent?.includes('polysemy')));
  const rows = page.locator('table.events tbody tr');
  const expected = seeded.events.filter((e) => e.action === 'clarify' && e.signals.some((s) => s.id === 'polysemy')).length;
  assert.ok(expected > 0);
  assert.equal(await rows.count(), Math.min(expected, 50));
  for (const badge of await page.locator('table.events .badge').allTextContents()) assert.match(badge, /^clarify/);
  await shot('events');

  // Paging: everything, 50 at a time, no event twice.
  await page.goto(`${clarion.url}/console/events?since=30d`);
  const seen = new Set<string>();
  for (;;) {
    await page.locator('table.events tbody tr').first().waitFor();
    for (const label of await page.locator('table.events tbody tr td:first-child a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))) {
      assert.ok(!seen.has(label), `${label} shown twice`);
      seen.add(label);
    }
    const older = page.getByRole('button', { name: 'Older' });
    if ((await older.count()) === 0) break;
    const first = await page.locator('table.events tbody tr td:first-child a').first().getAttribute('href');
    await older.click();
    await page.waitForFunction((href) => document.querySelector('table.events tbody tr td:first-child a')?.getAttribute('href') !== href, first);
  }
  assert.equal(seen.size, seeded.events.length + 1);
});

test('an event shows its evidence highlighted; labelling it stores the label through the feedback path', { skip }, async () => {
  const target = seeded.events.find(
    (e) => e.action === 'clarify' && e.signals.some((s) => s.id === 'polysemy') && !seeded.unneeded.includes(e.id) && e.labels.length === 0,
  );
  assert.ok(target);
  await page.goto(`${clarion.url}/console/events?since=30d&action=clarify&signal=polysemy`);
  await page.locator(`a[href="/console/events/${target.id}"]`).click();
  await page.waitForURL(new RegExp(`/console/events/${target.id}$`));
  const mark = page.locator('mark[data-signal=polysemy]').first();
  await mark.waitFor();
  const marked = (await mark.textContent())?.toLowerCase() ?? '';
  assert.ok(['python', 'mercury'].includes(marked), `highlighted "${marked}"`);
  assert.ok(target.request.text?.toLowerCase().includes(marked));
  await page.getByRole('button', { name: 'unneeded' }).click();
  await page.getByText('Labelled unneeded.').waitFor();
  await page.getByText('from analyst').waitFor();
  await shot('event');

  const store = new FileEventStore(join(clarion.dir, 'data'), EventsConfigSchema.parse({}));
  const stored = await store.get(target.id);
  assert.deepEqual(
    stored?.labels.map((l) => [l.verdict, l.source]),
    [['unneeded', 'analyst']],
  );
});

test('a deferred request waits in Reviews; resolving it with a verdict labels its event and shows who resolved it', { skip }, async () => {
  await page.getByRole('link', { name: 'Reviews' }).click();
  const item = page.locator('li.review').filter({ hasText: 'Summarize the attached contract' });
  await item.waitFor();
  const eventHref = await item.getByRole('link', { name: 'event' }).getAttribute('href');
  await item.locator('input[name=note]').fill('Legal asked for the contract first');
  await item.locator('select[name=verdict]').selectOption('needed');
  await item.getByRole('button', { name: 'Resolve' }).click();
  await page.getByText('Nothing waits for review.').waitFor();
  await page.getByRole('link', { name: 'resolved' }).click();
  await page.getByText('Resolved by').waitFor();
  assert.match((await page.locator('li.review').first().textContent()) ?? '', /Resolved by Ana.*Legal asked for the contract first/s);
  await shot('reviews');
  const store = new FileEventStore(join(clarion.dir, 'data'), EventsConfigSchema.parse({}));
  const id = (eventHref ?? '').split('/').at(-1) ?? '';
  assert.deepEqual(
    (await store.get(id))?.labels.map((l) => [l.verdict, l.source]),
    [['needed', 'reviewer']],
  );
});

test('what-if: a candidate that annotates instead of asking about ambiguous words validates, and replay shows precision rising', { skip }, async () => {
  await page.getByRole('link', { name: 'Policy' }).click();
  await page.getByRole('heading', { name: /In force: v2-current/ }).waitFor();
  await page.locator('.rule-when', { hasText: 'Unclear requests from the legal tenant go to a person.' }).waitFor();
  await page.fill('#candidate', 'version: broken\nnorms: [ {name: x} ]');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByText('The candidate is not valid').waitFor();
  await page.fill('#candidate', CANDIDATE_POLICY);
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByText('Valid: version v3-candidate.').waitFor();
  await page.getByRole('button', { name: 'Replay' }).click();
  await page.locator('.whatif-result').waitFor();
  assert.match((await page.locator('.whatif-result').textContent()) ?? '', /clarify\/instruct → annotate/);
  const before = Number.parseFloat((await page.getByTestId('precision-before').textContent()) ?? '');
  const after = Number.parseFloat((await page.getByTestId('precision-after').textContent()) ?? '');
  assert.ok(after > before, `precision ${before}% -> ${after}%`);
  await shot('policy');
});

test('try it: a request is assessed and decided, and the console shows what would go upstream without calling it', { skip }, async () => {
  const calls = upstream.requests.length;
  await page.getByRole('link', { name: 'Try it' }).click();
  await page.fill('#try-input', 'Tell me about Python');
  await page.getByRole('button', { name: 'Assess' }).click();
  await page.getByTestId('try-outcome').waitFor();
  const decision = (await page.locator('#decision-h').locator('..').textContent()) ?? '';
  assert.match(decision, /clarify.*clarify-ambiguous-words/s);
  assert.match(decision, /Would send to\s*openai/);
  assert.match((await page.getByTestId('try-outcome').textContent()) ?? '', /"messages"/);
  assert.equal(upstream.requests.length, calls, 'the upstream was not called');
  await shot('try');

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'light', isMobile: true });
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(`${clarion.url}/console/events?since=30d`);
  await phone.locator('table.events tbody tr').first().waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page does not scroll sideways on a phone (${overflow}px)`);
  await shot('events-phone', phone);
  await phone.close();
});

test('policy history: after the candidate is put in force, the page lists both versions and shows the diff between them', { skip }, async () => {
  writeFileSync(clarion.policyFile, CANDIDATE_POLICY);
  assert.equal((await clarion.server.reload()).policy, true);
  await page.getByRole('link', { name: 'Policy' }).click();
  await page.reload();
  await page.getByRole('heading', { name: /In force: v3-candidate/ }).waitFor();
  const rows = page.locator('table.history-table tbody tr');
  await rows.nth(1).waitFor();
  assert.deepEqual(
    (await rows.locator('td:nth-child(3) code').allTextContents()).map((t) => t.trim()),
    ['v3-candidate', 'v2-current'],
  );
  assert.match((await rows.first().textContent()) ?? '', /in force/);
  const diff = page.getByTestId('policy-diff');
  await diff.waitFor();
  const added = (await diff.locator('.diff-add').allTextContents()).map((t) => t.replace(/\n$/, ''));
  for (const line of ['+version: "v3-candidate"', '+  - name: annotate-ambiguous-words', '+    then: { action: annotate }']) {
    assert.ok(added.includes(line), `${line} among the added lines: ${JSON.stringify(added)}`);
  }
  assert.ok((await diff.locator('.diff-del').allTextContents()).some((t) => t.includes('name: clarify-ambiguous-words')));
  await shot('policy-history');
  // Swap the ends: the diff reads the other way round.
  await page.getByRole('radio', { name: 'compare from v3-candidate' }).check();
  await page.getByRole('radio', { name: 'compare to v2-current' }).check();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=policy-diff] .diff-add')].some((s) => s.textContent?.includes('v2-current') === true),
  );
});
