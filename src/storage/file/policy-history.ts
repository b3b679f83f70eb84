/** Policy history in the embedded store: `<dataDir>/policy-history.jsonl`, one entry per line, appended. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { nextEntry, PolicyHistoryEntrySchema, type PolicyHistoryEntry, type PolicyHistoryStore } from '../../policy/history.js';
import { appendWhole, parseJsonLine, readLines } from '../lines.js';

export class FilePolicyHistory implements PolicyHistoryStore {
  readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, 'policy-history.jsonl');
  }

  record(entry: Omit<PolicyHistoryEntry, 'diff'>): Promise<PolicyHistoryEntry | null> {
    const next = this.chain.then(async () => {
      const stored = nextEntry((await this.list()).at(-1), entry);
      if (stored === null) return null;
      await mkdir(this.dataDir, { recursive: true });
      await appendWhole(this.file, `${JSON.stringify(stored)}\n`);
      return stored;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  async list(): Promise<PolicyHistoryEntry[]> {
    const out: PolicyHistoryEntry[] = [];
    for await (const line of readLines(this.file)) {
      const parsed = PolicyHistoryEntrySchema.safeParse(parseJsonLine(line.text));
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.chain;
  }
}
