/**
 * Loading the config: YAML -> `${VAR}` / `${VAR:-default}` interpolation -> environment
 * overrides -> zod validation. Problems come back as one line per problem naming the field path
 * and the reason (`upstreams[1].baseUrl: Invalid URL`), so a bad file is fixed in one pass.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { FileProblemsError } from '../errors.js';
import { ConfigSchema, type Config } from './schema.js';

export class ConfigError extends FileProblemsError {
  constructor(file: string, problems: string[]) {
    super('CLARION_INVALID_CONFIG', 'config', file, problems);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file it came from. */
  file: string;
  /** Directory relative paths in the config (policy file, data dir) are resolved against. */
  dir: string;
}

/** The package's own directory (…/clarion), from src/config or dist/config. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** CLARION_CONFIG, else the shipped `config/clarion.yaml`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CLARION_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return resolve(packageRoot, 'config', 'clarion.yaml');
}

// `${NAME}` or `${NAME:-default}`; `$${` escapes. Compiled once.
const INTERPOLATION = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_INTERPOLATION = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

function interpolateString(value: string, env: NodeJS.ProcessEnv, path: string, problems: string[]): unknown {
  const whole = WHOLE_INTERPOLATION.test(value);
  const out = value.replace(INTERPOLATION, (match, escaped: string | undefined, name: string, fallback: string | undefined) => {
    if (escaped !== undefined) return match.slice(1);
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    problems.push(`${path || '(root)'}: environment variable ${name} is not set (use \${${name}:-default} for a default)`);
    return '';
  });
  // A value that is nothing but one `${...}` takes the YAML type of what it expands to (8080 -> number).
  if (whole) {
    try {
      return parseYaml(out) ?? out;
    } catch {
      return out;
    }
  }
  return out;
}

function interpolate(node: unknown, env: NodeJS.ProcessEnv, path: string, problems: string[]): unknown {
  if (typeof node === 'string') return interpolateString(node, env, path, problems);
  if (Array.isArray(node)) return node.map((item, i) => interpolate(item, env, `${path}[${i}]`, problems));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = interpolate(value, env, path === '' ? key : `${path}.${key}`, problems);
    }
    return out;
  }
  return node;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function section(root: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = asRecord(root[key]);
  if (existing !== undefined) return existing;
  const created: Record<string, unknown> = {};
  root[key] = created;
  return created;
}

/** The documented environment overrides, applied to the raw tree before validation. */
function applyEnvOverrides(root: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const set = (name: string, apply: (value: string) => void): void => {
    const value = env[name];
    if (value !== undefined && value !== '') apply(value);
  };
  set('PORT', (v) => {
    section(root, 'server').port = /^\d+$/.test(v) ? Number(v) : v;
  });
  set('HOST', (v) => {
    section(root, 'server').host = v;
  });
  set('CLARION_ADMIN_TOKEN', (v) => {
    section(root, 'server').adminToken = v;
  });
  set('CLARION_GUARDRAIL_TOKEN', (v) => {
    section(root, 'server').guardrailToken = v;
  });
  set('REDIS_URL', (v) => {
    section(root, 'redis').url = v;
  });
  set('REDIS_CLUSTER_NODES', (v) => {
    section(root, 'redis').cluster = { nodes: v.split(',').map((node) => node.trim()).filter((node) => node !== '') };
  });
  const upstreams = Array.isArray(root.upstreams) ? root.upstreams : undefined;
  const overrideBase = (api: 'openai' | 'anthropic', value: string): void => {
    const target = upstreams?.map(asRecord).find((u) => u?.api === api);
    if (target !== undefined) target.baseUrl = value;
    else if (upstreams !== undefined) upstreams.push({ name: api, api, baseUrl: value });
    else root.upstreams = [{ name: api, api, baseUrl: value }];
  };
  set('CLARION_OPENAI_BASE_URL', (v) => overrideBase('openai', v));
  set('CLARION_ANTHROPIC_BASE_URL', (v) => overrideBase('anthropic', v));
}

/** `upstreams[1].baseUrl` from zod's path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${formatPath([...issue.path, key])}: unknown field`);
      continue;
    }
    lines.push(`${formatPath(issue.path)}: ${issue.message}`);
  }
  return lines;
}

/** Parses and validates config text. Throws ConfigError with every problem found. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const message = error instanceof YAMLParseError ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new ConfigError(file, [`(root): not valid YAML: ${message}`]);
  }
  const problems: string[] = [];
  const interpolated = interpolate(raw ?? {}, env, '', problems);
  const root = asRecord(interpolated);
  if (root === undefined) throw new ConfigError(file, ['(root): expected a mapping of config sections']);
  applyEnvOverrides(root, env);
  const result = ConfigSchema.safeParse(root);
  if (!result.success) problems.push(...formatIssues(result.error.issues));
  if (problems.length > 0 || !result.success) throw new ConfigError(file, problems);
  return result.data;
}

/** Reads, interpolates and validates a config file. Throws ConfigError. */
export function loadConfig(file: string = defaultConfigPath(), env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError(absolute, [`(file): ${reason}`]);
  }
  return { config: parseConfig(text, absolute, env), file: absolute, dir: dirname(absolute) };
}

/** Resolves a path from the config relative to the config file's directory. */
export function resolveFromConfig(loaded: LoadedConfig, path: string): string {
  return isAbsolute(path) ? path : resolve(loaded.dir, path);
}
