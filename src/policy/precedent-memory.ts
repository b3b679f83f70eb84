/**
 * Precedent on the request path and after it. Reading answers is awaited only when the policy is
 * about to ask, and bounded like the conversation memory (`timeoutMs`; on timeout or error no
 * precedent is used, so the user is asked as if none existed). Noting what was asked and storing
 * an answer happen in the background and never throw.
 */
import type { PendingGaps, PrecedentStore } from './precedent-store.js';
import { answerFor, type AnswerRules } from './precedent.js';

export interface PrecedentMemory {
  /** Stored answers among `kinds` for `key`; `{}` when there are none, or the store fails or is slow. Never rejects. */
  answers(key: string, kinds: readonly string[]): Promise<Record<string, string>>;
  /** Notes what Clarion asked about in a conversation. Fire-and-forget. */
  expect(conversationId: string, pending: PendingGaps): void;
  /** The user replied to a clarification in this conversation: read and store their answers to what was asked. Fire-and-forget. */
  capture(conversationId: string, reply: string): void;
  close(): Promise<void>;
}

export interface PrecedentRules extends AnswerRules {
  /** How long a pending question waits for its answer (the conversation memory's TTL). */
  pendingTtlSeconds: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

export function precedentMemory(store: PrecedentStore, rules: PrecedentRules): PrecedentMemory {
  const timeoutMs = rules.timeoutMs ?? 50;
  const onError = rules.onError ?? (() => {});
  const background = (work: () => Promise<void>): void => {
    try {
      work().catch(onError);
    } catch (error) {
      onError(error);
    }
  };
  return {
    answers(key, kinds) {
      const read = store.answers(key, kinds);
      if (store.local) return read;
      return withinTimeout(read, timeoutMs, onError);
    },
    expect(conversationId, pending) {
      background(() => store.expect(conversationId, pending, rules.pendingTtlSeconds));
    },
    capture(conversationId, reply) {
      background(async () => {
        const pending = await store.takePending(conversationId);
        if (pending === null) return;
        for (const gap of pending.gaps) {
          const answer = answerFor(gap, reply, rules);
          if (answer !== null) await store.remember(pending.key, gap.kind, answer, pending.ttlSeconds);
        }
      });
    },
    close: () => store.close(),
  };
}

const NONE: Record<string, string> = Object.freeze({});

function withinTimeout(read: Promise<Record<string, string>>, timeoutMs: number, onError: (error: unknown) => void): Promise<Record<string, string>> {
  return new Promise((settle) => {
    let done = false;
    const finish = (value: Record<string, string>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      settle(value);
    };
    const timer = setTimeout(() => {
      onError(new Error(`precedent: the store did not answer within ${timeoutMs} ms`));
      finish(NONE);
    }, timeoutMs);
    timer.unref();
    read.then(finish, (error: unknown) => {
      onError(error);
      finish(NONE);
    });
  });
}
