/**
 * Newest-first pages of events for the console's list, with an opaque cursor: the id of the last
 * event shown. The next page asks the store for events up to shortly after that event's time (so
 * the store seeks instead of reading every newer event) and skips until it passes the cursor.
 * Events are stored in the order they finished, not the order they arrived, so the window reaches
 * SLACK_MS past the cursor's time to take in requests that arrived later but finished sooner.
 */
import { ClarionError } from '../../errors.js';
import { eventIdTime } from '../../events/id.js';
import type { EventFilter, EventStore, StoredEvent } from '../../events/store.js';

/** Longer than any request takes from arrival to its event being written. */
const SLACK_MS = 15 * 60_000;

export interface EventPage {
  events: StoredEvent[];
  /** Cursor of the next (older) page, null on the last page. */
  next: string | null;
}

export async function eventPage(store: Pick<EventStore, 'list'>, filter: EventFilter, limit: number, cursor?: string): Promise<EventPage> {
  const query: EventFilter = { ...filter, order: 'desc' };
  delete query.limit;
  let skipping = false;
  if (cursor !== undefined && cursor !== '') {
    const at = eventIdTime(cursor);
    if (at === null) throw new ClarionError('CLARION_INVALID_REQUEST', 'cursor is not an event id');
    query.until = Math.min(filter.until ?? Infinity, at + SLACK_MS);
    skipping = true;
  }
  const events: StoredEvent[] = [];
  // When the cursor's event is gone (trimmed by retention), fall back to ids older than it.
  const fallback: StoredEvent[] = [];
  for await (const event of store.list(query)) {
    if (skipping) {
      if (event.id === cursor) skipping = false;
      else if (cursor !== undefined && event.id < cursor && fallback.length <= limit) fallback.push(event);
      continue;
    }
    events.push(event);
    if (events.length > limit) break;
  }
  const found = skipping ? fallback : events;
  const more = found.length > limit;
  const shown = found.slice(0, limit);
  return { events: shown, next: more ? (shown.at(-1)?.id ?? null) : null };
}
