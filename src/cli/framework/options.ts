/**
 * The kinds of command-line options a command declares. Each kind knows how to turn its text into
 * a typed value and how to describe itself in `--help`, so parsing, help and usage errors all
 * come from the one declaration. A bad value throws UsageError (exit 2), never a stack trace.
 */

/** A mistake in how the command was called: printed as one line plus a hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

interface OptionBase {
  description: string;
  /** One-letter alias, e.g. `n` for `-n`. */
  short?: string;
  /** Heading the option is listed under in `--help` (default `options`). */
  section?: string;
}

/** A boolean switch: present or not; never takes a value. */
export interface FlagOption extends OptionBase {
  kind: 'flag';
}

/** An option that takes a value (`--limit 5`, `--limit=5`). `V` is the type the handler sees. */
export interface ValueOption<T, V> extends OptionBase {
  kind: 'value';
  /** What the value is, shown after the option in help: FILE, N, T. */
  placeholder: string;
  /** Text to value; throws UsageError with the reason (the option's name is added by the parser). */
  parse(raw: string): T;
  /** The value when the option is not given (undefined: none). */
  default: V | undefined;
  /** Absent is a usage error. */
  required: boolean;
  /** Repeating the option adds to the value instead of replacing it (lists). */
  merge?(previous: T, next: T): T;
}

export type OptionSpec = FlagOption | ValueOption<unknown, unknown>;
export type OptionSpecs = Record<string, OptionSpec>;

/** The values a handler receives for its declared options, typed from the declaration. */
export type Values<O extends OptionSpecs> = { [K in keyof O]: O[K] extends ValueOption<unknown, infer V> ? V : boolean };

interface Extra {
  short?: string;
  section?: string;
}

/** `default` makes the value always present; so does `required`. */
interface ValueExtra<T> extends Extra {
  default?: T;
  required?: boolean;
}

/** The handler's type for a value option: `T` when it has a default or is required, else `T | undefined`. */
type Present<T, E> = E extends { default: T } | { required: true } ? T : T | undefined;

function valueOption<T, E extends ValueExtra<T>>(
  placeholder: string,
  description: string,
  parse: (raw: string) => T,
  extra?: E,
): ValueOption<T, Present<T, E>> {
  const option: ValueOption<T, Present<T, E>> = {
    kind: 'value',
    placeholder,
    description,
    parse,
    default: extra?.default,
    required: extra?.required === true,
  };
  if (extra?.short !== undefined) option.short = extra.short;
  if (extra?.section !== undefined) option.section = extra.section;
  return option;
}

export function flag(description: string, extra: Extra = {}): FlagOption {
  return { kind: 'flag', description, ...extra };
}

export function string<const E extends ValueExtra<string>>(placeholder: string, description: string, extra?: E): ValueOption<string, Present<string, E>> {
  return valueOption(placeholder, description, (raw) => raw, extra);
}

interface NumberExtra extends ValueExtra<number> {
  min?: number;
  max?: number;
  integer?: boolean;
}

function describeRange(extra: NumberExtra | undefined): string {
  const kind = extra?.integer === true ? 'an integer' : 'a number';
  const { min, max } = extra ?? {};
  if (min !== undefined && max !== undefined) return `${kind} in [${min}, ${max}]`;
  if (min !== undefined) return `${kind} >= ${min}`;
  if (max !== undefined) return `${kind} <= ${max}`;
  return kind;
}

export function number<const E extends NumberExtra>(placeholder: string, description: string, extra?: E): ValueOption<number, Present<number, E>> {
  const expected = describeRange(extra);
  return valueOption(
    placeholder,
    description,
    (raw) => {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      const ok =
        Number.isFinite(n) &&
        (extra?.integer !== true || Number.isInteger(n)) &&
        (extra?.min === undefined || n >= extra.min) &&
        (extra?.max === undefined || n <= extra.max);
      if (!ok) throw new UsageError(`expected ${expected}, got "${raw}"`);
      return n;
    },
    extra,
  );
}

function unknownValue(raw: string, choices: readonly string[]): UsageError {
  return new UsageError(`unknown value "${raw}" (one of: ${choices.join(', ')})`);
}

/** One of a fixed set of words; help shows them as `a|b|c`. */
export function choice<const C extends string, const E extends ValueExtra<C>>(
  choices: readonly C[],
  description: string,
  extra?: E,
): ValueOption<C, Present<C, E>> {
  return valueOption(
    choices.join('|'),
    description,
    (raw) => {
      if (!(choices as readonly string[]).includes(raw)) throw unknownValue(raw, choices);
      return raw as C;
    },
    extra,
  );
}

/**
 * Comma-separated values (`--action clarify,defer`); repeating the option adds to the list. With
 * `choices`, every item must be one of them.
 */
export function list<const C extends string = string>(
  placeholder: string,
  description: string,
  extra: Extra & { choices?: readonly C[] } = {},
): ValueOption<C[], C[] | undefined> {
  const { choices, ...rest } = extra;
  const option = valueOption<C[], Extra>(
    placeholder,
    description,
    (raw) => {
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
      if (items.length === 0) throw new UsageError(`expected ${placeholder}, got "${raw}"`);
      if (choices !== undefined) for (const item of items) if (!(choices as readonly string[]).includes(item)) throw unknownValue(item, choices);
      return items as C[];
    },
    rest,
  );
  option.merge = (previous, next) => [...previous, ...next];
  return option;
}

/** Any other value type: `parse` turns the text into it or throws UsageError with the reason. */
export function custom<T, const E extends ValueExtra<T>>(
  placeholder: string,
  description: string,
  parse: (raw: string) => T,
  extra?: E,
): ValueOption<T, Present<T, E>> {
  return valueOption(placeholder, description, parse, extra);
}

/** `--json` means the same on every command that has it. */
export const JSON_OPTION = flag('machine-readable output: one JSON object per line (one per item for lists)');
