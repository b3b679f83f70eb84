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
  const two = benchTwoKb();
  process.stdout.write(
    `\napp request of ${two.bytes} B (system, 4 earlier turns, one tool), CPU time per call, median of interleaved batches: detector ${two.detectorMicros} µs, baseline (JSON round trip of the same conversation) ${two.baselineMicros} µs, ratio ${two.ratio}\n`,
  );
  return { rows };
}

/**
 * A realistic ~2 KB app request (system prompt, a short history, one tool, the question), timed
 * in the same conditions as a baseline: batches of the detector and batches of the baseline
 * (JSON round trip of the same conversation, which the proxy does for every request anyway)
 * alternate, each batch timed by CPU time (process.cpuUsage) rather than wall time, so load from
 * other processes inflates both alike. Reports the medians per call and their ratio.
 */
export function benchTwoKb(batches = 400, perBatch = 50): { bytes: number; detectorMicros: number; baselineMicros: number; ratio: number } {
  const detector = createDetector();
  const c = appRequest2k();
  const bytes = bytesOf(c);
  const baseline = (): number => (JSON.parse(JSON.stringify(c)) as Conversation).turns.length;
  let sink = 0;
  for (let i = 0; i < 2_000; i++) sink += detector.assess(c).score + baseline(); // warm-up
  const cpu = (f: () => void): number => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < perBatch; i++) f();
    const d = process.cpuUsage(t0);
    return (d.user + d.system) / perBatch;
  };
  const det: number[] = [];
  const base: number[] = [];
  for (let b = 0; b < batches; b++) {
    det.push(
      cpu(() => {
        sink += detector.assess(c).score;
      }),
    );
    base.push(
      cpu(() => {
        sink += baseline();
      }),
    );
  }
  if (sink === -1) process.stdout.write(''); // keeps the work observable
  const median = (xs: number[]): number =>
    percentile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  const d = Math.round(median(det) * 10) / 10;
  const bl = Math.round(median(base) * 10) / 10;
  return { bytes, detectorMicros: d, baselineMicros: bl, ratio: Math.round((d / Math.max(bl, 0.01)) * 100) / 100 };
}

function appRequest2k(): Conversation {
  const tool = {
    name: 'search_orders',
    description: 'Search the customer orders by order number, email or date range.',
    parameters: {
      type: 'object',
      properties: {
        order_number: { type: 'string', description: 'e.g. A-10293' },
        email: { type: 'string', format: 'email' },
        since: { type: 'string', format: 'date' },
      },
      required: ['order_number'],
    },
  };
  return conversation(
    [
      {
        role: 'user',
        parts: [text('Hi, I ordered a standing desk two weeks ago and it still has not arrived. The tracking page has said "label created" since the 3rd.')],
      },
      {
        role: 'assistant',
        parts: [
          text(
            "I'm sorry about the delay. Carriers sometimes take a few days to scan a parcel after the label is created, but two weeks is longer than usual. I can look into it for you: could you give me the order number? It starts with a letter and is in your confirmation email.",
          ),
        ],
      },
      {
        role: 'user',
        parts: [
          text(
            'Sure, it is A-55120. I paid for express shipping, so I would also like to know whether I can get that refunded if it is late. It is the black 140 cm desk with the memory keypad, in case that matters, and it should go to my office address, not home.',
          ),
        ],
      },
      {
        role: 'assistant',
        parts: [
          text(
            'Thanks. Order A-55120 was handed to the carrier on the 4th and is now at the regional depot; the carrier reports a backlog after the storm last week. Express shipping fees are refundable when a delivery misses its promised date. Your order was promised for the 6th, so it qualifies. The delivery address on the order is your office, 12 Canal Street, as you asked.',
          ),
        ],
      },
      {
        role: 'user',
        parts: [
          text(
            'Great. Please request the refund of the express fee, and tell me the new estimated delivery date and whether someone needs to be home to sign for it.',
          ),
        ],
      },
    ],
    {
      system:
        "You are the support assistant of Deskly, an online furniture shop. Be concise and friendly. Use the tools to look up orders; never invent order data. Refunds of shipping fees are allowed when a delivery is late; product refunds need a human agent. Answer in the language of the customer. Opening hours of the human support team: Monday to Friday, 8am to 6pm CET. Delivery promises: standard 5-7 working days, express 2 working days from dispatch. Returns are free within 30 days for unassembled items; assembled items can be returned for a 15% restocking fee. Never share another customer's data, and never ask for card numbers in the chat. If the customer is upset, acknowledge it briefly and move to the solution.",
      tools: [tool],
    },
  );
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
