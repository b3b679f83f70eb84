/**
 * Compressed request bodies. A body sent with `content-encoding: gzip | deflate | br` is decoded
 * before anything reads it, so the policy assesses the request the upstream would act on; the
 * decoded bytes are what goes upstream (the `content-encoding` header is dropped with them).
 * Decoding is bounded by the body limit on the decoded size (zlib stops at `maxOutputLength`, so
 * a small bomb never inflates past it) and runs on the thread pool, not the event loop. One coding
 * per body: a stack of codings, or any coding other than these, is refused with 415.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { ClarionError } from '../errors.js';

type Decoder = (buffer: Buffer, options: ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void;

const DECODERS: Record<string, Decoder> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  // HTTP's "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2); some clients send raw deflate: both are read.
  deflate: (buffer, options, callback) => (isZlibHeader(buffer) ? inflate : inflateRaw)(buffer, options, callback),
  br: (buffer, options, callback) => brotliDecompress(buffer, options, callback),
};

/** The coding names accepted, for error messages and docs. */
export const ACCEPTED_CODINGS = 'gzip, deflate, br or identity';

/** A zlib stream header: CM = 8 (deflate) and the check bits make the first two bytes a multiple of 31. */
function isZlibHeader(buffer: Buffer): boolean {
  if (buffer.length < 2) return false;
  const cmf = buffer[0] as number;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | (buffer[1] as number)) % 31 === 0;
}

/**
 * The one coding named by `content-encoding`, lower-cased; null for none or `identity`.
 * CLARION_UNSUPPORTED_CONTENT_ENCODING for an unknown coding or more than one.
 */
export function requestCoding(headers: IncomingHttpHeaders): string | null {
  const value = headers['content-encoding'];
  if (value === undefined) return null;
  const coding = value.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return null;
  if (coding.includes(',')) throw new ClarionError('CLARION_UNSUPPORTED_CONTENT_ENCODING', 'one content coding per request body');
  if (DECODERS[coding] === undefined) throw new ClarionError('CLARION_UNSUPPORTED_CONTENT_ENCODING', `got ${coding.slice(0, 32)}`);
  return coding;
}

/**
 * The body decoded from `coding` (a name requestCoding returned), at most `limit` bytes:
 * CLARION_BODY_TOO_LARGE beyond it, CLARION_INVALID_REQUEST when the bytes are not that coding.
 */
export function decodeBody(body: Buffer, coding: string, limit: number): Promise<Buffer> {
  const decoder = DECODERS[coding];
  if (decoder === undefined) return Promise.reject(new ClarionError('CLARION_UNSUPPORTED_CONTENT_ENCODING', `got ${coding}`));
  return new Promise((resolve, reject) => {
    decoder(body, { maxOutputLength: limit }, (error, decoded) => {
      if (error === null) resolve(decoded);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        reject(new ClarionError('CLARION_BODY_TOO_LARGE', `decoded ${coding} body exceeds ${limit} bytes`));
      else reject(new ClarionError('CLARION_INVALID_REQUEST', `the body is not valid ${coding}`));
    });
  });
}

/**
 * `body` as the request's reader should see it: decoded when the headers name a coding, which is
 * then removed from `headers` (what goes upstream is the decoded body, with its own length).
 */
export async function decodedBody(headers: IncomingHttpHeaders, body: Buffer, limit: number): Promise<Buffer> {
  const coding = requestCoding(headers);
  if (coding === null) return body;
  const decoded = await decodeBody(body, coding, limit);
  delete headers['content-encoding'];
  return decoded;
}
