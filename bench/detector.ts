/**
 * Detector benchmark: median and p99 time of assess() on representative inputs, from a 60-byte
 * request to a 200 KB conversation with attachments and tools. `tsx bench/detector.ts` prints
 * the table; `npm run bench` imports benchDetector(), which prints the same table and returns the rows.
 */
import { fileURLToPath } from 'node:url';
import type { Conversation } from '../src/conversation.js';
import { createDetector } from '../src/detect/index.js';

interface Case {
  name: string;
  conversation: Conversation;
  /**
   * Bytes of an unrelated buffer written between calls (not timed): under proxy load the proxy,
   * the upstream and the load generator share the cores and evict each other's caches, so a call
   * mostly starts with cold caches. 4 MB is about an L2/L3 share, 32 MB flushes everything.
   */
  flushBytes?: number;
}

const TYPICAL =
  'Summarize the following release note in two sentences for a customer newsletter.\n\nVersion 4.2 adds offline mode to the mobile app: notes, checklists and attachments are now available without a connection and sync automatically when the device is back online. Conflicts are resolved per field, and the web editor shows who changed what. Exports to PDF now keep the original formatting.';

function conversation(turns: Conversation['turns'], extra: Partial<Conversation> = {}): Conversation {
  return { protocol: 'openai-chat', model: 'bench', system: '', turns, tools: [], stream: false, ...extra };
}

function text(t: string) {
  return { type: 'text' as const, text: t };
}

function repeatTo(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

const PROSE = 'The committee reviewed the budget for the new library wing, noting that construction costs rose 6% while donations covered most of the gap. ';

function cases(): Case[] {
  const longTurns: Conversation['turns'] = [];
  for (let n = 0; n < 200_000; n += 8_000) {
    longTurns.push({ role: 'user', parts: [text(repeatTo(PROSE, 4_000))] });
    longTurns.push({ role: 'assistant', parts: [text(repeatTo(PROSE, 4_000))] });
  }
  longTurns.push({ role: 'user', parts: [text('Given all of the above, what should we cut first, and why?')] });
  const weather = {
    name: 'get_weather',
    description: 'Get the current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  };
  const typical = conversation([{ role: 'user', parts: [text(TYPICAL)] }], { system: 'You are a helpful assistant for a note-taking product.' });
  return [
    { name: 'typical request (391 B + system), hot', conversation: typical },
    { name: 'typical request, 4 MB cache flush between calls', conversation: typical, flushBytes: 4 << 20 },
    { name: 'typical request, 32 MB cache flush between calls', conversation: typical, flushBytes: 32 << 20 },
    { name: 'short request (60 B)', conversation: conversation([{ role: 'user', parts: [text('Translate this sentence: "Where is the train station?"')] }]) },
    {
      name: 'single turn, 2 KB',
      conversation: conversation([
        { role: 'user', parts: [text(`Please review the following paragraph and make it more concise, keeping the key facts:\n${repeatTo(PROSE, 1_900)}`)] },
      ]),
    },
    {
      name: 'chat with tools, 3 turns',
      conversation: conversation(
        [
          { role: 'user', parts: [text('Hi! I am planning a trip next week.')] },
          { role: 'assistant', parts: [text('Great — where are you going?')] },
          { role: 'user', parts: [text("What's the weather like there?")] },
        ],
        { system: 'You are a travel assistant.', tools: [weather] },
      ),
    },
    {
      name: 'pasted document, 50 KB',
      conversation: conversation([{ role: 'user', parts: [text(`Summarize this report in five bullet points:\n${repeatTo(PROSE, 50_000)}`)] }]),
    },
    {
      name: 'conversation, 200 KB (50 turns)',
      conversation: conversation(longTurns, { system: repeatTo('You are a careful analyst. ', 2_000), tools: [weather] }),
    },
  ];
}

function bytesOf(c: Conversation): number {
  let n = Buffer.byteLength(c.system);
  for (const t of c.turns) for (const p of t.parts) if (p.type === 'text') n += Buffer.byteLength(p.text);
  return n;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export async function benchDetector(): Promise<{ rows: Array<{ name: string; medianMicros: number; p99Micros: number; bytes: number }> }> {
  const detector = createDetector();
  const rows: Array<{ name: string; medianMicros: number; p99Micros: number; bytes: number }> = [];
  for (const c of cases()) {
    const bytes = bytesOf(c.conversation);
    const flush = c.flushBytes === undefined ? undefined : new Float64Array(c.flushBytes / 8);
    const iterations = flush !== undefined ? Math.max(300, Math.round(8e9 / (flush.length * 8))) : bytes > 20_000 ? 2_000 : 20_000;
    for (let i = 0; i < Math.min(iterations, 2_000); i++) detector.assess(c.conversation); // warm-up
    const times = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      if (flush !== undefined) for (let j = 0; j < flush.length; j += 8) flush[j]! += 1; // one write per 64-byte line
      const t0 = process.hrtime.bigint();
      detector.assess(c.conversation);
      times[i] = Number(process.hrtime.bigint() - t0) / 1_000;
    }
    const sorted = Array.from(times).sort((a, b) => a - b);
    rows.push({ name: c.name, medianMicros: Math.round(percentile(sorted, 0.5) * 10) / 10, p99Micros: Math.round(percentile(sorted, 0.99) * 10) / 10, bytes });
    await new Promise((resolve) => setImmediate(resolve));
  }
  printTable(rows);
  return { rows };
}

function printTable(rows: Array<{ name: string; medianMicros: number; p99Micros: number; bytes: number }>): void {
  const lines = ['| input | bytes | median µs | p99 µs |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.bytes} | ${r.medianMicros} | ${r.p99Micros} |`);
  process.stdout.write(`detector assess() on Node ${process.version}\n\n${lines.join('\n')}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchDetector().then(
    () => undefined,
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
