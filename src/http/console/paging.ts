/**
 * Newest-first pages of events for the console's list. Each page is read by the store from the
 * stored position in its cursor (`EventStore.page`: a stream entry per Redis shard, a byte offset
 * in a file-store day segment), never by skipping the events earlier pages showed, and reads at
 * most PAGE_SCAN stored events: a page costs the same at any depth, and a rare filter returns a
 * short page (`partial`) with a cursor to read on rather than scanning the whole log in one request.
 */
import type { EventFilter, EventPage, EventStore } from '../../events/store.js';

/** Most stored events one page reads, matching or not. */
export const PAGE_SCAN = 5_000;

export async function eventPage(store: Pick<EventStore, 'page'>, filter: EventFilter, limit: number, cursor?: string): Promise<EventPage> {
  const query: EventFilter = { ...filter, order: 'desc' };
  delete query.limit;
  return store.page(query, { limit, maxScan: PAGE_SCAN, ...(cursor === undefined || cursor === '' ? {} : { cursor }) });
}
