/**
 * The request view: what the signal rules and the feature hasher look at. The last user turn is
 * analysed deeply (bounded to DEEP_HEAD + DEEP_TAIL characters, where an instruction sits around a
 * pasted document); everything else is touched only by cheap passes over part types and lengths,
 * plus a bounded window of recent context text for slot/antecedent/anchor lookups. So the cost
 * stays linear in the number of parts and flat in their size.
 */
import type { Conversation, ToolDefinition, Turn } from '../conversation.js';
import { scan, type TokenScratch } from './scan.js';

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
  /** Word tokens of `head` (made on first read: most requests need few of them; see tokenAt). */
  readonly tokens: readonly string[];
  /** tokens.length. */
  readonly tokenCount: number;
  /** tokens[i] (or '' past the end), without making the others. */
  tokenAt(i: number): string;
  /** tokens[i].length (or 0 past the end), without making the string. */
  tokenLength(i: number): number;
  /** FNV-1a hash of each token (int32 bits), for the lexical features. Valid for indices < tokenCount, until the scratch's next scan. */
  readonly tokenHashes: Int32Array;
  /** Keyword cue bits of `head` (cues.ts): which keyword regexes could match at all. */
  readonly cues: number;
  /** Capitalised words after the first in the head's first 600 characters, "I" excluded (0-3). */
  readonly capitals: number;
  /** Word-list flags of each token (lexicon.ts): one lookup per token for every rule. Valid for indices < tokenCount, until the scratch's next scan. */
  readonly tokenFlags: Int32Array;
  /** Length of the full last user turn text. */
  readonly fullLength: number;
  /** True when the conversation has no user turn with text at all. */
  readonly empty: boolean;
  /** Kinds of material found anywhere (e.g. `image`, `file`, `tool result`, `earlier text`, `inline text`). */
  readonly material: readonly string[];
  /** Any text before the last user turn (earlier turns, tool results), or earlier turns held elsewhere (contextUnknown). */
  readonly hasEarlierTurns: boolean;
  /** Earlier turns exist but are not in the request (Conversation.priorContext): what they say is unknown. */
  readonly contextUnknown: boolean;
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

/** INLINE_AFTER_COLON (/:[\s"“'«]/) as a scan: the index of the first such colon, or -1. \s is the trim set. */
function afterColon(text: string): number {
  for (let i = text.indexOf(':'); i >= 0 && i + 1 < text.length; i = text.indexOf(':', i + 1)) {
    const c = text.charCodeAt(i + 1);
    if (c === 34 || c === 39 || c === 0x201c || c === 0xab || isTrimmed(c)) return i;
  }
  return -1;
}
const QUOTED_BODY = /["“«][^"”»\n]{40,}["”»]/;

function addMaterial(material: string[], kind: string): void {
  if (!material.includes(kind)) material.push(kind);
}

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
  // Each regex needs one of a few characters: look for those first (most requests have none).
  if ((text.includes('`') || text.includes('~') || text.includes('<')) && INLINE_FENCE.test(text)) return true;
  if ((text.includes('"') || text.includes('“') || text.includes('«')) && QUOTED_BODY.test(text)) return true;
  // "Translate to French: Hello" — whatever follows a colon is the material (URLs' "://" excluded).
  const colon = afterColon(text);
  if (colon >= 0 && trimmedLength(text, colon + 1) >= 2) return true;
  // A first line (the instruction) followed by at least one more line of substance.
  const nl = text.indexOf('\n');
  return nl >= 0 && trimmedLength(text, nl + 1) >= 30;
}

/** The whitespace String.prototype.trim removes (WhiteSpace and LineTerminator). */
export function isTrimmed(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** text.slice(from).trim().length, without the copies. */
function trimmedLength(text: string, from: number): number {
  let start = from;
  let end = text.length;
  while (start < end && isTrimmed(text.charCodeAt(start))) start++;
  while (end > start && isTrimmed(text.charCodeAt(end - 1))) end--;
  return end - start;
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

/**
 * The view of a conversation. Its tokens live in `scratch` (owned by the caller: a detector, or one
 * training call), so the view is valid until that scratch's next scan.
 */
export function buildView(conversation: Conversation, scratch: TokenScratch): RequestView {
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

  // Kinds of material in first-seen order (a tiny list: includes() beats a Set here).
  const material: string[] = [];

  let hasEarlierTurns = false;
  // Cheap pass over every part: types and lengths only.
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    if (turn === undefined) continue;
    for (const part of turn.parts) {
      if (part.type === 'image') addMaterial(material, 'image');
      else if (part.type === 'file') addMaterial(material, 'file');
      else if (part.type === 'audio') addMaterial(material, 'audio');
      else if (i !== last && part.text.length > 0) {
        hasEarlierTurns = true;
        if (turn.role === 'tool') addMaterial(material, 'tool result');
        else if (part.text.length >= MATERIAL_CHARS) addMaterial(material, 'earlier text');
      }
    }
    if (i !== last && turn.toolCalls !== undefined && turn.toolCalls.length > 0) hasEarlierTurns = true;
  }
  if (hasInlineMaterial(full)) addMaterial(material, 'inline text');

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
  const empty = trimmedLength(full, 0) === 0;
  const cues = scan(head, scratch);
  const contextUnknown = conversation.priorContext !== undefined;
  return new View(
    instruction,
    full.length,
    empty,
    material,
    hasEarlierTurns || contextUnknown,
    contextUnknown,
    contextCased,
    previousAssistant,
    conversation.tools,
    head,
    cues,
    scratch,
  );
}

/**
 * Lower-cased copies (head, whole instruction, context) and the token strings are made only if
 * a rule reads them; tokens are read from the scratch's offsets into the scanned text.
 */
class View implements RequestView {
  private lowerCache: string | undefined;
  private contextLowerCache: string | undefined;
  private headLowerCache: string | undefined;
  private tokensCache: string[] | undefined;
  readonly tokenCount: number;
  readonly tokenFlags: Int32Array;
  readonly tokenHashes: Int32Array;
  readonly capitals: number;
  constructor(
    readonly instruction: string,
    readonly fullLength: number,
    readonly empty: boolean,
    readonly material: readonly string[],
    readonly hasEarlierTurns: boolean,
    readonly contextUnknown: boolean,
    readonly contextCased: string,
    readonly previousAssistant: string | null,
    readonly tools: readonly ToolDefinition[],
    readonly head: string,
    readonly cues: number,
    private readonly scratch: TokenScratch,
  ) {
    this.tokenCount = scratch.count;
    this.tokenFlags = scratch.flags;
    this.tokenHashes = scratch.hashes;
    this.capitals = scratch.capitals;
    if (scratch.lowered) this.headLowerCache = scratch.source;
  }

  get headLower(): string {
    this.headLowerCache ??= this.head.toLowerCase();
    return this.headLowerCache;
  }

  get tokens(): readonly string[] {
    if (this.tokensCache === undefined) {
      const out: string[] = [];
      for (let i = 0; i < this.tokenCount; i++) out.push(this.tokenAt(i));
      this.tokensCache = out;
    }
    return this.tokensCache;
  }

  tokenAt(i: number): string {
    if (this.tokensCache !== undefined) return this.tokensCache[i] ?? '';
    if (i < 0 || i >= this.tokenCount) return '';
    const s = this.scratch;
    const raw = s.source.slice(s.starts[i] ?? 0, s.ends[i] ?? 0);
    const w = s.lowered ? raw : raw.toLowerCase();
    return w.includes('’') ? w.replace(/’/g, "'") : w;
  }

  tokenLength(i: number): number {
    if (this.tokensCache !== undefined) return (this.tokensCache[i] ?? '').length;
    return i < 0 || i >= this.tokenCount ? 0 : (this.scratch.ends[i] ?? 0) - (this.scratch.starts[i] ?? 0);
  }

  get lower(): string {
    this.lowerCache ??= this.instruction === this.head ? this.headLower : this.instruction.toLowerCase();
    return this.lowerCache;
  }

  get contextLower(): string {
    this.contextLowerCache ??= this.contextCased.toLowerCase();
    return this.contextLowerCache;
  }
}
