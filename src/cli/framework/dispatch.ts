/**
 * Runs a command line against the command tree: walks the groups by name, parses the command's
 * options, runs its handler and turns every outcome into an exit code.
 *
 *   0  done (also `--help`, `-h` and `help [COMMAND...]`, printed on stdout)
 *   1  the command ran and failed: a bad config or policy file (each problem on its own line),
 *      an unknown id, a store that cannot be reached
 *   2  the command line is wrong: one line `clarion <cmd>: <problem>` and one hint line on stderr.
 *      A group given no command prints its help on stderr instead.
 */
import { resolveEntry, type Command, type Group } from './command.js';
import { commandHelp, groupHelp } from './help.js';
import { errorMessage, write, type CliIo } from './io.js';
import { UsageError } from './options.js';
import { nearest, parseCommandLine } from './parse.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

interface Located {
  node: Command | Group;
  /** `clarion events list` */
  path: string;
  rest: string[];
}

function unknownCommand(group: Group, name: string): string {
  const suggestion = nearest(name, Object.keys(group.commands));
  return `unknown command "${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
}

/** Follows command names through the groups as far as they go. */
async function locate(root: Group, rootPath: string, argv: string[]): Promise<Located> {
  let node: Command | Group = root;
  let path = rootPath;
  let rest = argv;
  while (node.kind === 'group') {
    const [name, ...tail] = rest;
    if (name === undefined || name.startsWith('-') || name === 'help') break;
    // Own names only: `clarion constructor` is an unknown command, not Object.prototype's.
    if (!Object.hasOwn(node.commands, name)) break;
    node = await resolveEntry(node.commands[name] as Group['commands'][string]);
    path = `${path} ${name}`;
    rest = tail;
  }
  return { node, path, rest };
}

async function usageError(io: CliIo, path: string, message: string): Promise<number> {
  await write(io.stderr, `${path}: ${message}\nrun '${path} --help' for usage\n`);
  return EXIT_USAGE;
}

function helpOf({ node, path }: Located): string {
  return node.kind === 'group' ? groupHelp(path, node) : commandHelp(path, node);
}

/** A command line that stopped at a group: its help, `help [COMMAND...]`, or an unknown name. */
async function runGroup(group: Group, path: string, rest: string[], io: CliIo): Promise<number> {
  const [first, ...tail] = rest;
  if (first === undefined) {
    await write(io.stderr, groupHelp(path, group));
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    await write(io.stdout, groupHelp(path, group));
    return EXIT_OK;
  }
  if (first === 'help') {
    // `clarion help events list` = `clarion events list --help`
    const target = await locate(group, path, tail);
    const [unknown] = target.rest;
    if (unknown === undefined) {
      await write(io.stdout, helpOf(target));
      return EXIT_OK;
    }
    return usageError(io, target.path, target.node.kind === 'group' ? unknownCommand(target.node, unknown) : `unexpected argument "${unknown}"`);
  }
  return usageError(io, path, first.startsWith('-') ? `unknown option ${first}` : unknownCommand(group, first));
}

async function runCommand(command: Command, path: string, rest: string[], io: CliIo): Promise<number> {
  const line = parseCommandLine(command, rest);
  if (line.help) {
    await write(io.stdout, commandHelp(path, command));
    return EXIT_OK;
  }
  return command.run({ values: line.values, args: line.args, io, path });
}

/** Runs `argv` (without the program name) against `root`; resolves with the exit code. */
export async function dispatch(root: Group, rootPath: string, argv: string[], io: CliIo): Promise<number> {
  let path = rootPath;
  try {
    const { node, path: at, rest } = await locate(root, rootPath, argv);
    path = at;
    return node.kind === 'group' ? await runGroup(node, path, rest, io) : await runCommand(node, path, rest, io);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, path, error.message);
    // FileProblemsError's message is already one line per problem, naming the file and the field.
    await write(io.stderr, `${path}: ${errorMessage(error)}\n`);
    return EXIT_FAILURE;
  }
}
