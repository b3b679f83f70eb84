/** `clarion score`, spawned as a real process (node --import tsx src/cli.ts score ...). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clarion, jsonLines } from '../helpers/cli.js';

const cwd = new URL('../..', import.meta.url).pathname;

function score(args: string[], input?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'score', ...args], { cwd, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe('clarion score', () => {
  test('text: human-readable score, categories, evidence and question', () => {
    const r = score(['Translate this sentence: "Where is the train station?"']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^score \d\.\d{3} \(underspecified at threshold/);
    assert.match(r.stdout, /categories: .*aleatoric/);
    assert.match(r.stdout, /missing_slot \[aleatoric\] slot=target_language: .*names no target language/);
    assert.match(r.stdout, /suggested question: Which language should I translate it into\?/);
  });
  test('text --json and --threshold', () => {
    const r = score(['Tell me about mercury.', '--json', '--threshold', '0.99']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\n').length, 2, '--json: one object on one line');
    const out = JSON.parse(r.stdout) as { score: number; flagged: boolean; signals: Array<{ id: string }> };
    assert.equal(out.flagged, false);
    assert.ok(out.signals.some((s) => s.id === 'polysemy'));
  });
  test('--request: a full OpenAI chat body with earlier turns and tools', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clarion-score-'));
    try {
      const file = join(dir, 'req.json');
      writeFileSync(
        file,
        JSON.stringify({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'You are a weather assistant.' },
            { role: 'user', content: [{ type: 'text', text: "What's the weather like?" }] },
          ],
          tools: [
            {
              type: 'function',
              function: {
                name: 'get_weather',
                description: 'Get the weather for a city',
                parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
              },
            },
          ],
        }),
      );
      const r = score(['--request', file, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { missingSlots: string[]; suggestedQuestion: string };
      assert.deepEqual(out.missingSlots, ['tool:get_weather.city']);
      assert.equal(out.suggestedQuestion, 'What city should I use?');
      const bad = score(['--request', join(dir, 'missing.json')]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /cannot read request/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('--jsonl: one line out per line in, same order, errors inline', () => {
    const lines = [
      JSON.stringify({ id: 'a', text: 'Summarize this.' }),
      'not json',
      JSON.stringify({ id: 'c', request: { model: 'x', messages: [{ role: 'user', content: 'Who wrote Hamlet?' }] } }),
      JSON.stringify({ id: 'd' }),
      JSON.stringify({ id: 7, request: { messages: 'nope' } }),
      JSON.stringify({ id: 'f', text: 'Book a table for dinner.' }),
    ];
    const r = score(['--jsonl'], `${lines.join('\n')}\n`);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(out.length, 6);
    assert.deepEqual(
      out.map((o) => o.id),
      ['a', null, 'c', 'd', 7, 'f'],
    );
    for (const i of [0, 2, 5]) {
      const o = out[i] ?? {};
      for (const k of ['score', 'categories', 'signals', 'missingSlots', 'suggestedQuestion']) assert.ok(k in o, `line ${i} lacks ${k}`);
    }
    for (const i of [1, 3, 4]) assert.equal(typeof out[i]?.error, 'string');
    assert.ok((out[0]?.score as number) > (out[2]?.score as number));
  });
  test('--jsonl streams: an answer arrives before the input ends', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'score', '--jsonl'], { cwd, stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.write(`${JSON.stringify({ id: 'first', text: 'Fix it.' })}\n`);
    const first = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error('no streamed output within 10 s')), 10_000);
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\n')) {
          clearTimeout(timer);
          resolve(buf);
        }
      });
    });
    assert.equal((JSON.parse(first.split('\n')[0] ?? '') as { id: string }).id, 'first');
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
  });
  test('--jsonl: 10k lines, every one answered in order, in well under a few seconds of CPU', async () => {
    const texts = ['Summarize this.', 'Who wrote Hamlet?', 'Book a table for dinner.', 'Tell me about mercury.', 'Write a haiku about rain.'];
    const input = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ id: i, text: `${texts[i % texts.length]} (${i})` })).join('\n');
    // CPU time in process, not wall time around a child: the machine is shared, its clock is not ours.
    await clarion(['score', '--jsonl'], { input: `${JSON.stringify({ id: 0, text: 'warm up' })}\n` });
    const before = process.cpuUsage();
    const r = await clarion(['score', '--jsonl'], { input });
    const used = process.cpuUsage(before);
    const ms = (used.user + used.system) / 1_000;
    assert.equal(r.code, 0, r.stderr);
    const out = jsonLines(r.stdout);
    assert.equal(out.length, 10_000);
    assert.ok(out.every((o, i) => o.id === i && typeof o.score === 'number'));
    assert.ok(ms < 5_000, `took ${ms} ms of CPU`);
  });
  test('--request - and --jsonl read stdin', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Translate this sentence: "Where is the station?"' }] });
    const one = await clarion(['score', '--request', '-', '--json'], { input: body });
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual((jsonLines(one.stdout)[0] as { missingSlots: string[] }).missingSlots, ['target_language']);
    const many = await clarion(['score', '--jsonl'], { input: '{"id":1,"text":"Fix it."}\n\n{"id":2,"text":"Who wrote Hamlet?"}\n' });
    assert.equal(many.code, 0, many.stderr);
    assert.deepEqual(
      jsonLines(many.stdout).map((o) => o.id),
      [1, 2],
    );
    const notJson = await clarion(['score', '--request', '-'], { input: 'nope' });
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /^clarion score: cannot read request -: /);
  });
  test('usage errors exit 2', () => {
    assert.equal(score([]).status, 2);
    assert.equal(score(['--bogus']).status, 2);
  });
});
