/**
 * The second opinion's prompt and the strict reading of its answer. Pure: no I/O.
 *
 * The judge sees the system text's start, the latest turns (bounded) and the tool names, and must
 * answer with exactly one JSON object `{"underspecified": boolean, "missing": string[],
 * "question": string}`. Anything else — prose, a fenced block, a refusal, a missing field — is not
 * a verdict, and the local score stands.
 */
import { z } from 'zod';
import { turnText, type Conversation } from '../conversation.js';

export const JUDGE_SYSTEM_PROMPT = [
  'You check requests sent to an AI assistant before it answers.',
  'Decide whether the latest request is underspecified: a competent assistant would have to ask the user a clarifying question (a missing place, time, item, recipient, file, parameter, or an ambiguous reference or goal) before it could answer well.',
  'A request that can be answered sensibly as it stands, including greetings and thanks, is not underspecified.',
  'Answer with one JSON object and nothing else:',
  '{"underspecified": true or false, "missing": [short names of the missing details], "question": "the one clarifying question to ask, or an empty string"}',
].join('\n');

/** Characters of each turn, and of the system text, the judge is shown. */
const MAX_TURN_CHARS = 1_500;
/** Latest turns shown. */
const MAX_TURNS = 4;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The user message of the judge call: what the assistant was asked, in plain text. */
export function judgePrompt(conversation: Conversation): string {
  const lines: string[] = [];
  if (conversation.system.length > 0) lines.push(`System instructions of the app (start):\n${clip(conversation.system, MAX_TURN_CHARS)}`, '');
  if (conversation.tools.length > 0) lines.push(`Tools the assistant can call: ${conversation.tools.map((t) => t.name).join(', ')}`, '');
  if (conversation.priorContext !== undefined) lines.push('(Earlier turns exist but are not shown.)', '');
  const turns = conversation.turns.slice(-MAX_TURNS);
  lines.push('Conversation (oldest first, the last user turn is the request to judge):');
  for (const turn of turns) {
    const attached = turn.parts.filter((p) => p.type !== 'text').map((p) => p.type);
    const note = attached.length > 0 ? ` [attached: ${attached.join(', ')}]` : '';
    lines.push(`${turn.role.toUpperCase()}: ${clip(turnText(turn), MAX_TURN_CHARS)}${note}`);
  }
  return lines.join('\n');
}

export const VerdictSchema = z.object({
  underspecified: z.boolean(),
  missing: z.array(z.string().max(200)).max(20),
  question: z.string().max(1_000),
});
export type JudgeVerdict = z.infer<typeof VerdictSchema>;

/** The judge's verdict, or null when its answer is not exactly the JSON object asked for. */
export function readVerdict(text: string): JudgeVerdict | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim());
  } catch {
    return null;
  }
  const verdict = VerdictSchema.safeParse(parsed);
  return verdict.success ? verdict.data : null;
}
