/**
 * `clarion reviews list [--status open|resolved|all] [--limit N] [--json]`
 * `clarion reviews resolve ID [--note TEXT] [--by NAME]`
 * The review queue filled by the `defer` action, from Redis when the config (or REDIS_URL) names
 * one, else from the embedded store in the data directory (`storage.dataDir` relative to the
 * working directory, or --data-dir).
 */
import { resolve } from 'node:path';
import { ConfigError, defaultConfigPath, loadConfig } from '../config/load.js';
import { createReviewQueue, type ReviewItem, type ReviewQueue, type ReviewStatusFilter } from '../policy/reviews.js';
import { createRedisClient, type Redis } from '../storage/redis.js';

const USAGE = `usage: clarion reviews list [--status open|resolved|all] [--limit N] [--json]
       clarion reviews resolve ID [--note TEXT] [--by NAME]

common options: --config FILE (default CLARION_CONFIG or the shipped config), --data-dir DIR
Redis is used when REDIS_URL or redis.url is set, else the embedded store under the data dir.`;

interface Options {
  positional: string[];
  status: ReviewStatusFilter;
  limit: number;
  json: boolean;
  note: string | undefined;
  by: string | undefined;
  config: string | undefined;
  dataDir: string | undefined;
}

class UsageError extends Error {}

function parseArgs(args: string[]): Options {
  const options: Options = { positional: [], status: 'open', limit: 100, json: false, note: undefined, by: undefined, config: undefined, dataDir: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--status': {
        const status = value();
        if (status !== 'open' && status !== 'resolved' && status !== 'all') throw new UsageError('--status must be open, resolved or all');
        options.status = status;
        break;
      }
      case '--limit': {
        const limit = Number(value());
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
        options.limit = limit;
        break;
      }
      case '--json':
        options.json = true;
        break;
      case '--note':
        options.note = value();
        break;
      case '--by':
        options.by = value();
        break;
      case '--config':
        options.config = value();
        break;
      case '--data-dir':
        options.dataDir = value();
        break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        options.positional.push(arg);
    }
  }
  return options;
}

async function connect(url: string, timeoutMs: number): Promise<Redis> {
  const redis = createRedisClient(url, { name: 'clarion-cli', commandTimeoutMs: timeoutMs });
  // Commands fail at once while disconnected (no offline queue), so wait for the connection.
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')} did not answer within ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      ready();
    });
    redis.on('error', () => {});
  }).catch((error: unknown) => {
    redis.disconnect();
    throw error;
  });
  return redis;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function printHuman(items: ReviewItem[]): void {
  if (items.length === 0) {
    process.stdout.write('no reviews\n');
    return;
  }
  for (const item of items) {
    process.stdout.write(`${item.id}  ${item.status}  ${item.time}  tenant=${item.tenant ?? '-'}  model=${item.model}  norm=${item.norm ?? '-'}\n`);
    process.stdout.write(`    ${oneLine(item.text, 160)}\n`);
    if (item.resolution !== undefined) {
      const by = item.resolution.by !== undefined ? ` by ${item.resolution.by}` : '';
      const note = item.resolution.note !== undefined ? `: ${oneLine(item.resolution.note, 120)}` : '';
      process.stdout.write(`    resolved ${item.resolution.time}${by}${note}\n`);
    }
  }
}

async function execute(sub: string, options: Options, queue: ReviewQueue): Promise<number> {
  if (sub === 'list') {
    if (options.positional.length > 0) throw new UsageError('list takes no arguments');
    const items = await queue.list({ status: options.status, limit: options.limit });
    if (options.json) for (const item of items) process.stdout.write(`${JSON.stringify(item)}\n`);
    else printHuman(items);
    return 0;
  }
  const [id, extra] = options.positional;
  if (id === undefined || extra !== undefined) throw new UsageError('resolve takes exactly one review id');
  const resolution: { by?: string; note?: string } = {};
  if (options.by !== undefined) resolution.by = options.by;
  if (options.note !== undefined) resolution.note = options.note;
  if (!(await queue.resolve(id, resolution))) {
    process.stderr.write(`clarion reviews: no review with id ${id}\n`);
    return 1;
  }
  process.stdout.write(`resolved ${id}\n`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (sub !== 'list' && sub !== 'resolve') {
    process.stderr.write(`${sub === undefined ? '' : `clarion reviews: unknown subcommand "${sub}"\n`}${USAGE}\n`);
    return 2;
  }
  let options: Options;
  try {
    options = parseArgs(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`clarion reviews: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  let loaded;
  try {
    loaded = loadConfig(options.config ?? defaultConfigPath());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`clarion reviews: invalid config ${error.file}\n`);
    for (const problem of error.problems) process.stderr.write(`  ${problem}\n`);
    return 1;
  }
  const { config } = loaded;
  const redis = config.redis.url !== undefined ? await connect(config.redis.url, Math.max(config.redis.commandTimeoutMs, 2_000)) : null;
  const queue = createReviewQueue({
    redis,
    prefix: config.redis.prefix,
    dataDir: resolve(options.dataDir ?? config.storage.dataDir),
    redact: (text) => text,
  });
  try {
    return await execute(sub, options, queue);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`clarion reviews: ${error.message}\n${USAGE}\n`);
    return 2;
  } finally {
    await queue.close();
    if (redis !== null) await redis.quit().catch(() => redis.disconnect());
  }
}
