/**
 * What a `clarion` command is: a declaration (arguments, options, help text) and a handler.
 * Commands are grouped (`clarion events list`); a group lists its children with the one-line
 * summary shown in its help, and may load a child's module only when it is run, so that
 * `clarion score` does not pay for the server's imports.
 */
import type { CliIo } from './io.js';
import type { OptionSpecs, Values } from './options.js';

/** A positional argument. Its name is the key the handler reads and, upper-cased, what help shows. */
export interface ArgSpec<N extends string = string> {
  name: N;
  description: string;
  /** Absent is a usage error. */
  required: boolean;
  /** Takes every remaining positional (zero or more); only the last argument may. */
  variadic: boolean;
  /** The value must be one of these. */
  choices?: readonly string[];
}

export function arg<const N extends string>(
  name: N,
  description: string,
  extra: { choices?: readonly string[] } = {},
): ArgSpec<N> & { required: true; variadic: false } {
  return { name, description, required: true, variadic: false, ...extra };
}

export function optionalArg<const N extends string>(name: N, description: string): ArgSpec<N> & { required: false; variadic: false } {
  return { name, description, required: false, variadic: false };
}

export function restArgs<const N extends string>(name: N, description: string): ArgSpec<N> & { required: false; variadic: true } {
  return { name, description, required: false, variadic: true };
}

type ArgValue<S> = S extends { variadic: true } ? string[] : S extends { required: true } ? string : string | undefined;

/** The positionals a handler receives, by name. */
export type Args<A extends readonly ArgSpec[]> = { [S in A[number] as S['name']]: ArgValue<S> };

export interface Context<O extends OptionSpecs, A extends readonly ArgSpec[]> {
  values: Values<O>;
  args: Args<A>;
  io: CliIo;
  /** The command as typed, for messages: `clarion events list`. */
  path: string;
}

export interface Command<O extends OptionSpecs = OptionSpecs, A extends readonly ArgSpec[] = readonly ArgSpec[]> {
  kind: 'command';
  /** One line, shown in the parent's list and at the top of `--help` (for a lazily loaded command, the `lazy()` entry gives it). */
  summary?: string;
  /** Further help text (pre-wrapped lines), shown after the summary. */
  description?: string;
  args: A;
  options: O;
  /** Resolves with the exit code: 0 success, 1 operational failure. Throws UsageError for exit 2. */
  run(context: Context<O, A>): Promise<number>;
}

export interface Group {
  kind: 'group';
  summary?: string;
  description?: string;
  commands: Record<string, Entry>;
}

/** A module that declares one command or group as its default export. */
export interface CommandModule {
  default: Command | Group;
}

/** A child whose module is imported only when it is run or its help is shown. */
export interface Lazy {
  kind: 'lazy';
  summary: string;
  load(): Promise<CommandModule>;
}

export type Entry = Command | Group | Lazy;

/** Declares a command; `args` and `options` type the handler's `context`. */
export function command<const A extends readonly ArgSpec[], O extends OptionSpecs>(spec: {
  summary?: string;
  description?: string;
  args?: A;
  options: O;
  run(context: Context<O, A>): Promise<number>;
}): Command<O, A> {
  return { kind: 'command', ...spec, args: spec.args ?? ([] as unknown as A) };
}

export function group(spec: { summary?: string; description?: string; commands: Record<string, Entry> }): Group {
  return { kind: 'group', ...spec };
}

/**
 * A child loaded on demand: `load` imports the module that declares it (`() => import('./x.js')`).
 * The summary is given here, where the parent lists it, so that listing does not load the module.
 */
export function lazy(summary: string, load: () => Promise<CommandModule>): Lazy {
  return { kind: 'lazy', summary, load };
}

export async function resolveEntry(entry: Entry): Promise<Command | Group> {
  if (entry.kind !== 'lazy') return entry;
  const loaded = (await entry.load()).default;
  return { ...loaded, summary: entry.summary };
}
