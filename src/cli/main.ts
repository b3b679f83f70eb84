/**
 * The `clarion` command tree: every command, with the one-line summary `clarion --help` lists.
 * Each command's module is imported only when it runs (`clarion score` does not load the server).
 * To add a command: declare it with `command()` (or a `group()` of commands) as the default export
 * of a module in src/cli/, and list it here or in its group.
 */
import { readFileSync } from 'node:fs';
import { group, lazy } from './framework/command.js';
import { dispatch } from './framework/dispatch.js';
import { write, type CliIo } from './framework/io.js';

export const CLARION = group({
  summary: 'Clarion: an uncertainty-aware proxy for LLM APIs.',
  description: `options:
  -h, --help       show this help ('clarion help COMMAND...' shows a command's)
  -v, --version    print the version

exit codes: 0 done, 1 the command failed (invalid file, unknown id, store unreachable),
2 the command line is wrong. --json prints one JSON object per line on stdout.`,
  commands: {
    serve: lazy('start the proxy (env: PORT, HOST, REDIS_URL, CLARION_CONFIG, ...)', () => import('./serve.js')),
    config: lazy('validate a config file and the policy file it references', () => import('./config.js')),
    score: lazy('assess requests with the detector: TEXT, --request FILE or --jsonl', () => import('./score.js')),
    policy: lazy('validate a policy file; run example requests through detector and policy', () => import('./policy.js')),
    events: lazy('read and label the ambiguity event log (Redis or the embedded store)', () => import('./events.js')),
    learn: lazy("refit the detector to this deployment's labelled events; write a model file if it is not worse", () => import('./learn.js')),
    replay: lazy('re-decide stored events with a candidate policy and report what would change', () => import('./replay.js')),
    reviews: lazy('the review queue filled by the defer action', () => import('./reviews.js')),
  },
});

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one `clarion` command line (without the program name); resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    await write(io.stdout, `${version()}\n`);
    return 0;
  }
  return dispatch(CLARION, 'clarion', argv, io);
}
