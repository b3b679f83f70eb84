/**
 * The response observer: reads an upstream response while the relay copies it to the client, and
 * keeps what Clarion wants to know about it — the response id, the model, the assistant's text
 * (bounded) and the token usage. It never holds the stream back, never changes a byte and never
 * re-serialises anything: the relay writes each chunk to the client first and hands the same
 * Buffer here.
 *
 * Two body kinds, one framing each, nothing protocol-specific (that is the adapter's
 * ResponseReader):
 * - SSE: chunks are decoded and cut into frames (`event:` name + `data:` text); each frame goes
 *   to the reader, which parses only the frames it needs (usage frames, and text deltas until the
 *   text bound is reached).
 * - JSON: the chunks are kept by reference (at most MAX_JSON_BYTES, else the body is not read) and
 *   parsed once when the response has ended — after the client has its last byte. A compressed
 *   JSON body (gzip, deflate, br) is decompressed then; a compressed event stream is not read.
 */
import { StringDecoder } from 'node:string_decoder';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { z } from 'zod';

/** Tokens one upstream call consumed, as the upstream reported them. */
export const TokenUsageSchema = z.object({
  /** Every input token, cached ones included (Anthropic: input + cache creation + cache read). */
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** Of the input tokens, those read from the provider's prompt cache. */
  cachedInputTokens: z.number().int().min(0),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

/** The usage of a reply Clarion wrote itself: no model was called, so nothing was consumed. */
export const NO_TOKENS: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 });

/** Most characters of assistant text kept per response. */
export const MAX_OBSERVED_TEXT = 2_048;
/** Largest JSON body read (larger ones pass through unread). */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;
/** Largest single SSE frame read (a Responses `response.completed` echoes the whole response). */
export const MAX_FRAME_CHARS = 4 * 1024 * 1024;

/** What the observer learnt about one response. */
export interface ObservedResponse {
  id: string | null;
  model: string | null;
  /** The assistant's text, at most MAX_OBSERVED_TEXT characters. */
  text: string;
  /** Null when the upstream sent none (e.g. a Chat stream without `stream_options.include_usage`) or the body was not read. */
  usage: TokenUsage | null;
}

/** Where a reader puts what it found. */
export class ResponseFacts implements ObservedResponse {
  id: string | null = null;
  model: string | null = null;
  text = '';
  usage: TokenUsage | null = null;

  /** `keepText` false: nothing will read the text, so none is kept (readers skip text-only frames). */
  constructor(private readonly keepText = true) {}

  /** False once MAX_OBSERVED_TEXT characters are kept (or none are wanted): readers skip parsing text-only frames then. */
  get wantsText(): boolean {
    return this.keepText && this.text.length < MAX_OBSERVED_TEXT;
  }

  addText(piece: string): void {
    if (!this.wantsText || piece.length === 0) return;
    this.text += piece.length + this.text.length > MAX_OBSERVED_TEXT ? piece.slice(0, MAX_OBSERVED_TEXT - this.text.length) : piece;
  }

  /** Sets usage, keeping earlier counts a later partial report leaves out (Anthropic's message_delta). */
  setUsage(usage: Partial<TokenUsage>): void {
    const base = this.usage ?? NO_TOKENS;
    this.usage = {
      inputTokens: usage.inputTokens ?? base.inputTokens,
      outputTokens: usage.outputTokens ?? base.outputTokens,
      cachedInputTokens: usage.cachedInputTokens ?? base.cachedInputTokens,
    };
  }

  snapshot(): ObservedResponse {
    return { id: this.id, model: this.model, text: this.text, usage: this.usage };
  }
}

/** The protocol-specific half: what a body or a frame of this API means. Lives in each adapter. */
export interface ResponseReader {
  /** A complete JSON response body, parsed. */
  json(body: unknown, facts: ResponseFacts): void;
  /**
   * One SSE frame: its `event:` name ('' when absent) and its `data:` text, unparsed, so the reader
   * parses only the frames it needs.
   */
  frame(event: string, data: string, facts: ResponseFacts): void;
}

export interface ResponseObserver {
  /** One body chunk, after the relay wrote it to the client. Never throws. */
  write(chunk: Buffer): void;
  /** The response ended (or failed): what was learnt. Never throws. */
  end(): ObservedResponse;
}

/** Reads a non-negative integer field (usage counts); undefined when absent or not a count. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** JSON.parse that returns undefined instead of throwing (an upstream may send anything). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * An observer for a response of this content type and encoding read by `reader`; null when the
 * body cannot be read as it streams (a compressed event stream, or neither JSON nor SSE).
 * `keepText` false when nothing will read the assistant's text (the exchange is not remembered):
 * the observed text is then '', and a stream's text-only frames are not parsed.
 */
export function observeResponse(reader: ResponseReader, contentType: string, contentEncoding: string, keepText = true): ResponseObserver | null {
  const encoding = contentEncoding.trim().toLowerCase();
  const identity = encoding === '' || encoding === 'identity';
  if (contentType.includes('text/event-stream')) return identity ? new SseObserver(reader, keepText) : null;
  if (contentType.includes('json')) {
    if (!identity && !DECOMPRESS.has(encoding)) return null;
    return new JsonObserver(reader, identity ? null : encoding, keepText);
  }
  return null;
}

const DECOMPRESS = new Map<string, (data: Buffer, options: { maxOutputLength: number }) => Buffer>([
  ['gzip', gunzipSync],
  ['x-gzip', gunzipSync],
  ['deflate', inflateSync],
  ['br', brotliDecompressSync],
]);

class JsonObserver implements ResponseObserver {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private tooLarge = false;

  constructor(
    private readonly reader: ResponseReader,
    private readonly encoding: string | null,
    private readonly keepText: boolean,
  ) {}

  write(chunk: Buffer): void {
    if (this.tooLarge) return;
    this.bytes += chunk.length;
    if (this.bytes > MAX_JSON_BYTES) {
      this.tooLarge = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(chunk);
  }

  end(): ObservedResponse {
    const facts = new ResponseFacts(this.keepText);
    if (this.tooLarge || this.chunks.length === 0) return facts.snapshot();
    try {
      // A small body arrives in one chunk: read it as it is, without a copy.
      let body: Buffer = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.bytes);
      const decompress = this.encoding === null ? undefined : DECOMPRESS.get(this.encoding);
      if (decompress !== undefined) body = decompress(body, { maxOutputLength: MAX_JSON_BYTES });
      const parsed = parseJson(body.toString('utf8'));
      if (parsed !== undefined) this.reader.json(parsed, facts);
    } catch {
      // A body that does not decompress or a reader surprised by its shape: nothing learnt.
    }
    this.chunks.length = 0;
    return facts.snapshot();
  }
}

/** A frame ends at a blank line: "\n\n", or "\r\n\r\n" from servers that use CRLF. */
const FRAME_END = /\r?\n\r?\n/g;

class SseObserver implements ResponseObserver {
  private readonly decoder = new StringDecoder('utf8');
  private readonly facts: ResponseFacts;
  private pending = '';
  private broken = false;

  constructor(
    private readonly reader: ResponseReader,
    keepText: boolean,
  ) {
    this.facts = new ResponseFacts(keepText);
  }

  write(chunk: Buffer): void {
    if (this.broken) return;
    const text = this.pending.length === 0 ? this.decoder.write(chunk) : this.pending + this.decoder.write(chunk);
    let start = 0;
    FRAME_END.lastIndex = 0;
    for (let match = FRAME_END.exec(text); match !== null; match = FRAME_END.exec(text)) {
      this.frame(text, start, match.index);
      start = match.index + match[0].length;
    }
    this.pending = start === 0 ? text : text.slice(start);
    if (this.pending.length > MAX_FRAME_CHARS) {
      // One frame larger than any real one: stop reading rather than hold memory.
      this.broken = true;
      this.pending = '';
    }
  }

  end(): ObservedResponse {
    if (!this.broken) {
      const rest = this.pending + this.decoder.end();
      if (rest.trim().length > 0) this.frame(rest, 0, rest.length);
    }
    this.pending = '';
    return this.facts.snapshot();
  }

  /** Splits text[start, end) into its event name and data, and hands them to the reader. */
  private frame(text: string, start: number, end: number): void {
    let event = '';
    let data = '';
    let lineStart = start;
    while (lineStart < end) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1 || lineEnd > end) lineEnd = end;
      const stop = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      if (text.startsWith('data:', lineStart)) {
        const from = text.charCodeAt(lineStart + 5) === 32 ? lineStart + 6 : lineStart + 5;
        const piece = text.slice(from, stop);
        data = data.length === 0 ? piece : `${data}\n${piece}`;
      } else if (text.startsWith('event:', lineStart)) {
        event = text.slice(text.charCodeAt(lineStart + 6) === 32 ? lineStart + 7 : lineStart + 6, stop);
      }
      lineStart = lineEnd + 1;
    }
    if (data.length === 0) return;
    try {
      this.reader.frame(event, data, this.facts);
    } catch {
      // A frame the reader did not expect: skip it, keep reading the rest.
    }
  }
}
