/**
 * The identical-output gate for refactors of the detector's text layer: assesses a large corpus
 * built at run time (every dataset row and fixture, in several conversation shapes and casings,
 * plus adversarial and non-English text) and writes, per input, the assessment and the feature
 * vector. `--write FILE` records the current outputs (keep FILE outside the repository: it holds
 * dataset text); `--check FILE` compares and lists the first differences.
 *
 *   npx tsx scripts/golden.ts --write /tmp/golden.jsonl   # before the change
 *   npx tsx scripts/golden.ts --check /tmp/golden.jsonl   # after: "identical: N inputs"
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EVERYDAY_CLEAR, EVERYDAY_UNDERSPECIFIED } from '../test/detect/fixtures/everyday.js';
import type { Conversation, ToolDefinition } from '../src/conversation.js';
import { createDetector } from '../src/detect/index.js';
import { datasetsDir } from '../src/detect/training/datasets.js';
import { itemText, loadCorpus } from '../src/detect/training/corpus.js';
import { featuresOf } from '../src/detect/training/loso.js';

const WEATHER: ToolDefinition = {
  name: 'get_weather',
  description: 'Get the current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
};
const DOC =
  'The committee reviewed the budget for the new library wing, noting that construction costs rose 6% while donations covered most of the gap. '.repeat(40);
const ODD = [
  'İstanbul’da hava nasıl?',
  'Wie ist das Wetter in München?',
  '今天北京的天气怎么样？',
  'Переведи это на английский.',
  'ما هي عاصمة فرنسا؟',
  'Résumé: “Résumez ce texte”',
  'ſummarize thiſ',
  'KELVIN to Celsius',
  'Explain \u00a0this — please…',
  '« Traduisez ceci »',
  'a'.repeat(5000),
  'Summarize this. '.repeat(300),
  '((((((((((((((((((((',
  'x\n'.repeat(2000),
  '😀 tell me about mercury 😀',
  'HCopotina is what?',
  'Gia parvif nutans',
];

function shapes(text: string, i: number): Conversation[] {
  const base: Conversation = {
    protocol: 'openai-chat',
    model: 'golden',
    system: '',
    turns: [{ role: 'user', parts: [{ type: 'text', text }] }],
    tools: [],
    stream: false,
  };
  const out: Conversation[] = [base];
  out.push({ ...base, turns: [{ role: 'user', parts: [{ type: 'text', text: i % 2 === 0 ? text.toUpperCase() : text.toLowerCase() }] }] });
  switch (i % 4) {
    case 0:
      out.push({ ...base, system: 'You are a helpful assistant for Acme Bank customers in Canada.', tools: [WEATHER] });
      break;
    case 1:
      out.push({ ...base, turns: [{ role: 'user', parts: [{ type: 'text', text }, { type: 'image' }] }] });
      break;
    case 2:
      out.push({
        ...base,
        turns: [
          { role: 'user', parts: [{ type: 'text', text: 'Can you help me with something?' }] },
          { role: 'assistant', parts: [{ type: 'text', text: 'Of course — what do you need, and for which day?' }] },
          { role: 'user', parts: [{ type: 'text', text }] },
        ],
      });
      break;
    default:
      out.push({ ...base, turns: [{ role: 'user', parts: [{ type: 'text', text: `${text}\n\n${DOC}` }] }] });
  }
  return out;
}

function corpus(): Conversation[] {
  const items = loadCorpus(datasetsDir(), { clear: EVERYDAY_CLEAR, underspecified: EVERYDAY_UNDERSPECIFIED });
  const out: Conversation[] = [];
  items.forEach((item, i) => {
    out.push(item.conversation);
    const t = itemText(item);
    if (item.conversation.turns.length === 1 && item.conversation.tools.length === 0) out.push(...shapes(t, i).slice(1));
  });
  ODD.forEach((t, i) => out.push(...shapes(t, i)));
  return out;
}

function main(): void {
  const mode = process.argv[2];
  const file = process.argv[3];
  if ((mode !== '--write' && mode !== '--check') || file === undefined) {
    process.stderr.write('usage: golden.ts --write FILE | --check FILE\n');
    process.exitCode = 2;
    return;
  }
  const detector = createDetector();
  const lines = corpus().map((c) => {
    const a = detector.assess(c);
    const x = featuresOf({ id: '', source: '', group: '', label: 0, conversation: c, need: 0, baseline: -1, trainable: false });
    return JSON.stringify({ a, rule: Array.from(x.rule), hashed: Array.from(x.hashed), origin: Array.from(x.origin) });
  });
  if (mode === '--write') {
    writeFileSync(file, `${lines.join('\n')}\n`);
    process.stdout.write(`wrote ${lines.length} inputs to ${file}\n`);
    return;
  }
  const expected = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  let diffs = 0;
  if (expected.length !== lines.length) process.stdout.write(`input count differs: ${expected.length} recorded, ${lines.length} now\n`);
  for (let i = 0; i < Math.min(expected.length, lines.length); i++) {
    if (expected[i] === lines[i]) continue;
    diffs++;
    if (diffs <= 5) process.stdout.write(`#${i}\n  was ${(expected[i] ?? '').slice(0, 600)}\n  now ${(lines[i] ?? '').slice(0, 600)}\n`);
  }
  process.stdout.write(diffs === 0 && expected.length === lines.length ? `identical: ${lines.length} inputs\n` : `${diffs} of ${lines.length} inputs differ\n`);
  if (diffs > 0 || expected.length !== lines.length) process.exitCode = 1;
}

main();
