/**
 * Request bodies. Protocol routes keep the bytes (forwarded as received unless a decision rewrites
 * them); Clarion's own JSON APIs get the parsed value; pass-through never reads the body at all.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { ClarionError } from '../errors.js';
import { decodedBody, requestCoding } from './content-encoding.js';
import { jsonDepthExceeds } from './json-depth.js';

/** Bodies of Clarion's own JSON APIs (admin, /v1/clarion/*) are small. */
export const OWN_API_BODY_LIMIT = 1024 * 1024;
/** ...and shallow: nothing Clarion's own APIs take nests deeper than a few levels. */
export const OWN_API_MAX_JSON_DEPTH = 32;

/** CLARION_INVALID_REQUEST when `body` nests deeper than `maxDepth` (checked before any parse). */
export function checkJsonDepth(body: Buffer, maxDepth: number): void {
  if (jsonDepthExceeds(body, maxDepth)) throw new ClarionError('CLARION_INVALID_REQUEST', `the JSON body is nested deeper than ${maxDepth} levels`);
}

/** A fastify content-type parser in its callback form. */
export type BodyParser = (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: unknown) => void) => void;

/**
 * Memory held by request bodies still being received, across all requests. A client that sends a
 * large body slowly (or never finishes it) holds its bytes; many of them at once would exhaust the
 * process. Each chunk is charged as it arrives and the whole body is given back when it is
 * complete or abandoned; a chunk that would go over the budget ends that request with 503.
 */
export class BodyBudget {
  private held = 0;
  constructor(private readonly max: number) {}

  take(bytes: number): boolean {
    if (this.held + bytes > this.max) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }

  get bytesHeld(): number {
    return this.held;
  }
}

const UNLIMITED = new BodyBudget(Number.POSITIVE_INFINITY);

/** Reads a request body into one Buffer, refusing more than `limit` bytes (CLARION_BODY_TOO_LARGE) or more than `budget` has left (CLARION_OVERLOADED). */
export function collectBody(payload: IncomingMessage, limit: number, budget: BodyBudget = UNLIMITED): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(payload.headers['content-length']);
    if (declared > limit) {
      payload.resume();
      reject(new ClarionError('CLARION_BODY_TOO_LARGE', `body of ${declared} bytes exceeds ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let charged = 0;
    const release = (): void => {
      budget.give(charged);
      charged = 0;
    };
    const refuse = (error: ClarionError): void => {
      release();
      chunks.length = 0;
      payload.removeAllListeners('data');
      payload.resume();
      reject(error);
    };
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        refuse(new ClarionError('CLARION_BODY_TOO_LARGE', `body exceeds ${limit} bytes`));
        return;
      }
      if (!budget.take(chunk.length)) {
        refuse(new ClarionError('CLARION_OVERLOADED'));
        return;
      }
      charged += chunk.length;
      chunks.push(chunk);
    });
    payload.once('end', () => {
      release();
      resolvePromise(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    // A client that goes away (or is cut by a timeout) mid-body gives its bytes back.
    payload.once('close', release);
    payload.once('error', (error) => {
      release();
      reject(error);
    });
  });
}

/**
 * The body of `request`, decoded when it names a content coding (./content-encoding.ts): an
 * unknown coding is refused before a byte is read, the decoded size is bounded by `limit` too.
 */
export async function readBody(request: FastifyRequest, payload: IncomingMessage, limit: number, budget?: BodyBudget): Promise<Buffer> {
  let coding: string | null;
  try {
    coding = requestCoding(request.headers);
  } catch (error) {
    payload.resume();
    throw error;
  }
  const body = await collectBody(payload, limit, budget);
  return coding === null ? body : decodedBody(request.headers, body, limit);
}

/** A content-type parser that hands the handler the body's bytes, refused when nested deeper than `maxDepth`. */
export function bytesParser(limit: number, maxDepth: number, budget?: BodyBudget): BodyParser {
  return (request, payload, done) => {
    readBody(request, payload, limit, budget).then(
      (body) => {
        try {
          checkJsonDepth(body, maxDepth);
        } catch (error) {
          done(error as Error, undefined);
          return;
        }
        done(null, body);
      },
      (error: Error) => done(error, undefined),
    );
  };
}

/** A content-type parser for Clarion's own JSON APIs: the parsed body, undefined when empty. */
export function jsonParser(limit: number): BodyParser {
  return (request, payload, done) => {
    readBody(request, payload, limit).then(
      (body) => {
        if (body.length === 0) {
          done(null, undefined);
          return;
        }
        try {
          checkJsonDepth(body, OWN_API_MAX_JSON_DEPTH);
        } catch (error) {
          done(error as Error, undefined);
          return;
        }
        try {
          done(null, JSON.parse(body.toString('utf8')));
        } catch (error) {
          done(new ClarionError('CLARION_INVALID_JSON', (error as Error).message), undefined);
        }
      },
      (error: Error) => done(error, undefined),
    );
  };
}
