/**
 * Event-store throughput on a local Redis Cluster (3 masters + 3 replicas, started here on free
 * ports) with `events.shards` = 1, 2 and 4: events stored per second in total and per shard, the
 * Redis CPU they cost (INFO cpu of the masters), and so how many events one Redis core takes —
 * the ceiling of one shard, since a shard's stream lives on one master's single thread.
 *
 * The writer side is the store's append (the event log's batches: 256 events per pipeline, 8 in
 * flight), fed pre-built events, so the client's JSON building is not what is measured. Bounded:
 * at most EVENTS events or SECONDS seconds per shard count.
 *
 *   npx tsx bench/shards.ts            (BENCH_SHARD_SECONDS, BENCH_SHARD_EVENTS, BENCH_WAIT_REPLICAS=1 to confirm on replicas)
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { buildEvent } from '../src/events/build.js';
import { EventsConfigSchema } from '../src/events/config.js';
import { createIdGenerator } from '../src/events/id.js';
import type { ClarionEvent } from '../src/events/schema.js';
import { closeRedis, openRedis } from '../src/storage/redis.js';
import { RedisEventStore } from '../src/storage/redis/events.js';
import { eventInput } from '../test/events/fixtures.js';
import { startRedisCluster } from '../test/helpers/redis-topology.js';

const SECONDS = Number(process.env.BENCH_SHARD_SECONDS ?? 5);
const EVENTS = Number(process.env.BENCH_SHARD_EVENTS ?? 150_000);
const WAIT_REPLICAS = Number(process.env.BENCH_WAIT_REPLICAS ?? 0);
const BATCH = 256;
const IN_FLIGHT = 8;

export interface ShardBenchRow {
  shards: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  perShard: number;
  /** Redis CPU (user + sys, all masters) per 1,000 events, ms. */
  redisCpuMsPerThousand: number;
  /** Events one Redis core stores per second at that cost: the ceiling of one shard. */
  eventsPerRedisCore: number;
  /** Client CPU (this process) per 1,000 events, ms. */
  clientCpuMsPerThousand: number;
}

/** A pool of realistic serialized events (the tests' builder), reused with fresh ids. */
function eventPool(): ClarionEvent[] {
  const redaction = EventsConfigSchema.parse({}).redaction;
  const next = createIdGenerator();
  return Array.from({ length: 512 }, (_, i) =>
    buildEvent(
      eventInput({
        id: next(),
        text: `Translate this paragraph for the newsletter, version ${i}; contact ops@example.com if unclear.`,
        context: { model: i % 2 === 0 ? 'gpt-4o-mini' : 'claude-sonnet-4', tenant: `tenant-${i % 7}`, headers: {}, conversationId: `conv-${i}` },
      }),
      'bench',
      redaction,
    ),
  );
}

async function redisCpuSeconds(ports: number[]): Promise<number> {
  let total = 0;
  for (const port of ports) {
    const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
    try {
      const info = await client.info('cpu');
      for (const field of ['used_cpu_user', 'used_cpu_sys']) {
        const match = new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info);
        total += Number(match?.[1] ?? 0);
      }
    } finally {
      client.disconnect();
    }
  }
  return total;
}

export async function benchShards(shardCounts: number[] = [1, 2, 4]): Promise<{ rows: ShardBenchRow[]; load: number[] }> {
  const cluster = await startRedisCluster();
  const rows: ShardBenchRow[] = [];
  const load = loadavg();
  try {
    const settings = { cluster: { nodes: cluster.addresses }, prefix: `bench-${process.pid}:`, commandTimeoutMs: 5_000 };
    const client = await openRedis(settings, { name: 'clarion-bench-shards', waitMs: 30_000 });
    const pool = eventPool();
    const masters = async (): Promise<number[]> => {
      const ports: number[] = [];
      for (const n of cluster.nodes) {
        const probe = new Redis({ port: n.port, host: '127.0.0.1', maxRetriesPerRequest: 0 });
        const role = await probe.role().catch(() => ['?']);
        probe.disconnect();
        if (role[0] === 'master') ports.push(n.port);
      }
      return ports;
    };
    const masterPorts = await masters();
    for (const shards of shardCounts) {
      const prefix = `${settings.prefix}s${shards}:`;
      const store = new RedisEventStore(client, prefix, EventsConfigSchema.parse({ shards, writer: { waitReplicas: WAIT_REPLICAS } }), false, 5_000);
      const next = createIdGenerator();
      const batches = (): { events: ClarionEvent[]; serialized: string[] } => {
        const events = Array.from({ length: BATCH }, (_, i) => ({ ...(pool[i % pool.length] as ClarionEvent), id: next() }));
        return { events, serialized: events.map((e) => JSON.stringify(e)) };
      };
      const cpuBefore = await redisCpuSeconds(masterPorts);
      const clientBefore = process.cpuUsage();
      const start = process.hrtime.bigint();
      const elapsed = (): number => Number(process.hrtime.bigint() - start) / 1e9;
      let written = 0;
      let sent = 0;
      const worker = async (): Promise<void> => {
        while (sent < EVENTS && elapsed() < SECONDS) {
          const { events, serialized } = batches();
          sent += events.length;
          const outcome = await store.append(events, serialized);
          if (outcome.failed.length > 0) throw new Error(`append failed: ${String(outcome.error)}`);
          written += outcome.written;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const seconds = elapsed();
      const clientCpu = process.cpuUsage(clientBefore);
      const redisCpu = (await redisCpuSeconds(masterPorts)) - cpuBefore;
      let stored = 0;
      for (const keys of store.shards) stored += await client.xlen(keys.stream);
      if (stored !== written) throw new Error(`stored ${stored} of ${written} events`);
      rows.push({
        shards,
        events: written,
        seconds: Number(seconds.toFixed(2)),
        eventsPerSecond: Math.round(written / seconds),
        perShard: Math.round(written / seconds / shards),
        redisCpuMsPerThousand: Number(((redisCpu * 1e6) / written).toFixed(1)),
        eventsPerRedisCore: Math.round(written / redisCpu),
        clientCpuMsPerThousand: Number(((clientCpu.user + clientCpu.system) / 1e3 / (written / 1e3)).toFixed(1)),
      });
      for (const keys of store.shards) await client.del(keys.stream);
    }
    await closeRedis(client);
  } finally {
    await cluster.stop();
  }
  return { rows, load };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows, load } = await benchShards();
  const lines = [
    `event store on a local Redis Cluster (3 masters + 3 replicas), waitReplicas=${WAIT_REPLICAS}, load average at start ${load.map((l) => l.toFixed(1)).join(' ')}`,
    '| shards | events | seconds | events/s total | events/s per shard | Redis CPU ms / 1k events | events per Redis core-second | client CPU ms / 1k events |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.shards} | ${r.events} | ${r.seconds} | ${r.eventsPerSecond} | ${r.perShard} | ${r.redisCpuMsPerThousand} | ${r.eventsPerRedisCore} | ${r.clientCpuMsPerThousand} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(0);
}
