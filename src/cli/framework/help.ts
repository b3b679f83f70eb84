/** `--help` text, rendered from the declarations: usage line, summary, description, arguments, options, subcommands. */
import type { Command, Group } from './command.js';
import type { OptionSpec } from './options.js';

const WIDTH = 100;

type Row = [string, string];

/** Width of the left column: the longest name, within reason (longer names get a line of their own). */
function leftWidth(rows: Row[]): number {
  return Math.min(Math.max(0, ...rows.map(([name]) => name.length)) + 2, 32);
}

/** Two-column rows (`  --limit N     most events ...`), the right column wrapped under itself. */
function columns(rows: Row[], left = leftWidth(rows)): string[] {
  const lines: string[] = [];
  for (const [name, text] of rows) {
    const words = text.split(' ');
    let line = name.length + 2 > left ? `  ${name}\n${' '.repeat(left + 2)}` : `  ${name.padEnd(left)}`;
    let lineLength = line.length - line.lastIndexOf('\n') - 1;
    let first = true;
    for (const word of words) {
      if (!first && lineLength + 1 + word.length > WIDTH) {
        lines.push(line);
        line = ' '.repeat(left + 2);
        lineLength = line.length;
        first = true;
      }
      line += first ? word : ` ${word}`;
      lineLength += (first ? 0 : 1) + word.length;
      first = false;
    }
    lines.push(line);
  }
  return lines;
}

function optionName(name: string, spec: OptionSpec): string {
  const long = spec.kind === 'flag' ? `--${name}` : `--${name} ${spec.placeholder}`;
  return spec.short === undefined ? long : `-${spec.short}, ${long}`;
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.map(shown).join(',');
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function optionText(spec: OptionSpec): string {
  if (spec.kind === 'flag' || spec.default === undefined) return spec.description;
  return `${spec.description} (default: ${shown(spec.default)})`;
}

/** `clarion events label ID VERDICT [options]`, with required options spelled out. */
export function usageLine(path: string, command: Command): string {
  const parts = [path];
  for (const arg of command.args) {
    const name = arg.name.toUpperCase();
    parts.push(arg.variadic ? `[${name}...]` : arg.required ? name : `[${name}]`);
  }
  for (const [name, spec] of Object.entries(command.options)) if (spec.kind === 'value' && spec.required) parts.push(`--${name} ${spec.placeholder}`);
  parts.push('[options]');
  return `usage: ${parts.join(' ')}`;
}

function intro(usage: string, node: Command | Group): string[] {
  return node.summary === undefined ? [usage] : [usage, '', node.summary];
}

function description(node: Command | Group): string[] {
  return node.description === undefined ? [] : ['', node.description.trimEnd()];
}

export function commandHelp(path: string, command: Command): string {
  const lines = [...intro(usageLine(path, command), command), ...description(command)];
  if (command.args.length > 0) {
    lines.push('', 'arguments:', ...columns(command.args.map((arg) => [arg.name.toUpperCase(), arg.description])));
  }
  const sections = new Map<string, Row[]>();
  for (const [name, spec] of Object.entries(command.options)) {
    const section = spec.section ?? 'options';
    const rows = sections.get(section) ?? [];
    rows.push([optionName(name, spec), optionText(spec)]);
    sections.set(section, rows);
  }
  const general = sections.get('options') ?? [];
  general.push(['-h, --help', 'show this help']);
  sections.delete('options');
  // One column width for every section, so the help reads as one table.
  const left = leftWidth([...general, ...[...sections.values()].flat()]);
  for (const [title, rows] of [['options', general] as const, ...sections]) lines.push('', `${title}:`, ...columns(rows, left));
  return `${lines.join('\n')}\n`;
}

export function groupHelp(path: string, group: Group): string {
  const lines = intro(`usage: ${path} <command> [options]`, group);
  const rows = Object.entries(group.commands).map(([name, entry]): Row => [name, entry.summary ?? '']);
  lines.push('', 'commands:', ...columns(rows), ...description(group));
  lines.push('', `run '${path} <command> --help' for a command's arguments and options`);
  return `${lines.join('\n')}\n`;
}
