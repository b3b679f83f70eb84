/**
 * The console reads events through its own EventStore (the event log only writes), opened on the
 * first page that needs it and kept; a failed open (Redis down) is retried on the next call.
 */
import type { EventStore } from '../../events/store.js';

export interface LazyEventStore {
  get(): Promise<EventStore>;
  close(): Promise<void>;
}

export function lazyEventStore(open: () => Promise<EventStore>): LazyEventStore {
  let opening: Promise<EventStore> | null = null;
  return {
    get() {
      opening ??= open().catch((error: unknown) => {
        opening = null;
        throw error;
      });
      return opening;
    },
    async close() {
      const pending = opening;
      opening = null;
      if (pending !== null) await pending.then((store) => store.close()).catch(() => undefined);
    },
  };
}
