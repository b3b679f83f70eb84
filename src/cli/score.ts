/**
 * `clarion score`: runs the detector from the command line.
 *   clarion score TEXT...             human-readable assessment (--json: one JSON object)
 *   clarion score --request FILE      a full OpenAI chat request body (JSON; `-` reads stdin)
 *   clarion score --jsonl             JSON lines on stdin, {"id","text"} or {"id","request"};
 *                                     one JSON line out per line in, same order, streaming
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { text as readAll } from 'node:stream/consumers';
import { conversationFromText, type Conversation } from '../conversation.js';
import type { Assessment } from '../detect/assessment.js';
import { readWeightsFile } from '../detect/weights.js';
import { createDetector, type Detector } from '../detect/index.js';
import { openaiChatAdapter } from '../protocols/openai-chat.js';
import { command, restArgs } from './framework/command.js';
import { errorMessage, jsonLine, write, type CliIo } from './framework/io.js';
import { flag, JSON_OPTION, number, string, UsageError } from './framework/options.js';

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

/** One JSON line out per line in, written as soon as it is scored; a bad line gets `{"id","error"}`. */
async function scoreLines(detector: Detector, io: CliIo): Promise<number> {
  const lines = createInterface({ input: io.stdin ?? process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
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
        conversation = requestToConversation(body);
      }
      out = record(id, detector.assess(conversation), detector.threshold);
    } catch (error) {
      out = { id, error: errorMessage(error) };
    }
    await write(io.stdout, jsonLine(out));
  }
  return 0;
}

/** The request file's conversation, or the reason it cannot be read (exit 1). */
async function requestFile(file: string, io: CliIo): Promise<Conversation | string> {
  let body: Record<string, unknown> | undefined;
  try {
    const text = file === '-' ? await readAll(io.stdin ?? process.stdin) : await readFile(resolve(io.cwd, file), 'utf8');
    body = asObject(JSON.parse(text));
  } catch (error) {
    return `cannot read request ${file}: ${errorMessage(error)}`;
  }
  if (body === undefined) return 'the request file must hold a JSON object';
  try {
    return requestToConversation(body);
  } catch (error) {
    return `invalid request: ${errorMessage(error)}`;
  }
}

export default command({
  description: `Give exactly one of TEXT, --request FILE or --jsonl.
--jsonl reads JSON lines on stdin, {"id": ..., "text": ...} or {"id": ..., "request": {...}}, and writes
one JSON line per input, in order: {"id","score","flagged","categories","signals","missingSlots",
"suggestedQuestion","detectorVersion"}, or {"id","error"} for a line it cannot read.`,
  args: [restArgs('text', 'the user message to assess (several words are joined with spaces)')],
  options: {
    request: string('FILE', 'assess a full OpenAI chat request body (a JSON file; - reads stdin)'),
    jsonl: flag('score JSON lines from stdin, one JSON line out per line in'),
    json: JSON_OPTION,
    threshold: number('N', "flag at this score instead of the detector's threshold", { min: 0, max: 1 }),
    model: string('FILE', 'score with this weights file (written by clarion learn) instead of the shipped model'),
  },
  async run({ args, values, io, path }) {
    const given = [args.text.length > 0, values.request !== undefined, values.jsonl].filter(Boolean).length;
    if (given === 0) throw new UsageError('nothing to score: give TEXT, --request FILE or --jsonl');
    if (given > 1) throw new UsageError('give only one of TEXT, --request FILE, --jsonl');
    const weights = values.model === undefined ? {} : { weights: readWeightsFile(resolve(io.cwd, values.model)) };
    const detector = createDetector({ ...weights, ...(values.threshold === undefined ? {} : { threshold: values.threshold }) });
    if (values.jsonl) return scoreLines(detector, io);
    let conversation: Conversation | string;
    if (values.request !== undefined) conversation = await requestFile(values.request, io);
    else conversation = conversationFromText(args.text.join(' '));
    if (typeof conversation === 'string') {
      await write(io.stderr, `${path}: ${conversation}\n`);
      return 1;
    }
    const assessment = detector.assess(conversation);
    await write(io.stdout, values.json ? jsonLine(record(null, assessment, detector.threshold)) : human(assessment, detector.threshold));
    return 0;
  },
});
