/**
 * The review queue without Redis: one append-only JSON-lines file,
 * `<dataDir>/reviews/reviews.jsonl`, holding item lines and resolution lines; the queue is the
 * fold of the file. Lines that do not fit the schema (a torn last line after a crash) are skipped.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  hasStatus,
  parseStored,
  ReviewResolutionSchema,
  StoredReviewSchema,
  withStatus,
  type ReviewItem,
  type ReviewResolution,
  type ReviewStatusFilter,
  type ReviewStore,
  type StoredReview,
} from '../../policy/review-store.js';
import { appendWhole } from '../lines.js';
import { PRIVATE_DIR } from '../private-files.js';

const LineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('item'), item: StoredReviewSchema }),
  z.object({ kind: z.literal('resolution'), id: z.string(), resolution: ReviewResolutionSchema }),
]);
type Line = z.infer<typeof LineSchema>;

export class FileReviewStore implements ReviewStore {
  private readonly dir: string;
  private readonly file: string;
  // Appends are chained so lines land in call order and readers can wait for them.
  private chain: Promise<void> = Promise.resolve();
  private dirReady = false;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'reviews');
    this.file = join(this.dir, 'reviews.jsonl');
  }

  add(item: StoredReview): Promise<void> {
    return this.append({ kind: 'item', item });
  }

  async list(status: ReviewStatusFilter, limit: number): Promise<ReviewItem[]> {
    return (await this.fold()).filter((item) => hasStatus(status, item)).slice(0, limit);
  }

  async resolve(id: string, resolution: ReviewResolution): Promise<StoredReview | null> {
    const items = await this.fold();
    const found = items.find((item) => item.id === id);
    if (found === undefined) return null;
    await this.append({ kind: 'resolution', id, resolution });
    const { status, resolution: previous, ...item } = found;
    void [status, previous];
    return item;
  }

  async close(): Promise<void> {
    await this.chain;
  }

  private append(line: Line): Promise<void> {
    const next = this.chain.then(async () => {
      if (!this.dirReady) {
        await mkdir(this.dir, PRIVATE_DIR);
        this.dirReady = true;
      }
      await appendWhole(this.file, `${JSON.stringify(line)}\n`);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Every item with its status, newest first. */
  private async fold(): Promise<ReviewItem[]> {
    await this.chain;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const items = new Map<string, StoredReview>();
    const resolved = new Map<string, ReviewResolution>();
    for (const raw of text.split('\n')) {
      const line = raw === '' ? null : parseStored(LineSchema, raw);
      if (line === null) continue;
      if (line.kind === 'item') items.set(line.item.id, line.item);
      else resolved.set(line.id, line.resolution);
    }
    const out: ReviewItem[] = [];
    for (const item of items.values()) out.push(withStatus(item, resolved.get(item.id)));
    return out.reverse();
  }
}
