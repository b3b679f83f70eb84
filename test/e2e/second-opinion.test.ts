/**
 * The second opinion, end to end: a fake upstream plays the judge model. Inline, its verdict moves
 * a grey-band score (and is cached by request hash); a judge that is slow, answers garbage,
 * refuses or fails leaves the local score to decide; calls are concurrency-capped and never
 * recursive. In the background, the request is decided on the local score and the event is
 * labelled with the verdict (source `second-opinion`) afterwards.
 */
import { bareEventId } from '../../src/events/capability.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { openEventStore } from '../../src/storage/index.js';
import { JUDGE_SYSTEM_PROMPT } from '../../src/judge/prompt.js';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

const POLICY = `
version: so-1
norms:
  - name: annotate-when-unsure
    when: { score: { min: 0.5 } }
    then: { action: annotate }
`;

const UNDERSPECIFIED = JSON.stringify({ underspecified: true, missing: ['destination city'], question: 'Which city are you flying to?' });
const CLEAR = JSON.stringify({ underspecified: false, missing: [], question: '' });

function judgeUpstream(judge: FakeUpstream): string {
  return ['- name: judge', '  api: openai', `  baseUrl: ${judge.openaiBaseUrl}`, '  auth: { header: authorization, value: "Bearer judge-key" }'].join('\n');
}

function secondOpinion(fields: string): string {
  return `detector:\n  secondOpinion: { upstream: judge, model: judge-small, band: [0, 1], ${fields} }\nevents:\n  record:\n    passSampleRate: 1`;
}

interface Outcome {
  action: string | null;
  score: number;
  eventId: string | null;
  ms: number;
}

async function ask(clarion: RunningClarion, text: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const started = Date.now();
  const res = await fetch(`${clarion.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] }),
  });
  assert.equal(res.status, 200);
  await res.text();
  return {
    action: res.headers.get('x-clarion-action'),
    score: Number(res.headers.get('x-clarion-score')),
    eventId: bareEventId(res.headers.get('x-clarion-event-id') ?? '') || null, // the header is ID.mac
    ms: Date.now() - started,
  };
}

async function metric(clarion: RunningClarion, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${clarion.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(labels) && !l.startsWith('#'));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The stored event, read through the event store of the test's data dir (waits for the writer). */
async function storedEvent(clarion: RunningClarion, eventId: string, ready: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | null> {
  const dataDir = join(clarion.dir, 'data');
  const configText = `upstreams:\n  - { name: x, api: openai, baseUrl: "http://127.0.0.1:1" }\nstorage:\n  dataDir: ${dataDir}\n`;
  const store = await openEventStore(parseConfig(configText, join(clarion.dir, 'x.yaml'), {}), dataDir);
  try {
    for (let i = 0; i < 100; i++) {
      const event = (await store.get(eventId)) as Record<string, unknown> | null;
      if (event !== null && ready(event)) return event;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  } finally {
    await store.close();
  }
}

describe('second opinion, inline', () => {
  let upstream: FakeUpstream;
  let judge: FakeUpstream;
  let clarion: RunningClarion;
  before(async () => {
    upstream = await startFakeUpstream();
    judge = await startFakeUpstream();
    clarion = await startClarion({
      upstream,
      policy: POLICY,
      moreUpstreams: judgeUpstream(judge),
      extraConfig: secondOpinion('mode: inline, timeoutMs: 5000, maxConcurrent: 1, cacheTtlS: 600'),
    });
  });
  after(async () => {
    await clarion.close();
    await Promise.all([upstream.close(), judge.close()]);
  });

  test('an "underspecified" verdict raises a clear-looking request to the band top: the policy acts on it; the same request again is answered from the cache', async () => {
    judge.setBehaviour({ replyText: UNDERSPECIFIED });
    const outcome = await ask(clarion, 'Book me a flight for next Friday morning, economy, one adult.');
    assert.equal(outcome.action, 'annotate');
    assert.equal(outcome.score, 1);
    assert.equal(judge.requests.length, 1);
    const call = judge.requests[0]!;
    assert.equal(call.path, '/v1/chat/completions');
    assert.equal(call.headers.authorization, 'Bearer judge-key');
    assert.equal(call.headers['x-clarion-second-opinion'], '1');
    const messages = call.json?.messages as Array<{ role: string; content: string }>;
    assert.equal(call.json?.model, 'judge-small');
    assert.equal(messages[0]?.content, JUDGE_SYSTEM_PROMPT);
    assert.match(messages[1]?.content ?? '', /USER: Book me a flight for next Friday morning/);
    assert.ok(outcome.eventId);
    const event = await storedEvent(clarion, outcome.eventId, () => true);
    assert.deepEqual({ ...(event?.secondOpinion as object), ms: 0 }, { outcome: 'verdict', underspecified: true, ms: 0 });
    assert.ok((event?.missingSlots as string[]).includes('destination city'));

    const again = await ask(clarion, 'Book me a flight for next Friday morning, economy, one adult.');
    assert.equal(again.action, 'annotate');
    assert.equal(judge.requests.length, 1, 'cached by request hash: the judge is not asked twice');
    assert.equal(await metric(clarion, 'clarion_second_opinion_total', 'outcome="cached"'), 1);
    assert.ok((await metric(clarion, 'clarion_second_opinion_tokens_total', 'direction="input"')) > 0);
  });

  test('a "clear" verdict lowers a vague request to the band bottom: passed', async () => {
    judge.setBehaviour({ replyText: CLEAR });
    const outcome = await ask(clarion, 'Do it again but shorter.');
    assert.equal(outcome.action, 'pass');
    assert.equal(outcome.score, 0);
  });

  for (const [name, behaviour, outcome] of [
    ['garbage (prose instead of the object)', { replyText: 'Sure! The request looks fine to me.' }, 'garbage'],
    ['garbage (the object without its fields)', { replyText: '{"underspecified": "maybe"}' }, 'garbage'],
    ['a refusal', { refuse: true }, 'refused'],
    ['an HTTP error', { status: 500 }, 'error'],
  ] as const) {
    test(`${name}: no verdict, the local score decides`, async () => {
      judge.reset();
      judge.setBehaviour(behaviour);
      const text = `Do it again but shorter, ${name}.`;
      const before = await metric(clarion, 'clarion_second_opinion_total', `outcome="${outcome}"`);
      const outcome1 = await ask(clarion, text);
      assert.equal(judge.requests.length, 1, 'the judge was asked');
      assert.ok(outcome1.score > 0 && outcome1.score < 1, `the local score stands (${outcome1.score})`);
      assert.equal(await metric(clarion, 'clarion_second_opinion_total', `outcome="${outcome}"`), before + 1);
      await ask(clarion, text);
      assert.equal(judge.requests.length, 2, 'failures are not cached');
      judge.reset();
    });
  }

  test('never recursive: a request marked as a judge call asks for no second opinion', async () => {
    judge.reset();
    judge.setBehaviour({ replyText: UNDERSPECIFIED });
    await ask(clarion, 'Summarise this in three bullet points please.', { 'x-clarion-second-opinion': '1' });
    assert.equal(judge.requests.length, 0);
  });

  test('concurrency cap: over maxConcurrent, the local score decides at once (busy)', async () => {
    judge.reset();
    judge.setBehaviour({ replyText: CLEAR, delayMs: 400 });
    const [slow, busy] = await Promise.all([
      ask(clarion, 'Write the intro again, but warmer.'),
      (async () => {
        await new Promise((r) => setTimeout(r, 100));
        return ask(clarion, 'Write the outro again, but colder.');
      })(),
    ]);
    assert.equal(slow.score, 0, 'the first got its verdict');
    assert.ok(busy.score > 0, 'the second was decided on its local score');
    assert.equal(await metric(clarion, 'clarion_second_opinion_total', 'outcome="busy"'), 1);
    judge.reset();
  });
});

describe('second opinion, failure modes with a short timeout', () => {
  test('a judge slower than timeoutMs: the request goes on with the local score after about timeoutMs', async () => {
    const upstream = await startFakeUpstream();
    const judge = await startFakeUpstream();
    const clarion = await startClarion({
      upstream,
      policy: POLICY,
      moreUpstreams: judgeUpstream(judge),
      extraConfig: secondOpinion('mode: inline, timeoutMs: 300'),
    });
    try {
      judge.setBehaviour({ replyText: UNDERSPECIFIED, delayMs: 5_000 });
      const outcome = await ask(clarion, 'Book me a flight for next Friday morning, economy, one adult.');
      assert.ok(outcome.score < 0.5, `local score ${outcome.score}`);
      assert.equal(outcome.action, 'pass');
      assert.ok(outcome.ms < 4_000, `answered after ${outcome.ms} ms, not after the judge`);
      assert.equal(await metric(clarion, 'clarion_second_opinion_total', 'outcome="timeout"'), 1);
    } finally {
      await clarion.close();
      await Promise.all([upstream.close(), judge.close()]);
    }
  });
});

describe('second opinion, background', () => {
  test('decided on the local score at once; the event is labelled with the verdict afterwards', async () => {
    const upstream = await startFakeUpstream();
    const judge = await startFakeUpstream();
    const clarion = await startClarion({
      upstream,
      policy: POLICY,
      moreUpstreams: judgeUpstream(judge),
      extraConfig: secondOpinion('mode: background, timeoutMs: 5000'),
    });
    try {
      judge.setBehaviour({ replyText: UNDERSPECIFIED, delayMs: 200 });
      const outcome = await ask(clarion, 'Book me a flight for next Friday morning, economy, one adult.');
      assert.ok(outcome.score < 0.5, 'the local score decided');
      assert.equal(outcome.action, 'pass');
      assert.ok(outcome.eventId);
      const event = await storedEvent(clarion, outcome.eventId, (e) => (e.labels as unknown[]).length > 0);
      const labels = (event?.labels ?? []) as Array<{ verdict: string; source: string; note: string | null }>;
      assert.equal(event?.secondOpinion, undefined, 'a background verdict is a label, not an event field');
      assert.equal(labels.length, 1);
      assert.equal(labels[0]?.source, 'second-opinion');
      assert.equal(labels[0]?.verdict, 'needed');
      assert.match(labels[0]?.note ?? '', /destination city/);
    } finally {
      await clarion.close();
      await Promise.all([upstream.close(), judge.close()]);
    }
  });
});
