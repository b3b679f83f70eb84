import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const base = `
upstreams:
  - name: openai
    api: openai
    baseUrl: https://api.openai.com/v1
`;

test('a minimal config gets every default', () => {
  const config = parseConfig(base, 'mem.yaml', {});
  assert.equal(config.server.port, 8080);
  assert.equal(config.upstreams[0]?.timeouts.connectMs, 5000);
  assert.equal(config.redis.prefix, 'clarion:');
});

test('problems name the field path and the reason, one line each', () => {
  const text = `
upstreams:
  - name: a
    api: openai
    baseUrl: https://x.test/v1
  - name: b
    api: gemini
    baseUrl: not a url
server:
  port: -1
  bogus: true
`;
  assert.throws(
    () => parseConfig(text, 'bad.yaml', {}),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      const joined = error.problems.join('\n');
      assert.match(joined, /^upstreams\[1\]\.baseUrl: /m);
      assert.match(joined, /^upstreams\[1\]\.api: /m);
      assert.match(joined, /^server\.port: /m);
      assert.match(joined, /^server\.bogus: unknown field$/m);
      return true;
    },
  );
});

test('${VAR} and ${VAR:-default} interpolate, whole values keep their YAML type', () => {
  const text = `${base}
server:
  port: \${MY_PORT:-9090}
  host: "\${MY_HOST}"
`;
  const config = parseConfig(text, 'mem.yaml', { MY_HOST: '127.0.0.1' });
  assert.equal(config.server.port, 9090);
  assert.equal(config.server.host, '127.0.0.1');
});

test('an unset variable without a default is a named problem', () => {
  assert.throws(() => parseConfig(`${base}\nserver:\n  host: \${NOPE}\n`, 'mem.yaml', {}), /server\.host: environment variable NOPE is not set/);
});

test('environment overrides apply before validation', () => {
  const config = parseConfig(base, 'mem.yaml', {
    PORT: '7001',
    CLARION_OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1',
    CLARION_ANTHROPIC_BASE_URL: 'http://127.0.0.1:9998',
  });
  assert.equal(config.server.port, 7001);
  assert.equal(config.upstreams[0]?.baseUrl, 'http://127.0.0.1:9999/v1');
  assert.equal(config.upstreams.find((u) => u.api === 'anthropic')?.baseUrl, 'http://127.0.0.1:9998');
});

test('routing to an unknown upstream is rejected', () => {
  assert.throws(
    () => parseConfig(`${base}\nrouting:\n  - model: "x*"\n    upstream: nope\n`, 'mem.yaml', {}),
    /routing\[0\]\.upstream: unknown upstream "nope"/,
  );
});

test('detector.secondOpinion: off by default; a bad one names the field and the reason', () => {
  assert.equal(parseConfig(base, 'mem.yaml', {}).detector.secondOpinion, undefined);
  const on = parseConfig(`${base}\ndetector:\n  secondOpinion: { upstream: openai, model: small }\n`, 'mem.yaml', {}).detector.secondOpinion;
  assert.deepEqual(on, { upstream: 'openai', model: 'small', band: [0.35, 0.65], mode: 'background', timeoutMs: 1500, maxConcurrent: 4, cacheTtlS: 3600 });
  assert.throws(
    () => parseConfig(`${base}\ndetector:\n  secondOpinion: { upstream: nope, model: small }\n`, 'mem.yaml', {}),
    /detector\.secondOpinion\.upstream: unknown upstream "nope"/,
  );
  assert.throws(
    () => parseConfig(`${base}\ndetector:\n  secondOpinion: { upstream: openai, model: small, band: [0.8, 0.2] }\n`, 'mem.yaml', {}),
    /detector\.secondOpinion\.band: band must be \[lo, hi\] with lo <= hi/,
  );
  assert.throws(
    () => parseConfig(`${base}\ndetector:\n  secondOpinion: { upstream: openai, model: small, mode: eventually }\n`, 'mem.yaml', {}),
    /detector\.secondOpinion\.mode/,
  );
});

test('redis: a Sentinel or a Cluster instead of a url; REDIS_CLUSTER_NODES sets the cluster nodes', () => {
  const sentinel = parseConfig(`${base}redis:\n  sentinel: { name: mymaster, sentinels: ["10.0.0.1:26379", "[::1]:26380"] }\n`, 'mem.yaml', {});
  assert.deepEqual(sentinel.redis.sentinel, { name: 'mymaster', sentinels: ['10.0.0.1:26379', '[::1]:26380'] });
  const cluster = parseConfig(base, 'mem.yaml', { REDIS_CLUSTER_NODES: 'a:7000, b:7001,' });
  assert.deepEqual(cluster.redis.cluster, { nodes: ['a:7000', 'b:7001'] });
  assert.equal(cluster.redis.url, undefined);
  assert.equal(cluster.events.shards, 1);
});

test('redis: two topologies at once, a malformed node, or a hash tag in a Cluster prefix are named problems', () => {
  const problems = (text: string, env: NodeJS.ProcessEnv = {}): string => {
    try {
      parseConfig(text, 'bad.yaml', env);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems.join('\n');
    }
    assert.fail('expected a ConfigError');
  };
  assert.match(problems(`${base}redis:\n  cluster: { nodes: ["a:7000"] }\n`, { REDIS_URL: 'redis://x:6379' }), /^redis: set only one of url, sentinel, cluster/m);
  assert.match(problems(`${base}redis:\n  cluster: { nodes: ["a:7000", "no-port"] }\n`), /^redis\.cluster\.nodes\[1\]: expected host:port$/m);
  assert.match(problems(`${base}redis:\n  sentinel: { sentinels: ["a:1"] }\n`), /^redis\.sentinel\.name: /m);
  assert.match(problems(`${base}redis:\n  prefix: "{clarion}:"\n  cluster: { nodes: ["a:7000"] }\n`), /^redis\.prefix: must not contain \{ or \} on Redis Cluster/m);
  assert.match(problems(`${base}events:\n  shards: 0\n`), /^events\.shards: /m);
  // A hash-tagged prefix stays valid on a single node (the layout documented before Cluster support).
  assert.equal(parseConfig(`${base}redis:\n  prefix: "{clarion}:"\n  url: redis://x:6379\n`, 'ok.yaml', {}).redis.prefix, '{clarion}:');
});
