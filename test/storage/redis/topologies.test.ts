/**
 * Scale-out on replicated Redis, with real processes: a Redis Cluster (3 masters, 3 replicas) and
 * a Sentinel setup (1 master, 1 replica, 3 Sentinels), each shared by two `clarion serve`
 * processes. Mixed load goes through both instances while a master is killed; then every event is
 * in the store exactly once (count and ids), a clarification budget spent through one instance
 * holds on the other, and the rollup stats agree with the events.
 *
 * Timing is generous and everything is polled for (the test machine is shared and loaded).
 */
import { bareEventId } from '../../../src/events/capability.js';
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config/load.js';
import type { StoredEvent } from '../../../src/events/store.js';
import { openEventStore } from '../../../src/storage/index.js';
import { shardOf } from '../../../src/storage/redis/keys.js';
import type { RedisEventStore } from '../../../src/storage/redis/events.js';
import { startFakeUpstream, type FakeUpstream } from '../../fixtures/fake-upstream.js';
import { clarion } from '../../helpers/cli.js';
import { startRedisCluster, startRedisSentinel, until } from '../../helpers/redis-topology.js';
import { CLI_FROM_SOURCE, LISTENING_ADDRESS, spawnNode, waitForOutput, writeServeConfig, type NodeProcess } from '../../helpers/spawn.js';

const POLICY = [
  'version: topology-1',
  'norms:',
  '  - name: ask',
  '    when: { headers: { x-test-action: respond } }',
  '    then: { action: clarify, mode: respond, reply: "Which language?" }',
  '',
].join('\n');

/** Every `clarion serve` this file started, killed when it ends whatever happened. */
const serving = new Set<NodeProcess>();
process.once('exit', () => {
  for (const proc of serving) proc.child.kill('SIGKILL');
});

/** The event log's own lines (spooling, replay, Redis up/down) per instance URL, the last 40 kept: the story of a failure. */
const eventLogLines = new Map<string, string[]>();

/** `clarion serve` from source; start-up may take long on a loaded machine. */
async function serve(configFile: string, env: NodeJS.ProcessEnv): Promise<NodeProcess & { url: string }> {
  const proc = spawnNode([...CLI_FROM_SOURCE, 'serve'], { CLARION_CONFIG: configFile, PORT: '0', ...env });
  serving.add(proc);
  void proc.exited.then(() => serving.delete(proc));
  const match = await waitForOutput(proc, LISTENING_ADDRESS, 'clarion serve', 120_000);
  proc.stopCollecting();
  const url = match[1] as string;
  const lines: string[] = [];
  eventLogLines.set(url, lines);
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.includes('event log')) continue;
      lines.push(line.slice(0, 300));
      if (lines.length > 40) lines.shift();
    }
  });
  return { ...proc, url };
}

interface Deployment {
  dir: string;
  configFile: string;
  instances: (NodeProcess & { url: string })[];
}

/** Two `clarion serve` processes with the same config (`redisSection` in flow style). */
async function deploy(upstream: FakeUpstream, redisSection: string, shards: number): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-topology-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  const configFile = join(dir, 'clarion.yaml');
  writeServeConfig(configFile, {
    // The tests name conversations and tenants in headers, as a trusted gateway would.
    server: 'trustClientHeaders: true',
    upstreams: [
      `{ name: openai, api: openai, baseUrl: "${upstream.openaiBaseUrl}" }`,
      `{ name: anthropic, api: anthropic, baseUrl: "${upstream.anthropicBaseUrl}" }`,
    ],
    extra: [
      `redis: ${redisSection}`,
      // Every request becomes an event; writes count only once a replica has them; retry soon after a failure.
      `events: { shards: ${shards}, record: { passSampleRate: 1 }, writer: { waitReplicas: 1, retryMs: 300 } }`,
      'logging: { level: info, requests: false }',
    ],
    // A loaded machine must not turn a slow memory read into a fail-open "budget spent".
    policy: '{ file: policy.yaml, memoryTimeoutMs: 3000 }',
    dataDir: join(dir, 'data'),
  });
  // The environment must not name another Redis than the config.
  const env = { REDIS_URL: '', REDIS_CLUSTER_NODES: '' };
  const instances = await Promise.all([serve(configFile, env), serve(configFile, env)]);
  return { dir, configFile, instances };
}

async function undeploy(deployment: Deployment | undefined): Promise<void> {
  for (const proc of serving) proc.child.kill('SIGKILL');
  if (deployment !== undefined) rmSync(deployment.dir, { recursive: true, force: true });
}

interface Sent {
  ids: string[];
  failures: string[];
}

const CHAT = (text: string): string => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
const MESSAGES = (text: string): string => JSON.stringify({ model: 'claude-3-5-haiku', max_tokens: 64, messages: [{ role: 'user', content: text }] });

/** One request of the mix (chat, a clarification, messages), by number; returns its event id or why it failed. */
async function send(url: string, n: number): Promise<{ id: string | null; failure: string | null }> {
  const kind = n % 3;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-clarion-conversation-id': `load-${n}-${randomUUID()}` };
  if (kind === 1) headers['x-test-action'] = 'respond';
  if (kind === 2) headers['anthropic-version'] = '2023-06-01';
  const path = kind === 2 ? '/v1/messages' : '/v1/chat/completions';
  const body = kind === 2 ? MESSAGES(`Summarise item ${n}.`) : CHAT(`Translate item ${n} into French.`);
  try {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    await response.text();
    if (response.status !== 200) return { id: null, failure: `${path} ${response.status}` };
    const id = response.headers.get('x-clarion-event-id'); // ID.mac
    return id === null ? { id: null, failure: `${path}: no event id` } : { id: bareEventId(id), failure: null };
  } catch (error) {
    return { id: null, failure: `${path}: ${String(error)}` };
  }
}

/**
 * Mixed load through both instances, 4 requests in flight, while `disrupt` runs: keeps going
 * until `disrupt` finished and `after` more requests went through, at most `max` in all.
 */
async function loadDuring(urls: string[], disrupt: () => Promise<void>, options: { before: number; after: number; max: number }): Promise<Sent> {
  const sent: Sent = { ids: [], failures: [] };
  const progress = { issued: 0, afterDisruption: 0, disrupted: false, disruption: null as Promise<void> | null };
  const worker = async (): Promise<void> => {
    while (progress.issued < options.max && !(progress.disrupted && progress.afterDisruption >= options.after)) {
      const n = progress.issued++;
      if (n === options.before && progress.disruption === null) {
        progress.disruption = disrupt().then(() => {
          progress.disrupted = true;
        });
      }
      const { id, failure } = await send(urls[n % urls.length] as string, n);
      if (id !== null) sent.ids.push(id);
      if (failure !== null) sent.failures.push(failure);
      if (progress.disrupted) progress.afterDisruption++;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await progress.disruption;
  assert.ok(progress.disrupted, `the disruption finished within ${options.max} requests`);
  return sent;
}

async function action(url: string, conversation: string): Promise<{ action: string | null; id: string | null }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-action': 'respond', 'x-clarion-conversation-id': conversation },
    body: CHAT('Translate this for me please.'),
  });
  await response.text();
  assert.equal(response.status, 200);
  return { action: response.headers.get('x-clarion-action'), id: bareEventId(response.headers.get('x-clarion-event-id') ?? '') || null }; // the header is ID.mac
}

/** A budget of one clarification per conversation, spent through one instance, is seen by the other (both ways). */
async function budgetAcrossInstances([a, b]: string[]): Promise<string[]> {
  const ids: string[] = [];
  const check = async (first: string, second: string): Promise<void> => {
    const conversation = `budget-${randomUUID()}`;
    const asked = await action(first, conversation);
    assert.equal(asked.action, 'clarify', 'a fresh conversation gets its question');
    // The count is written after the answer (fire-and-forget): poll the other instance until it sees it.
    let seen = await action(second, conversation);
    ids.push(asked.id ?? '', seen.id ?? '');
    const deadline = Date.now() + 20_000;
    while (seen.action !== 'annotate' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = await action(second, conversation);
      ids.push(seen.id ?? '');
    }
    assert.equal(seen.action, 'annotate', 'the budget spent on the other instance holds');
  };
  await check(a as string, b as string);
  await check(b as string, a as string);
  return ids;
}

/** Every stored event id, oldest first, read through the same store `clarion events` uses. */
async function storedIds(store: RedisEventStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of store.list({}) as AsyncIterable<StoredEvent>) ids.push(event.id);
  return ids;
}

/** The event writers' state on each instance (metrics lines and readiness), for a failure message. */
async function writerState(urls: string[]): Promise<string> {
  const states = await Promise.all(
    urls.map(async (url) => {
      try {
        const metrics = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
        const lines = metrics.split('\n').filter((l) => /^clarion_(events_|redis_up)/.test(l));
        const ready = await (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) })).text();
        return `${url}: ${lines.join(', ')}; readyz ${ready}\n  ${(eventLogLines.get(url) ?? []).join('\n  ')}`;
      } catch (error) {
        return `${url}: ${String(error)}`;
      }
    }),
  );
  return states.join('\n');
}

/** Polls until the store holds every expected id, then checks it holds each exactly once and nothing else, and that stats agree. */
async function assertEventsExact(store: RedisEventStore, expected: string[], shards: number, urls: string[]): Promise<void> {
  assert.equal(new Set(expected).size, expected.length, 'event ids in responses are unique');
  const want = new Set(expected);
  let stored: string[] = [];
  let readError: unknown = null;
  try {
    await until(
      `all ${expected.length} events to be stored`,
      async () => {
        stored = await storedIds(store).catch((error: unknown) => {
          readError = error;
          return [];
        });
        return stored.filter((id) => want.has(id)).length >= want.size;
      },
      90_000,
    );
  } catch (error) {
    const missing = expected.filter((id) => !stored.includes(id));
    const missingShards = missing.map((id) => shardOf(id, shards));
    throw new Error(
      `${String(error)}: ${missing.length} missing (shards ${[...new Set(missingShards)].join(',')}), last read error ${String(readError)}\n${await writerState(urls)}`,
      { cause: error },
    );
  }
  assert.equal(stored.length, expected.length, `stored ${stored.length} events for ${expected.length} responses`);
  assert.deepEqual([...stored].sort(), [...expected].sort());
  // Exactly once, also at the stream level (the reader could hide duplicates).
  let entries = 0;
  for (const keys of store.shards) entries += await store.client.xlen(keys.stream);
  assert.equal(entries, expected.length, 'stream entries across shards');
  if (shards > 1) assert.ok(new Set(expected.map((id) => shardOf(id, shards))).size === shards, 'events went to every shard');
  const rollup = await store.stats({});
  const scanned = await store.stats({}, { forceScan: true });
  assert.equal(rollup.source, 'rollup');
  assert.equal(rollup.total, expected.length);
  assert.deepEqual({ ...rollup, source: 'scan' }, scanned, 'rollups match the events');
}

/** Sums an event-log counter over the instances' `/metrics`. */
async function counterSum(urls: string[], name: string): Promise<number> {
  let sum = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    sum += Number(line?.split(' ')[1] ?? NaN);
  }
  return sum;
}

/**
 * Nothing was dropped; with `mustSpool`, the failover reached the event writers (they spooled and
 * replayed). On Cluster the client may instead retry a command on the promoted replica within its
 * timeout, so there spooling is possible but not certain.
 */
async function assertWritersRecovered(urls: string[], mustSpool: boolean): Promise<{ spooled: number; replayed: number }> {
  assert.equal(await counterSum(urls, 'clarion_events_dropped_total'), 0);
  const spooled = await counterSum(urls, 'clarion_events_spooled_total');
  const replayed = await counterSum(urls, 'clarion_events_replayed_total');
  if (mustSpool) {
    assert.ok(spooled > 0, 'writes failed during the failover and were spooled');
    assert.ok(replayed > 0, 'the spool was replayed');
  }
  return { spooled, replayed };
}

async function stopInstances(deployment: Deployment): Promise<void> {
  await Promise.all(
    deployment.instances.map(async (instance) => {
      instance.child.kill('SIGTERM');
      const code = await instance.exited;
      assert.equal(code, 0, 'clarion serve exits cleanly');
    }),
  );
}

/** What one failover scenario needs: the `redis` config section, the event shards, and how to fail the master. */
interface FailoverScenario {
  redis: string;
  shards: number;
  /** Kills a master and resolves once the topology is healthy again. */
  disrupt: () => Promise<void>;
  load: { before: number; after: number; max: number };
  /** Whether the failover must reach the event writers (see assertWritersRecovered). */
  mustSpool: boolean;
}

/** What a scenario started, for its `after` hook to stop whatever happened. */
interface Started {
  deployment?: Deployment;
  store?: RedisEventStore;
}

/**
 * Two instances under mixed load while the master fails, then a budget spent across them; every
 * event is stored exactly once, rollups match, the writers recovered, and it all still holds after
 * both instances flushed and stopped. Returns what was expected, for topology-specific checks.
 */
async function failoverUnderLoad(
  t: TestContext,
  upstream: FakeUpstream,
  scenario: FailoverScenario,
  started: Started,
): Promise<{ deployment: Deployment; expected: string[] }> {
  const deployment = await deploy(upstream, scenario.redis, scenario.shards);
  started.deployment = deployment;
  const urls = deployment.instances.map((i) => i.url);
  const sent = await loadDuring(urls, scenario.disrupt, scenario.load);
  assert.deepEqual(sent.failures, [], 'every request succeeded through the failover');
  const budgetIds = await budgetAcrossInstances(urls);

  const config = parseConfig(
    `upstreams: [{ name: o, api: openai, baseUrl: "http://127.0.0.1:1/v1" }]\nredis: ${scenario.redis}\nevents: { shards: ${scenario.shards} }\n`,
    'test.yaml',
    {},
  );
  const store = (await openEventStore(config, deployment.dir)) as RedisEventStore;
  started.store = store;
  const expected = [...sent.ids, ...budgetIds];
  await assertEventsExact(store, expected, scenario.shards, urls);
  const writers = await assertWritersRecovered(urls, scenario.mustSpool);
  t.diagnostic(`${expected.length} events, ${writers.spooled} spooled and ${writers.replayed} replayed during the failover`);
  if (process.env.CLARION_TOPOLOGY_VERBOSE === '1') for (const line of (await writerState(urls)).split('\n')) t.diagnostic(line);
  await stopInstances(deployment);
  // Still exact after both instances flushed and stopped.
  assert.equal((await storedIds(store)).length, expected.length);
  return { deployment, expected };
}

describe('Redis Cluster: two instances, a master killed under load', { timeout: 420_000 }, () => {
  let upstream: FakeUpstream;
  let cluster: Awaited<ReturnType<typeof startRedisCluster>> | undefined;
  const started: Started = {};

  before(async () => {
    upstream = await startFakeUpstream();
  });
  after(async () => {
    await started.store?.close();
    await undeploy(started.deployment);
    await cluster?.stop();
    await upstream.close();
  });

  test('events exact, budget shared, stats match', async (t) => {
    const live = (cluster = await startRedisCluster());
    const prefix = `clarion-test-${randomUUID().slice(0, 8)}:`;
    // Kill the master of event shard 0 (and of whatever conversation keys share its node).
    const victim = await live.masterOf(`{${prefix}events:0}`);
    const { deployment, expected } = await failoverUnderLoad(
      t,
      upstream,
      {
        redis: `{ cluster: { nodes: [${live.addresses.map((a) => `"${a}"`).join(', ')}] }, prefix: "${prefix}", commandTimeoutMs: 2000 }`,
        shards: 2,
        disrupt: () => live.failover(victim),
        load: { before: 60, after: 90, max: 3_000 },
        mustSpool: false,
      },
      started,
    );
    // The CLI reads the same through the cluster.
    const cli = await clarion(['events', 'stats', '--json', '--config', deployment.configFile], { env: {} });
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { total: number }).total, expected.length);
  });
});

describe('Redis Sentinel: two instances, the master killed under load', { timeout: 420_000 }, () => {
  let upstream: FakeUpstream;
  let sentinel: Awaited<ReturnType<typeof startRedisSentinel>> | undefined;
  const started: Started = {};

  before(async () => {
    upstream = await startFakeUpstream();
  });
  after(async () => {
    await started.store?.close();
    await undeploy(started.deployment);
    await sentinel?.stop();
    await upstream.close();
  });

  test('events exact, budget shared, stats match', async (t) => {
    const live = (sentinel = await startRedisSentinel());
    const prefix = `clarion-test-${randomUUID().slice(0, 8)}:`;
    await failoverUnderLoad(
      t,
      upstream,
      {
        redis: `{ sentinel: { name: ${live.name}, sentinels: [${live.sentinelAddresses.map((a) => `"${a}"`).join(', ')}] }, prefix: "${prefix}", commandTimeoutMs: 2000 }`,
        shards: 1,
        disrupt: () => live.failover(),
        load: { before: 30, after: 45, max: 2_000 },
        mustSpool: true,
      },
      started,
    );
  });
});
