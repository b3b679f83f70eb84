/**
 * The Kubernetes manifests in deploy/kubernetes, rendered as `kubectl apply -k` would render them
 * (base and the example overlay) and checked against the Kubernetes schemas (kubernetes-models),
 * then against what Clarion needs from them: probes on its health routes, a read-only non-root
 * container with a writable spool, a config that `clarion config check` and `clarion policy check`
 * accept, selectors that match, and a policy that hot reloads when kubelet swaps the ConfigMap.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { renderKustomization, type K8sObject } from '../helpers/kustomize.js';
import { CLI_FROM_SOURCE, ROOT, spawnNode, spawnServe } from '../helpers/spawn.js';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Namespace': Namespace,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of deploy/kubernetes with the example overlay's secrets.env filled in from its template. */
function workingCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clarion-k8s-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'deploy', 'kubernetes'), dir, { recursive: true });
  const example = readFileSync(join(dir, 'overlays/example/secrets.env.example'), 'utf8');
  writeFileSync(join(dir, 'overlays/example/secrets.env'), example.replace('admin-token=', 'admin-token=0123456789abcdef0123456789abcdef'));
  return dir;
}

const copy = workingCopy();
const base = renderKustomization(join(copy, 'base'));
const overlay = renderKustomization(join(copy, 'overlays/example'));

function one(objects: K8sObject[], kind: string): K8sObject & { spec: Record<string, unknown> } {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0] as K8sObject & { spec: Record<string, unknown> };
}

type Container = {
  name: string;
  image: string;
  ports: Array<{ name: string; containerPort: number }>;
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }>;
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
  volumeMounts: Array<{ name: string; mountPath: string; subPath?: string; readOnly?: boolean }>;
};
type PodSpec = {
  terminationGracePeriodSeconds: number;
  securityContext: { runAsNonRoot: boolean; runAsUser: number };
  containers: Container[];
  volumes: Array<{ name: string; configMap?: { name: string }; emptyDir?: unknown }>;
};

function podOf(objects: K8sObject[]): { labels: Record<string, string>; spec: PodSpec; container: Container } {
  const deployment = one(objects, 'Deployment');
  const template = deployment.spec.template as { metadata: { labels: Record<string, string> }; spec: PodSpec };
  const container = template.spec.containers.find((c) => c.name === 'clarion');
  assert.ok(container, 'a container named clarion');
  return { labels: template.metadata.labels, spec: template.spec, container };
}

function configMapData(objects: K8sObject[]): Record<string, string> {
  return (one(objects, 'ConfigMap') as unknown as { data: Record<string, string> }).data;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('deploy/kubernetes', () => {
  for (const [name, objects] of [
    ['base', base],
    ['example overlay', overlay],
  ] as const) {
    test(`${name}: every object validates against the Kubernetes schema of its kind`, () => {
      assert.ok(objects.length >= 5);
      for (const object of objects) {
        const Model = MODELS[`${object.apiVersion}/${object.kind}`];
        assert.ok(Model, `a schema for ${object.apiVersion} ${object.kind}`);
        assert.doesNotThrow(() => new Model(object as never).validate(), `${object.kind}/${object.metadata.name}`);
      }
    });
  }

  test('the schema check can fail: a wrong type in the Deployment is rejected', () => {
    const broken = structuredClone(one(base, 'Deployment'));
    (broken.spec as { replicas: unknown }).replicas = 'two';
    assert.throws(() => new Deployment(broken as never).validate(), /replicas/);
  });

  test('the overlay sets its namespace on namespaced objects, its image, and adds the ServiceMonitor and Secret', () => {
    for (const object of overlay) {
      if (object.kind === 'Namespace') assert.equal(object.metadata.name, 'clarion');
      else assert.equal(object.metadata.namespace, 'clarion', `${object.kind} namespaced`);
    }
    assert.equal(podOf(overlay).container.image, 'registry.example.com/clarion:0.1.0');
    assert.equal(one(overlay, 'HorizontalPodAutoscaler').spec.minReplicas, 3);
    one(overlay, 'ServiceMonitor');
    one(overlay, 'Secret');
    assert.equal(
      base.find((o) => o.kind === 'Secret'),
      undefined,
      'the base carries no secret',
    );
  });

  test('probes use /readyz and /healthz on the declared port', () => {
    const { container } = podOf(base);
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    const port = container.ports.find((p) => p.name === container.readinessProbe.httpGet.port);
    assert.equal(port?.containerPort, parse(configMapData(base)['clarion.yaml'] ?? '').server.port);
  });

  test('the container runs non-root on a read-only root filesystem, with the spool on a writable volume', () => {
    const { spec, container } = podOf(base);
    assert.equal(spec.securityContext.runAsNonRoot, true);
    assert.notEqual(spec.securityContext.runAsUser, 0);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
    const config = parse(configMapData(base)['clarion.yaml'] ?? '') as { storage: { dataDir: string } };
    const dataMount = container.volumeMounts.find((m) => m.mountPath === config.storage.dataDir);
    assert.ok(dataMount, `storage.dataDir ${config.storage.dataDir} is a mounted volume`);
    assert.notEqual(dataMount.readOnly, true);
    assert.ok(spec.volumes.find((v) => v.name === dataMount.name)?.emptyDir !== undefined);
  });

  test('config and policy come from the ConfigMap as a directory mount (so edits reach the pod), with CLARION_CONFIG pointing at it', () => {
    const { spec, container } = podOf(base);
    const configVolume = spec.volumes.find((v) => v.configMap?.name === one(base, 'ConfigMap').metadata.name);
    assert.ok(configVolume);
    const mount = container.volumeMounts.find((m) => m.name === configVolume.name);
    assert.ok(mount);
    assert.equal(mount.subPath, undefined, 'a subPath mount never sees ConfigMap updates');
    const configPath = container.env.find((e) => e.name === 'CLARION_CONFIG')?.value;
    assert.equal(configPath, `${mount.mountPath}/clarion.yaml`);
    const config = parse(configMapData(base)['clarion.yaml'] ?? '') as { policy: { file: string; watch?: boolean } };
    assert.ok(config.policy.file in configMapData(base), 'the policy file is in the same ConfigMap');
    assert.notEqual(config.policy.watch, false);
  });

  test('secrets come from the Secret the overlay generates; REDIS_URL is required, the admin token optional', () => {
    const { container } = podOf(overlay);
    const secret = one(overlay, 'Secret') as unknown as { metadata: { name: string }; data: Record<string, string> };
    const redis = container.env.find((e) => e.name === 'REDIS_URL')?.valueFrom?.secretKeyRef;
    assert.equal(redis?.name, secret.metadata.name);
    assert.ok(redis !== undefined && redis.key in secret.data);
    assert.notEqual(redis.optional, true);
    const admin = container.env.find((e) => e.name === 'CLARION_ADMIN_TOKEN')?.valueFrom?.secretKeyRef;
    assert.ok(admin !== undefined && admin.key in secret.data);
    for (const env of container.env) assert.doesNotMatch(env.value ?? '', /sk-|Bearer/, 'no credential in plain env');
  });

  test('shutdown: the grace period covers Clarion draining open streams plus the preStop pause', () => {
    const { spec, container } = podOf(base);
    const config = parse(configMapData(base)['clarion.yaml'] ?? '') as { server: { shutdownGraceMs: number } };
    const preStop = container.lifecycle?.preStop?.exec?.command.join(' ') ?? '';
    const pauseMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(preStop)?.[1] ?? 0);
    assert.ok(pauseMs > 0, 'a preStop pause lets endpoints drop the pod first');
    assert.ok(spec.terminationGracePeriodSeconds * 1000 > config.server.shutdownGraceMs + pauseMs);
  });

  test('Service, PodDisruptionBudget, HPA and ServiceMonitor point at the Deployment and its pods', () => {
    const { labels } = podOf(overlay);
    const deployment = one(overlay, 'Deployment');
    assert.ok(matches((deployment.spec.selector as { matchLabels: Record<string, string> }).matchLabels, labels));
    const service = one(overlay, 'Service');
    assert.ok(matches(service.spec.selector as Record<string, string>, labels));
    const pdb = one(overlay, 'PodDisruptionBudget');
    assert.ok(matches((pdb.spec.selector as { matchLabels: Record<string, string> }).matchLabels, labels));
    const hpa = one(overlay, 'HorizontalPodAutoscaler');
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    assert.ok((hpa.spec.minReplicas as number) >= 2, 'a disruption never takes the last pod');
    const monitor = one(overlay, 'ServiceMonitor');
    assert.ok(matches((monitor.spec.selector as { matchLabels: Record<string, string> }).matchLabels, service.metadata.labels ?? {}));
    const portNames = (service.spec.ports as Array<{ name: string }>).map((p) => p.name);
    for (const endpoint of monitor.spec.endpoints as Array<{ port: string; path: string }>) {
      assert.ok(portNames.includes(endpoint.port));
      assert.equal(endpoint.path, '/metrics');
    }
  });

  test('the base policy is the shipped policy', () => {
    assert.equal(configMapData(base)['policy.yaml'], readFileSync(join(ROOT, 'config', 'policy.yaml'), 'utf8'));
  });

  test('`clarion config check` and `clarion policy check` accept the ConfigMap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clarion-k8s-config-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(configMapData(overlay))) writeFileSync(join(dir, name), content);
    const config = spawnNode([...CLI_FROM_SOURCE, 'config', 'check', join(dir, 'clarion.yaml')]);
    assert.equal(await config.exited, 0, config.output());
    const policy = spawnNode([...CLI_FROM_SOURCE, 'policy', 'check', join(dir, 'policy.yaml')]);
    assert.equal(await policy.exited, 0, policy.output());
  });

  test('a pod started from the ConfigMap serves its probes and hot reloads the policy when kubelet swaps the mounted files', async () => {
    // kubelet's atomic writer: the files live in a timestamped directory, `..data` links to it,
    // and each key is a link through `..data`; an update writes a new directory and renames a new
    // `..data` link over the old one.
    const mount = mkdtempSync(join(tmpdir(), 'clarion-k8s-mount-'));
    dirs.push(mount);
    const data = configMapData(overlay);
    const writeGeneration = (generation: string, files: Record<string, string>): void => {
      mkdirSync(join(mount, generation));
      for (const [name, content] of Object.entries(files)) writeFileSync(join(mount, generation, name), content);
    };
    const dataDir = join(mount, 'spool-volume');
    const clarionYaml = (data['clarion.yaml'] ?? '').replace(/dataDir: .*/, `dataDir: ${dataDir}`).replace(/host: 0\.0\.0\.0/, 'host: 127.0.0.1');
    writeGeneration('..2026_01_01_00_00_00.1', { 'clarion.yaml': clarionYaml, 'policy.yaml': data['policy.yaml'] ?? '' });
    symlinkSync('..2026_01_01_00_00_00.1', join(mount, '..data'));
    for (const name of ['clarion.yaml', 'policy.yaml']) symlinkSync(join('..data', name), join(mount, name));

    const token = 'k8s-test-token-0123456789';
    const server = await spawnServe(join(mount, 'clarion.yaml'), { CLARION_ADMIN_TOKEN: token, REDIS_URL: '' });
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      const versionOf = async (): Promise<string> => {
        const res = await fetch(`${server.url}/admin/policy`, { headers: { authorization: `Bearer ${token}` } });
        return ((await res.json()) as { version: string }).version;
      };
      const shipped = await versionOf();
      assert.equal(shipped, (parse(data['policy.yaml'] ?? '') as { version: string }).version);

      const edited = (data['policy.yaml'] ?? '').replace(/^version: .*$/m, 'version: "k8s-edit-2"');
      writeGeneration('..2026_01_01_00_01_00.2', { 'clarion.yaml': clarionYaml, 'policy.yaml': edited });
      symlinkSync('..2026_01_01_00_01_00.2', join(mount, '..data_tmp'));
      renameSync(join(mount, '..data_tmp'), join(mount, '..data'));
      rmSync(join(mount, '..2026_01_01_00_00_00.1'), { recursive: true });

      const deadline = Date.now() + 10_000;
      let version = shipped;
      while (version !== 'k8s-edit-2' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        version = await versionOf();
      }
      assert.equal(version, 'k8s-edit-2', 'the policy in force follows the ConfigMap');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
