/**
 * Command line -> typed values, with node's `util.parseArgs` doing the tokenizing (`--name value`,
 * `--name=value`, `-n 5`, `-n5`, `--` ends the options). The checks are ours, so that every
 * problem reads the same way: unknown option (with the nearest known one), a missing or
 * unwanted value, a bad value, a missing or extra argument. Each throws UsageError.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Args, ArgSpec, Command } from './command.js';
import { UsageError, type OptionSpec, type OptionSpecs, type Values } from './options.js';

export type ParsedLine<O extends OptionSpecs, A extends readonly ArgSpec[]> =
  /** `--help` / `-h` was given: show help and ignore everything else. */
  { help: true } | { help: false; values: Values<O>; args: Args<A> };

type NodeOptions = NonNullable<ParseArgsConfig['options']>;

function nodeOptions(options: Record<string, OptionSpec>): NodeOptions {
  const out: NodeOptions = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(options)) {
    out[name] = { type: spec.kind === 'flag' ? 'boolean' : 'string', ...(spec.short === undefined ? {} : { short: spec.short }) };
  }
  return out;
}

/** The usual typo distance, to suggest `--limit` for `--limt`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest of `known` to `typed`, when it is close enough to be a typo. */
export function nearest(typed: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(typed.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(typed, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// A value that looks like an option means the value was forgotten (`--policy --json`); numbers
// (`--min-score -0.5`) and `-` (stdin) are values. `--note=-x` passes anything.
const LOOKS_LIKE_OPTION = /^-(?![\d.]|$)/;

function unknownOption(raw: string, options: Record<string, OptionSpec>): UsageError {
  const suggestion = raw.startsWith('--') ? nearest(raw.slice(2), [...Object.keys(options), 'help']) : undefined;
  return new UsageError(`unknown option ${raw}${suggestion === undefined ? '' : ` (did you mean --${suggestion}?)`}`);
}

function assignArgs(specs: readonly ArgSpec[], positionals: string[]): Record<string, string | string[] | undefined> {
  const args: Record<string, string | string[] | undefined> = {};
  let next = 0;
  for (const spec of specs) {
    if (spec.variadic) {
      args[spec.name] = positionals.slice(next);
      next = positionals.length;
      continue;
    }
    const value = positionals[next];
    if (value === undefined) {
      if (spec.required) throw new UsageError(`missing ${spec.name.toUpperCase()}`);
      args[spec.name] = undefined;
      continue;
    }
    if (spec.choices !== undefined && !spec.choices.includes(value)) {
      throw new UsageError(`${spec.name.toUpperCase()}: unknown value "${value}" (one of: ${spec.choices.join(', ')})`);
    }
    args[spec.name] = value;
    next++;
  }
  const extra = positionals[next];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return args;
}

export function parseCommandLine<O extends OptionSpecs, A extends readonly ArgSpec[]>(command: Command<O, A>, argv: string[]): ParsedLine<O, A> {
  const { tokens } = parseArgs({ args: argv, options: nodeOptions(command.options), strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  let afterTerminator = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') afterTerminator = true;
    else if (token.kind === 'positional') positionals.push(token.value);
    else if (token.name === 'help' && !afterTerminator) return { help: true };
  }
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(command.options, token.name) ? command.options[token.name] : undefined;
    if (spec === undefined) throw unknownOption(token.rawName, command.options);
    if (spec.kind === 'flag') {
      if (token.inlineValue === true) throw new UsageError(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    const raw = token.value;
    if (raw === undefined || (token.inlineValue !== true && LOOKS_LIKE_OPTION.test(raw))) {
      throw new UsageError(`${token.rawName} needs a value (${spec.placeholder})`);
    }
    let value: unknown;
    try {
      value = spec.parse(raw);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`${token.rawName}: ${error.message}`);
      throw error;
    }
    const previous = values[token.name];
    values[token.name] = previous !== undefined && spec.merge !== undefined ? spec.merge(previous, value) : value;
  }
  const args = assignArgs(command.args, positionals);
  for (const [name, spec] of Object.entries(command.options)) {
    if (values[name] !== undefined) continue;
    if (spec.kind === 'flag') values[name] = false;
    else if (spec.required) throw new UsageError(`missing --${name} ${spec.placeholder}`);
    else values[name] = spec.default;
  }
  // Every declared option and argument has been given its value of the declared type above.
  return { help: false, values: values as Values<O>, args: args as Args<A> };
}
