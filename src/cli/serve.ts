/**
 * `clarion serve`: loads the config (CLARION_CONFIG or the shipped one), starts the proxy and
 * wires the signals: SIGTERM/SIGINT shut down gracefully (exit 0), SIGHUP reloads the policy.
 */
import { defaultConfigPath, loadConfig } from '../config/load.js';
import { FileProblemsError } from '../errors.js';
import { buildServer } from '../server.js';

const USAGE = `usage: clarion serve [--config FILE]

Starts the proxy. Environment: PORT, HOST, REDIS_URL, CLARION_CONFIG, CLARION_OPENAI_BASE_URL,
CLARION_ANTHROPIC_BASE_URL, CLARION_ADMIN_TOKEN (see docs/configuration.md).`;

export async function run(args: string[]): Promise<number> {
  let file = defaultConfigPath();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (arg === '--config' && args[i + 1] !== undefined) file = args[++i] as string;
    else {
      process.stderr.write(`clarion serve: unknown option ${arg}\n${USAGE}\n`);
      return 2;
    }
  }
  let server;
  try {
    server = await buildServer(loadConfig(file));
  } catch (error) {
    if (error instanceof FileProblemsError) {
      process.stderr.write(`clarion: ${error.message.split('\n')[0]}\n`);
      for (const problem of error.problems) process.stderr.write(`  ${problem}\n`);
      return 1;
    }
    throw error;
  }
  const { logger } = server;
  const address = await server.listen();
  logger.info({ address, config: file }, 'clarion listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    void server.policy.reload();
  });
  // Keep running: the listening server holds the event loop open.
  return -1;
}
