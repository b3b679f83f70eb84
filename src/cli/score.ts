/**
 * `clarion score`: runs the detector from the command line.
 *   clarion score "text"              human-readable assessment
 *   clarion score --request FILE      a full OpenAI chat request body (JSON)
 *   clarion score --jsonl             JSON lines on stdin, {"id","text"} or {"id","request"};
 *                                     one JSON line out per line in, same order, streaming
 * Options: --json (machine-readable for the single forms), --threshold N.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { conversationFromText, type Conversation } from '../conversation.js';
import type { Assessment } from '../detect/assessment.js';
import { createDetector, type Detector } from '../detect/index.js';
import { openaiChatAdapter } from '../protocols/openai-chat.js';

const USAGE = `usage: clarion score TEXT | --request FILE | --jsonl   [--json] [--threshold N]

  TEXT              assess one user message
  --request FILE    assess a full OpenAI chat request body (JSON file, "-" for stdin)
  --jsonl           read JSON lines on stdin: {"id": ..., "text": ...} or {"id": ..., "request": {...}};
                    write one JSON line per input, in order: {"id","score","flagged","categories",
                    "signals","missingSlots","suggestedQuestion"} or {"id","error"}
  --json            print the assessment as JSON instead of text
  --threshold N     flag at this score instead of the shipped threshold`;

interface Options {
  mode: 'text' | 'request' | 'jsonl';
  value: string;
  json: boolean;
  threshold?: number;
}

function parseArgs(args: string[]): Options | string {
  let mode: Options['mode'] | undefined;
  let value = '';
  let json = false;
  let threshold: number | undefined;
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--json') json = true;
    else if (a === '--jsonl') mode = 'jsonl';
    else if (a === '--request') {
      mode = 'request';
      value = args[++i] ?? '';
      if (value === '') return '--request needs a file';
    } else if (a === '--threshold') {
      threshold = Number(args[++i]);
      if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) return '--threshold needs a number in [0, 1]';
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else words.push(a);
  }
  if (mode === undefined) {
    if (words.length === 0) return 'nothing to score';
    return { mode: 'text', value: words.join(' '), json, threshold };
  }
  if (words.length > 0) return `unexpected argument "${words[0]}"`;
  return { mode, value, json, threshold };
}

/** Maps an OpenAI chat body with the protocol adapter (a missing `model` is tolerated for scoring). */
function requestToConversation(body: Record<string, unknown>): Conversation {
  return openaiChatAdapter.toConversation(typeof body.model === 'string' ? body : { ...body, model: 'unknown' });
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function record(id: unknown, a: Assessment, threshold: number): Record<string, unknown> {
  return {
    id,
    score: a.score,
    flagged: a.score >= threshold,
    categories: a.categories,
    signals: a.signals,
    missingSlots: a.missingSlots,
    suggestedQuestion: a.suggestedQuestion,
    detectorVersion: a.detectorVersion,
  };
}

function human(a: Assessment, threshold: number): string {
  const lines = [
    `score ${a.score.toFixed(3)} (${a.score >= threshold ? 'underspecified' : 'clear'} at threshold ${threshold})`,
    `categories: ${a.categories.length === 0 ? 'none' : a.categories.join(', ')}`,
    'signals:',
  ];
  if (a.signals.length === 0) lines.push('  (none)');
  for (const s of a.signals) {
    const w = s.weight >= 0 ? `+${s.weight.toFixed(2)}` : s.weight.toFixed(2);
    lines.push(`  ${w.padStart(6)}  ${s.id}${s.category === null ? '' : ` [${s.category}]`}${s.slot === undefined ? '' : ` slot=${s.slot}`}: ${s.evidence}`);
  }
  if (a.missingSlots.length > 0) lines.push(`missing slots: ${a.missingSlots.join(', ')}`);
  lines.push(`suggested question: ${a.suggestedQuestion ?? '(none)'}`);
  lines.push(`detector: ${a.detectorVersion}`);
  return `${lines.join('\n')}\n`;
}

async function runJsonl(detector: Detector, threshold: number): Promise<number> {
  const toConversation = requestToConversation;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let id: unknown = null;
    let out: Record<string, unknown>;
    try {
      const parsed = asObject(JSON.parse(line));
      if (parsed === undefined) throw new Error('line is not a JSON object');
      id = parsed.id ?? null;
      let conversation: Conversation;
      if (typeof parsed.text === 'string') conversation = conversationFromText(parsed.text);
      else {
        const body = asObject(parsed.request);
        if (body === undefined) throw new Error('expected "text" (string) or "request" (object)');
        conversation = toConversation(body);
      }
      out = record(id, detector.assess(conversation), threshold);
    } catch (error) {
      out = { id, error: error instanceof Error ? error.message : String(error) };
    }
    // One line out per line in, written at once (stdout to a pipe or file is synchronous on POSIX).
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  return 0;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseArgs(args);
  if (typeof options === 'string') {
    process.stderr.write(`clarion score: ${options}\n\n${USAGE}\n`);
    return 2;
  }
  const detector = createDetector(options.threshold === undefined ? {} : { threshold: options.threshold });
  const threshold = detector.threshold;
  if (options.mode === 'jsonl') return runJsonl(detector, threshold);

  let conversation: Conversation;
  if (options.mode === 'text') conversation = conversationFromText(options.value);
  else {
    let body: Record<string, unknown> | undefined;
    try {
      body = asObject(JSON.parse(readFileSync(options.value === '-' ? 0 : options.value, 'utf8')));
    } catch (error) {
      process.stderr.write(`clarion score: cannot read request ${options.value}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    if (body === undefined) {
      process.stderr.write('clarion score: the request file must hold a JSON object\n');
      return 1;
    }
    try {
      conversation = requestToConversation(body);
    } catch (error) {
      process.stderr.write(`clarion score: invalid request: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  const assessment = detector.assess(conversation);
  process.stdout.write(options.json ? `${JSON.stringify(record(null, assessment, threshold), null, 2)}\n` : human(assessment, threshold));
  return 0;
}
