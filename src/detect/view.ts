/**
 * The request view: what the signal rules and the feature hasher look at. The last user turn is
 * analysed deeply (bounded to DEEP_HEAD + DEEP_TAIL characters, where an instruction sits around a
 * pasted document); everything else is touched only by cheap passes over part types and lengths,
 * plus a bounded window of recent context text for slot/antecedent/anchor lookups. So the cost
 * stays linear in the number of parts and flat in their size.
 */
import type { Conversation, ToolDefinition, Turn } from '../conversation.js';
import { tokenize } from './text.js';

/** Instructions longer than this are cut to head + tail (a pasted document sits in between). */
export const DEEP_HEAD = 3072;
export const DEEP_TAIL = 1024;
/** Context text (system + earlier turns) kept for lookups. */
const CONTEXT_SYSTEM = 4096;
const CONTEXT_TURNS = 8192;
/** A text part at least this long counts as attached material. */
const MATERIAL_CHARS = 200;

export interface RequestView {
  /** The (bounded) text of the last user turn. */
  readonly instruction: string;
  readonly lower: string;
  /** Where an instruction's own wording sits: its first KB and last 256 characters (patterns for actions and constraints run here). */
  readonly head: string;
  readonly headLower: string;
  /** Word tokens of `head`. */
  readonly tokens: readonly string[];
  /** Length of the full last user turn text. */
  readonly fullLength: number;
  /** True when the conversation has no user turn with text at all. */
  readonly empty: boolean;
  /** Kinds of material found anywhere (e.g. `image`, `file`, `tool result`, `earlier text`, `inline text`). */
  readonly material: readonly string[];
  /** Any text before the last user turn (earlier turns, tool results). */
  readonly hasEarlierTurns: boolean;
  /** Lower-cased window of system text and earlier turns, for slot and anchor lookups. */
  readonly contextLower: string;
  /** The same window, original case (proper nouns). */
  readonly contextCased: string;
  /** Text of the assistant turn right before the last user turn (bounded), if any. */
  readonly previousAssistant: string | null;
  readonly tools: readonly ToolDefinition[];
}

// Material inside the instruction turn itself: a code block, a colon or line break followed by
// a body of text, or a long quotation.
const INLINE_FENCE = /```|~~~|<(?:document|text|code|essay|email|article)>/i;
const INLINE_AFTER_COLON = /:[\s"“'«]/;
const QUOTED_BODY = /["“«][^"”»\n]{40,}["”»]/;

function textOf(turn: Turn): string {
  let out = '';
  for (const part of turn.parts) {
    if (part.type !== 'text') continue;
    out = out.length === 0 ? part.text : `${out}\n${part.text}`;
  }
  return out;
}

/** Does the request turn carry its own material (beyond the instruction sentence)? */
export function hasInlineMaterial(text: string): boolean {
  if (text.length >= 400) return true;
  if (INLINE_FENCE.test(text)) return true;
  if (QUOTED_BODY.test(text)) return true;
  // "Translate to French: Hello" — whatever follows a colon is the material (URLs' "://" excluded).
  const colon = INLINE_AFTER_COLON.exec(text);
  if (colon !== null && text.slice(colon.index + 1).trim().length >= 2) return true;
  // A first line (the instruction) followed by at least one more line of substance.
  const nl = text.indexOf('\n');
  if (nl >= 0) {
    const rest = text.slice(nl + 1).trim();
    if (rest.length >= 30) return true;
  }
  return false;
}

const HEAD = 1024;
const HEAD_TAIL = 256;

function headOf(text: string): string {
  if (text.length <= HEAD + HEAD_TAIL) return text;
  return `${text.slice(0, HEAD)}\n…\n${text.slice(text.length - HEAD_TAIL)}`;
}

function bounded(text: string): string {
  if (text.length <= DEEP_HEAD + DEEP_TAIL) return text;
  return `${text.slice(0, DEEP_HEAD)}\n…\n${text.slice(text.length - DEEP_TAIL)}`;
}

export function buildView(conversation: Conversation): RequestView {
  const turns = conversation.turns;
  let last = -1;
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i]?.role === 'user') {
      last = i;
      break;
    }
  }
  const lastTurn = last >= 0 ? turns[last] : undefined;
  const full = lastTurn === undefined ? '' : textOf(lastTurn);
  const instruction = bounded(full);
  const lower = instruction.toLowerCase();

  const material = new Set<string>();
  let hasEarlierTurns = false;
  // Cheap pass over every part: types and lengths only.
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    if (turn === undefined) continue;
    for (const part of turn.parts) {
      if (part.type === 'image') material.add('image');
      else if (part.type === 'file') material.add('file');
      else if (part.type === 'audio') material.add('audio');
      else if (i !== last && part.text.length > 0) {
        hasEarlierTurns = true;
        if (turn.role === 'tool') material.add('tool result');
        else if (part.text.length >= MATERIAL_CHARS) material.add('earlier text');
      }
    }
    if (i !== last && turn.toolCalls !== undefined && turn.toolCalls.length > 0) hasEarlierTurns = true;
  }
  if (hasInlineMaterial(full)) material.add('inline text');

  // Bounded context window: system head + the most recent earlier turns, newest last.
  const pieces: string[] = [];
  let budget = CONTEXT_TURNS;
  for (let i = turns.length - 1; i >= 0 && budget > 0; i--) {
    if (i === last) continue;
    const turn = turns[i];
    if (turn === undefined) continue;
    let text = textOf(turn);
    if (turn.toolCalls !== undefined) for (const call of turn.toolCalls) text += `\n${call.name} ${call.arguments.slice(0, 512)}`;
    if (text.length === 0) continue;
    const piece = text.length > budget ? text.slice(text.length - budget) : text;
    pieces.push(piece);
    budget -= piece.length;
  }
  pieces.reverse();
  const system = conversation.system.length > CONTEXT_SYSTEM ? conversation.system.slice(0, CONTEXT_SYSTEM) : conversation.system;
  const contextCased = system.length > 0 ? `${system}\n${pieces.join('\n')}` : pieces.join('\n');

  let previousAssistant: string | null = null;
  for (let i = last - 1; i >= 0; i--) {
    const turn = turns[i];
    if (turn === undefined) continue;
    if (turn.role === 'assistant') {
      const text = textOf(turn);
      previousAssistant = text.length > 2048 ? text.slice(text.length - 2048) : text;
      break;
    }
    if (turn.role === 'user') break;
  }

  const head = headOf(instruction);
  const headLower = head === instruction ? lower : head.toLowerCase();
  return {
    instruction,
    lower,
    head,
    headLower,
    tokens: tokenize(headLower),
    fullLength: full.length,
    empty: full.trim().length === 0,
    material: [...material],
    hasEarlierTurns,
    contextLower: contextCased.toLowerCase(),
    contextCased,
    previousAssistant,
    tools: conversation.tools,
  };
}
