/**
 * Loading the policy file, and holding the live policy while it is edited.
 *
 * Start-up with an invalid policy throws PolicyError (the proxy refuses to start and says why).
 * Afterwards a reload that fails — unreadable file, bad YAML, failed validation — is rejected:
 * the old policy stays in force, the reasons are logged and exposed through status() (shown in
 * /readyz), and clarion_policy_reloads_total{result="error"} counts it. A valid new version
 * replaces the old one by swapping a single reference, so requests in flight keep the policy
 * they started with and none are dropped.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { formatIssues } from '../config/load.js';
import { FileProblemsError } from '../errors.js';
import { compilePolicy } from './compile.js';
import { PolicySchema, type Policy } from './schema.js';

export class PolicyError extends FileProblemsError {
  constructor(file: string, problems: string[]) {
    super('CLARION_INVALID_POLICY', 'policy', file, problems);
    this.name = 'PolicyError';
  }
}

/** Content hash (sha256 hex of the file's text) of every policy parsed here: events record it next to the version. */
const CONTENT_HASHES = new WeakMap<Policy, string>();

/** The sha256 (hex) of the text a policy was parsed from; null for a policy built in code. */
export function policyContentHash(policy: Policy): string | null {
  return CONTENT_HASHES.get(policy) ?? null;
}

/** Parses and validates policy text, and compiles it. Throws PolicyError listing every problem. */
export function parsePolicy(text: string, file: string): Policy {
  const policy = parsePolicyText(text, file);
  CONTENT_HASHES.set(policy, digest(text));
  return policy;
}

function parsePolicyText(text: string, file: string): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const message = error instanceof YAMLParseError ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new PolicyError(file, [`(root): not valid YAML: ${message}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PolicyError(file, ['(root): expected a mapping with version, defaults and norms']);
  }
  const result = PolicySchema.safeParse(raw);
  if (!result.success) throw new PolicyError(file, formatIssues(result.error.issues));
  compilePolicy(result.data);
  return result.data;
}

function readProblem(error: unknown): string {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? '(file): file not found' : `(file): ${String(error)}`;
}

/** Reads, validates and compiles a policy file. Throws PolicyError. */
export function loadPolicyFile(file: string): Policy {
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new PolicyError(absolute, [readProblem(error)]);
  }
  return parsePolicy(text, absolute);
}

export interface PolicyStatus {
  /** False while the last reload attempt failed (the previous policy is still in force). */
  ok: boolean;
  /** Version of the policy in force. */
  version: string;
  file: string;
  /** Why the last reload was rejected (problems joined by `; `), null when it succeeded. */
  lastError: string | null;
  /** ISO time the policy in force was loaded. */
  loadedAt: string;
  /** sha256 (hex) of the policy file's text in force. */
  hash: string;
}

/** A policy that was put in force: what the history records (src/policy/history.ts). */
export interface LoadedPolicy {
  policy: Policy;
  text: string;
  hash: string;
  /** The version the file declares (the policy's may be derived from it). */
  fileVersion: string;
  file: string;
}

export interface PolicyHolder {
  /** The policy in force. Read it once per request. */
  current(): Policy;
  status(): PolicyStatus;
  /** Re-reads the file; true when a valid policy was swapped in, false when rejected. Never throws. */
  reload(): Promise<boolean>;
  /** Stops watching. */
  close(): void;
}

export interface PolicyHolderOptions {
  file: string;
  watch: boolean;
  logger: Logger;
  registry: Registry;
  /** Quiet period after the last file-system event before re-reading (editors write in bursts). */
  debounceMs?: number;
  /**
   * A reload whose text changed but whose `version` did not: `reject` (default) keeps the old
   * policy and says why; `derive` accepts it as version `<version>+<first 8 hex of its hash>` with a warning.
   */
  versionUnchanged?: 'reject' | 'derive';
  /** Called with every policy put in force (start-up and each accepted reload): the history hook. */
  onLoaded?: (loaded: LoadedPolicy) => void;
}

/** The same policy under another version, keeping its content hash. */
function withVersion(policy: Policy, version: string): Policy {
  const renamed = { ...policy, version };
  const hash = CONTENT_HASHES.get(policy);
  if (hash !== undefined) CONTENT_HASHES.set(renamed, hash);
  return renamed;
}

function reloadCounter(registry: Registry): Counter<'result'> {
  const existing = registry.getSingleMetric('clarion_policy_reloads_total');
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: 'clarion_policy_reloads_total',
    help: 'Policy reload attempts by result (ok: swapped in, error: rejected, old policy kept)',
    labelNames: ['result'],
    registers: [registry],
  });
}

function normsGauge(registry: Registry): Gauge {
  const existing = registry.getSingleMetric('clarion_policy_norms');
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name: 'clarion_policy_norms', help: 'Norms in the policy in force', registers: [registry] });
}

/** The version the file declared: a derived version `<v>+<hash8>` minus its suffix. */
function parsePolicyVersion(policy: Policy, hash: string): string {
  const suffix = `+${hash.slice(0, 8)}`;
  return policy.version.endsWith(suffix) ? policy.version.slice(0, -suffix.length) : policy.version;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function createPolicyHolder(options: PolicyHolderOptions): Promise<PolicyHolder> {
  const file = resolve(options.file);
  const { logger } = options;
  const reloads = reloadCounter(options.registry);
  const norms = normsGauge(options.registry);
  for (const result of ['ok', 'error']) reloads.inc({ result }, 0);

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, [readProblem(error)]);
  }
  let policy = parsePolicy(text, file);
  let loadedDigest = digest(text);
  let fileVersion = policy.version;
  let loadedAt = new Date().toISOString();
  let lastError: string | null = null;
  norms.set(policy.norms.length);
  logger.info({ file, version: policy.version, norms: policy.norms.length }, 'policy loaded');
  options.onLoaded?.({ policy, text, hash: loadedDigest, fileVersion, file });

  // Reloads run one at a time, so a slow read can never swap in an older text after a newer one.
  let chain: Promise<boolean> = Promise.resolve(true);

  async function attempt(onlyIfChanged: boolean): Promise<boolean> {
    let next: Policy;
    let nextDigest: string;
    let fresh: string;
    try {
      try {
        fresh = await readFile(file, 'utf8');
      } catch (error) {
        throw new PolicyError(file, [readProblem(error)]);
      }
      nextDigest = digest(fresh);
      if (onlyIfChanged && nextDigest === loadedDigest && lastError === null) return true;
      next = parsePolicy(fresh, file);
      if (nextDigest !== loadedDigest && next.version === fileVersion) {
        if (options.versionUnchanged !== 'derive') {
          throw new PolicyError(file, [
            `version: the policy text changed but its version "${next.version}" did not; give the edit a new version (or set policy.versionUnchanged: derive)`,
          ]);
        }
        const derived = `${next.version}+${nextDigest.slice(0, 8)}`;
        logger.warn({ file, version: next.version, derived }, 'policy text changed but its version did not; in force as a derived version');
        next = withVersion(next, derived);
      }
    } catch (error) {
      const problems = error instanceof PolicyError ? error.problems : [String(error)];
      lastError = problems.join('; ');
      reloads.inc({ result: 'error' });
      logger.error({ file, problems, keptVersion: policy.version }, 'policy reload rejected; the previous policy stays in force');
      return false;
    }
    const previous = policy.version;
    policy = next;
    loadedDigest = nextDigest;
    fileVersion = parsePolicyVersion(next, nextDigest);
    loadedAt = new Date().toISOString();
    lastError = null;
    reloads.inc({ result: 'ok' });
    norms.set(next.norms.length);
    logger.info({ file, version: next.version, previousVersion: previous, norms: next.norms.length }, 'policy reloaded');
    options.onLoaded?.({ policy: next, text: fresh, hash: nextDigest, fileVersion, file });
    return true;
  }

  function enqueue(onlyIfChanged: boolean): Promise<boolean> {
    chain = chain.then(() => attempt(onlyIfChanged));
    return chain;
  }

  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  if (options.watch) {
    const debounceMs = options.debounceMs ?? 150;
    // Watch the directory, not the file: editors and ConfigMap updates replace the file by rename,
    // which would leave a file watcher attached to the old inode. Unrelated events in the
    // directory cost one read; unchanged content is ignored.
    watcher = watch(dirname(file), { persistent: false }, () => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void enqueue(true);
      }, debounceMs);
      timer.unref();
    });
    watcher.on('error', (error) => logger.warn({ file, err: error }, 'policy file watcher failed; reload with SIGHUP'));
  }

  return {
    current: () => policy,
    status: () => ({ ok: lastError === null, version: policy.version, file, lastError, loadedAt, hash: loadedDigest }),
    reload: () => enqueue(false),
    close: () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      watcher?.close();
      watcher = null;
    },
  };
}
