/**
 * Renders a kustomization the way `kubectl kustomize` does, for the subset of kustomize the
 * manifests in deploy/kubernetes use: resources (files and directories), components, labels,
 * namespace, images, strategic-merge patches, and ConfigMap / Secret generators without hash
 * suffixes. No kustomize or kubectl binary is available from this machine's package sources, so
 * the tests render with this; any kustomization field it does not implement is an error rather
 * than silently ignored, so the manifests cannot drift beyond what is checked.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const KNOWN_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'namespace',
  'labels',
  'images',
  'patches',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
]);
/** Kinds that are not namespaced (the namespace transformer leaves them alone). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass']);

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: Json | undefined, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} must be a string`);
  return value;
}

function readYamlDocuments(file: string): JsonObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return doc.toJS() as unknown;
    })
    .filter((value): value is JsonObject => isObject(value));
}

function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

/** Strategic merge as kustomize applies it to the fields these manifests patch: maps merge, lists of named items merge by name, other lists and scalars are replaced. */
function strategicMerge(target: Json, patch: Json): Json {
  if (isObject(target) && isObject(patch)) {
    const out: JsonObject = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      out[key] = key in out ? strategicMerge(out[key] as Json, value) : value;
    }
    return out;
  }
  if (Array.isArray(target) && Array.isArray(patch) && patch.every((item) => isObject(item) && typeof item.name === 'string')) {
    const out = [...target];
    for (const item of patch as JsonObject[]) {
      const at = out.findIndex((existing) => isObject(existing) && existing.name === item.name);
      if (at === -1) out.push(item);
      else out[at] = strategicMerge(out[at] as Json, item);
    }
    return out;
  }
  return patch;
}

function listOf(kustomization: JsonObject, field: string): Json[] {
  const value = kustomization[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${field} must be a list`);
  return value;
}

function parseEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: bad line "${trimmed}"`);
    out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return out;
}

function generate(dir: string, kind: 'ConfigMap' | 'Secret', spec: JsonObject, options: JsonObject): K8sObject {
  for (const key of Object.keys(spec)) {
    if (!['name', 'files', 'literals', 'envs', 'options', 'behavior'].includes(key)) throw new Error(`${kind} generator: unsupported field ${key}`);
  }
  if (spec.behavior !== undefined && spec.behavior !== 'create') throw new Error(`${kind} generator: only behavior "create" is supported`);
  const own = isObject(spec.options) ? spec.options : {};
  if (own.disableNameSuffixHash !== true && options.disableNameSuffixHash !== true) {
    throw new Error(`${kind} generator ${str(spec.name, 'name')}: hash suffixes are not rendered here; set disableNameSuffixHash`);
  }
  const data: Record<string, string> = {};
  for (const entry of (spec.files ?? []) as string[]) {
    const [key, path] = entry.includes('=') ? (entry.split('=', 2) as [string, string]) : [basename(entry), entry];
    data[key] = readFileSync(resolve(dir, path), 'utf8');
  }
  for (const literal of (spec.literals ?? []) as string[]) {
    const eq = literal.indexOf('=');
    data[literal.slice(0, eq)] = literal.slice(eq + 1);
  }
  for (const env of (spec.envs ?? []) as string[]) Object.assign(data, parseEnvFile(resolve(dir, env)));
  const encoded = kind === 'Secret' ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) : data;
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name: str(spec.name, 'name') },
    ...(kind === 'Secret' ? { type: 'Opaque' } : {}),
    data: encoded,
  };
}

function addLabels(object: K8sObject, pairs: Record<string, string>, includeSelectors: boolean): void {
  object.metadata.labels = { ...object.metadata.labels, ...pairs };
  if (!includeSelectors) return;
  const spec = object.spec as JsonObject | undefined;
  if (spec === undefined) return;
  if (object.kind === 'Service') spec.selector = { ...(spec.selector as JsonObject), ...pairs };
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'PodDisruptionBudget'].includes(object.kind)) {
    const selector = (spec.selector ?? {}) as JsonObject;
    selector.matchLabels = { ...(selector.matchLabels as JsonObject), ...pairs };
    spec.selector = selector;
  }
  const template = spec.template as JsonObject | undefined;
  if (template !== undefined) {
    const metadata = (template.metadata ?? {}) as JsonObject;
    metadata.labels = { ...(metadata.labels as JsonObject), ...pairs };
    template.metadata = metadata;
  }
}

function containersOf(object: K8sObject): JsonObject[] {
  const podSpec = ((object.spec as JsonObject | undefined)?.template as JsonObject | undefined)?.spec as JsonObject | undefined;
  if (podSpec === undefined) return [];
  return [...((podSpec.containers ?? []) as JsonObject[]), ...((podSpec.initContainers ?? []) as JsonObject[])];
}

/** Renders the kustomization in `dir` (a Kustomization or a Component) to its list of objects. */
export function renderKustomization(dir: string, inherited: K8sObject[] = []): K8sObject[] {
  const kustomization = readYamlDocuments(kustomizationFile(dir))[0] ?? {};
  for (const key of Object.keys(kustomization)) {
    if (!KNOWN_FIELDS.has(key)) throw new Error(`${dir}: kustomization field "${key}" is not implemented by the test renderer`);
  }
  let objects: K8sObject[] = [...inherited];
  for (const entry of listOf(kustomization, 'resources')) {
    const path = resolve(dir, str(entry, 'resources[]'));
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : (readYamlDocuments(path) as K8sObject[])));
  }
  const generatorOptions = isObject(kustomization.generatorOptions) ? kustomization.generatorOptions : {};
  for (const spec of listOf(kustomization, 'configMapGenerator')) objects.push(generate(dir, 'ConfigMap', spec as JsonObject, generatorOptions));
  for (const spec of listOf(kustomization, 'secretGenerator')) objects.push(generate(dir, 'Secret', spec as JsonObject, generatorOptions));
  for (const component of listOf(kustomization, 'components')) objects = renderKustomization(resolve(dir, str(component, 'components[]')), objects);

  for (const patchEntry of listOf(kustomization, 'patches')) {
    const entry = patchEntry as JsonObject;
    if (entry.target !== undefined || entry.path === undefined)
      throw new Error(`${dir}: only patches with a path (strategic merge by kind and name) are supported`);
    const patchFile = str(entry.path, 'patches[].path');
    for (const patch of readYamlDocuments(resolve(dir, patchFile)) as K8sObject[]) {
      const at = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (at === -1) throw new Error(`${dir}: patch ${patchFile} matches no ${patch.kind}/${patch.metadata.name}`);
      objects[at] = strategicMerge(objects[at] as unknown as Json, patch as unknown as Json) as unknown as K8sObject;
    }
  }
  for (const label of listOf(kustomization, 'labels')) {
    const { pairs, includeSelectors } = label as { pairs: Record<string, string>; includeSelectors?: boolean };
    for (const object of objects) addLabels(object, pairs, includeSelectors === true);
  }
  for (const image of listOf(kustomization, 'images')) {
    const { name, newName, newTag } = image as { name: string; newName?: string; newTag?: string };
    for (const container of objects.flatMap(containersOf)) {
      const current = str(container.image, 'image');
      const [repo] = current.split(':');
      if (repo !== name) continue;
      container.image = `${newName ?? repo}:${newTag ?? current.split(':')[1] ?? 'latest'}`;
    }
  }
  if (typeof kustomization.namespace === 'string') {
    for (const object of objects) {
      if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    }
  }
  return objects;
}
