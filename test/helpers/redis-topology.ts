/**
 * Real replicated Redis topologies for tests, on free ports in a temporary directory:
 *   startRedisCluster(): 3 masters + 3 replicas (`redis-server --cluster-enabled yes`, `redis-cli --cluster create`)
 *   startRedisSentinel(): 1 master, 1 replica, 3 Sentinels (`redis-server <file> --sentinel`)
 * Each node can be killed (SIGKILL, like a crash); `waitFor*Failover` polls until a replica took over.
 * Every process is killed when the test process exits, whatever happened.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.js';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface RedisNode {
  port: number;
  address: string;
  kill(): Promise<void>;
}

function launch(args: string[], cwd: string): ChildProcess {
  const child = spawn('redis-server', args, { cwd, stdio: 'ignore' });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function node(port: number, child: ChildProcess): RedisNode {
  return {
    port,
    address: `127.0.0.1:${port}`,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
}

/** A client for polling one node: no retries, short timeouts. */
function probe(port: number): Redis {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, commandTimeout: 2_000 });
  client.on('error', () => undefined);
  return client;
}

async function ask(port: number, ...command: string[]): Promise<unknown> {
  const client = probe(port);
  try {
    await client.connect();
    const [name, ...args] = command;
    return await client.call(name ?? 'PING', ...args);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** Polls `check` every 100 ms until it is true; throws `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const NODE_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

export interface RedisClusterProcesses {
  nodes: RedisNode[];
  /** `host:port` of every node, for `redis.cluster.nodes`. */
  addresses: string[];
  /** The master serving `key`'s slot now. */
  masterOf(key: string): Promise<RedisNode>;
  /** Kills `master` and waits until its replica is master of its slots and the cluster is ok again. */
  failover(master: RedisNode): Promise<void>;
  stop(): Promise<void>;
}

interface ClusterNodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: string[];
}

function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', address = '', flags = '', masterId = '', , , , , ...slots] = line.split(' ');
      return { id, port: Number(address.split('@')[0]?.split(':')[1]), flags: flags.split(','), masterId, slots };
    });
}

export async function startRedisCluster(): Promise<RedisClusterProcesses> {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-cluster-'));
  const nodes: RedisNode[] = [];
  for (let i = 0; i < 6; i++) {
    const port = await freePort();
    const child = launch(
      ['--port', String(port), ...NODE_ARGS, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000'],
      dir,
    );
    nodes.push(node(port, child));
  }
  for (const n of nodes) await until(`node ${n.port} to answer`, async () => (await ask(n.port, 'PING')) === 'PONG', 20_000);
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', '1', '--cluster-yes'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  const clusterNodes = async (port: number): Promise<ClusterNodeLine[]> => {
    const text = await ask(port, 'CLUSTER', 'NODES');
    return typeof text === 'string' ? parseClusterNodes(text) : [];
  };
  const alive = new Set(nodes);
  // Every live node sees the cluster ok, 3 masters with slots, and every replica in sync with its master.
  const healthy = async (): Promise<boolean> => {
    for (const n of alive) {
      const info = await ask(n.port, 'CLUSTER', 'INFO');
      if (typeof info !== 'string' || !info.includes('cluster_state:ok')) return false;
    }
    return true;
  };
  await until('the cluster to be ok', healthy, 60_000);
  await until(
    'every replica to be in sync',
    async () => {
      const lines = await clusterNodes(nodes[0]?.port ?? 0);
      const replicas = lines.filter((l) => l.flags.includes('slave'));
      if (replicas.length !== 3) return false;
      for (const replica of replicas) {
        const info = await ask(replica.port, 'INFO', 'replication');
        if (typeof info !== 'string' || !info.includes('master_link_status:up')) return false;
      }
      return true;
    },
    60_000,
  );
  const byPort = (port: number): RedisNode => {
    const found = nodes.find((n) => n.port === port);
    if (found === undefined) throw new Error(`no node on port ${port}`);
    return found;
  };
  return {
    nodes,
    addresses: nodes.map((n) => n.address),
    async masterOf(key) {
      const [first] = [...alive];
      const slot = await ask(first?.port ?? 0, 'CLUSTER', 'KEYSLOT', key);
      const slots = await ask(first?.port ?? 0, 'CLUSTER', 'SLOTS');
      for (const range of Array.isArray(slots) ? (slots as unknown[][]) : []) {
        const [start, end, master] = range as [number, number, [string, number]];
        if (typeof slot === 'number' && slot >= start && slot <= end) return byPort(master[1]);
      }
      throw new Error(`no master for ${key}`);
    },
    async failover(master) {
      const before = await clusterNodes(master.port);
      const masterId = before.find((l) => l.flags.includes('myself'))?.id;
      const replica = before.find((l) => l.masterId === masterId);
      if (replica === undefined) throw new Error(`master ${master.port} has no replica`);
      await master.kill();
      alive.delete(master);
      await until(
        `replica ${replica.port} to take over from ${master.port}`,
        async () => (await clusterNodes(replica.port)).some((l) => l.flags.includes('myself') && l.flags.includes('master')),
        60_000,
      );
      await until('the cluster to be ok after the failover', healthy, 60_000);
    },
    async stop() {
      for (const n of nodes) await n.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisSentinelProcesses {
  master: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** `host:port` of the Sentinels, for `redis.sentinel.sentinels`. */
  sentinelAddresses: string[];
  name: string;
  /** Kills the master and waits until the Sentinels name the replica as master and it accepts writes. */
  failover(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisSentinel(): Promise<RedisSentinelProcesses> {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-sentinel-'));
  const name = 'clarion-test';
  const masterPort = await freePort();
  const master = node(masterPort, launch(['--port', String(masterPort), ...NODE_ARGS], dir));
  await until('the master to answer', async () => (await ask(masterPort, 'PING')) === 'PONG', 20_000);
  const replicaPort = await freePort();
  const replica = node(replicaPort, launch(['--port', String(replicaPort), ...NODE_ARGS, '--replicaof', '127.0.0.1', String(masterPort)], dir));
  await until(
    'the replica to sync',
    async () => {
      const info = await ask(replicaPort, 'INFO', 'replication');
      return typeof info === 'string' && info.includes('master_link_status:up');
    },
    30_000,
  );
  const sentinels: RedisNode[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const file = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${name} 2000`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    sentinels.push(node(port, launch([file, '--sentinel'], dir)));
  }
  for (const s of sentinels) {
    await until(
      `sentinel ${s.port} to know the replica and the other sentinels`,
      async () => {
        const replicas = await ask(s.port, 'SENTINEL', 'REPLICAS', name);
        const peers = await ask(s.port, 'SENTINEL', 'SENTINELS', name);
        return Array.isArray(replicas) && replicas.length === 1 && Array.isArray(peers) && peers.length === 2;
      },
      60_000,
    );
  }
  return {
    master,
    replica,
    sentinels,
    sentinelAddresses: sentinels.map((s) => s.address),
    name,
    async failover() {
      await master.kill();
      await until(
        'the Sentinels to promote the replica',
        async () => {
          for (const s of sentinels) {
            const address = await ask(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name);
            if (!Array.isArray(address) || Number(address[1]) !== replicaPort) return false;
          }
          const role = await ask(replicaPort, 'ROLE');
          return Array.isArray(role) && role[0] === 'master';
        },
        60_000,
      );
    },
    async stop() {
      for (const n of [...sentinels, replica, master]) await n.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
