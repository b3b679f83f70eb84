/**
 * `clarion reviews list|resolve`: the review queue filled by the `defer` action, from Redis when
 * the config (or REDIS_URL) names one, else from the embedded store in the data directory.
 */
import { createReviewQueue, type ReviewItem, type ReviewQueue } from '../policy/reviews.js';
import { closeRedis, openRedis, redisConfigured, type RedisClient } from '../storage/redis.js';
import { arg, command, group } from './framework/command.js';
import { jsonLine, write, type CliIo } from './framework/io.js';
import { choice, JSON_OPTION, number, string } from './framework/options.js';
import { storeLocation, STORE_OPTIONS, type StoreValues } from './sources.js';

/** Opens the queue where the config says it is, runs `use`, and closes everything whatever happens. */
async function withQueue<T>(values: StoreValues, io: CliIo, use: (queue: ReviewQueue) => Promise<T>): Promise<T> {
  const { loaded, dataDir } = storeLocation(values, io);
  const { redis: settings } = loaded.config;
  const timeoutMs = Math.max(settings.commandTimeoutMs, 2_000);
  // Commands fail at once while disconnected (no offline queue), so openRedis waits for the connection.
  const redis: RedisClient | null = redisConfigured(settings)
    ? await openRedis(settings, { name: 'clarion-cli', commandTimeoutMs: timeoutMs, waitMs: timeoutMs })
    : null;
  const queue = createReviewQueue({ redis, prefix: settings.prefix, dataDir, redact: (text) => text });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    if (redis !== null) await closeRedis(redis);
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function formatItem(item: ReviewItem): string {
  let out = `${item.id}  ${item.status}  ${item.time}  tenant=${item.tenant ?? '-'}  model=${item.model}  norm=${item.norm ?? '-'}\n`;
  out += `    ${oneLine(item.text, 160)}\n`;
  if (item.resolution !== undefined) {
    const by = item.resolution.by !== undefined ? ` by ${item.resolution.by}` : '';
    const note = item.resolution.note !== undefined ? `: ${oneLine(item.resolution.note, 120)}` : '';
    out += `    resolved ${item.resolution.time}${by}${note}\n`;
  }
  return out;
}

const list = command({
  summary: 'list deferred requests, newest first',
  options: {
    status: choice(['open', 'resolved', 'all'], 'which reviews', { default: 'open' }),
    limit: number('N', 'at most N reviews', { integer: true, min: 1, default: 100 }),
    json: JSON_OPTION,
    ...STORE_OPTIONS,
  },
  async run({ values, io }) {
    const items = await withQueue(values, io, (queue) => queue.list({ status: values.status, limit: values.limit }));
    if (values.json) for (const item of items) await write(io.stdout, jsonLine(item));
    else await write(io.stdout, items.length === 0 ? 'no reviews\n' : items.map(formatItem).join(''));
    return 0;
  },
});

const resolveReview = command({
  summary: 'mark a review resolved (exit 1 when the id is unknown)',
  args: [arg('id', 'the review id (rv-...)')],
  options: {
    note: string('TEXT', 'what was done'),
    by: string('NAME', 'who resolved it'),
    json: JSON_OPTION,
    ...STORE_OPTIONS,
  },
  async run({ args, values, io, path }) {
    const resolution: { by?: string; note?: string } = {};
    if (values.by !== undefined) resolution.by = values.by;
    if (values.note !== undefined) resolution.note = values.note;
    const resolved = await withQueue(values, io, (queue) => queue.resolve(args.id, resolution));
    if (!resolved) {
      await write(io.stderr, `${path}: no review with id ${args.id}\n`);
      return 1;
    }
    await write(io.stdout, values.json ? jsonLine({ id: args.id, resolved: true }) : `resolved ${args.id}\n`);
    return 0;
  },
});

export default group({
  commands: { list, resolve: resolveReview },
});
