/**
 * `clarion policy check FILE`: validates a policy file. Prints OK with its version and norm count,
 * or the file and one line per problem (`norms[0].then.action: ...`), exit 1.
 */
import { resolve } from 'node:path';
import { loadPolicyFile, PolicyError } from '../../policy/load.js';
import { arg, command } from '../framework/command.js';
import { jsonLine, write } from '../framework/io.js';
import { JSON_OPTION } from '../framework/options.js';

/** The outcome of checking one file, as `--json` prints it. */
export interface FileCheck {
  file: string;
  ok: boolean;
  /** One line per problem, `field.path: reason`. */
  problems: string[];
  version?: string;
  norms?: number;
}

export function checkPolicy(file: string): FileCheck {
  try {
    const policy = loadPolicyFile(file);
    return { file: resolve(file), ok: true, problems: [], version: policy.version, norms: policy.norms.length };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { file: error.file, ok: false, problems: error.problems };
  }
}

/** `OK FILE (version V, N norms)`, or `FILE: invalid (why it was read)` and the problems indented. */
export function formatCheck(check: FileCheck, readAs?: string): string {
  if (check.ok) return `OK ${check.file}${check.version === undefined ? '' : ` (version ${check.version}, ${check.norms} norms)`}\n`;
  const header = `${check.file}: invalid${readAs === undefined ? '' : ` (${readAs})`}\n`;
  return header + check.problems.map((problem) => `  ${problem}\n`).join('');
}

export const check = command({
  summary: 'validate a policy file',
  args: [arg('file', 'the policy file')],
  options: { json: JSON_OPTION },
  async run({ args, values, io }) {
    const check = checkPolicy(resolve(io.cwd, args.file));
    await write(io.stdout, values.json ? jsonLine(check) : formatCheck(check));
    return check.ok ? 0 : 1;
  },
});
