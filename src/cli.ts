#!/usr/bin/env node
/**
 * The `clarion` command. Each subcommand lives in src/cli/<name>.ts and is loaded on demand so
 * `clarion score` does not pay for the server's imports.
 */
const USAGE = `usage: clarion <command> [options]

commands:
  serve                         start the proxy (env: PORT, HOST, REDIS_URL, CLARION_CONFIG, ...)
  config check [FILE]           validate a config file
  score TEXT | --request FILE | --jsonl
                                assess requests with the detector
  policy check FILE             validate a policy file
  policy test FILE --cases F    run example requests through detector and policy
  events tail|list|show|stats|export|label
                                read the ambiguity event log (Redis or the embedded store)
  reviews list|resolve          the review queue filled by the defer action
  replay ...                    re-run stored events through a candidate policy

run 'clarion <command> --help' for a command's options`;

type CommandModule = { run(args: string[]): Promise<number> };

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./cli/serve.js'),
  config: () => import('./cli/config.js'),
  score: () => import('./cli/score.js'),
  policy: () => import('./cli/policy.js'),
  events: () => import('./cli/events.js'),
  reviews: () => import('./cli/reviews.js'),
  replay: () => import('./cli/replay.js'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`clarion: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve keeps the event loop alive itself; every other command ends here.
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`clarion: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
