/**
 * `clarion serve`: loads the config (--config, CLARION_CONFIG or the shipped one), starts the proxy
 * and wires the signals: SIGTERM/SIGINT shut down gracefully (exit 0), SIGHUP reloads the policy and the detector model.
 */
import { buildServer } from '../server.js';
import { command } from './framework/command.js';
import { CONFIG_OPTION, loadCliConfig } from './sources.js';

export default command({
  description: `Environment: PORT, HOST, REDIS_URL, CLARION_CONFIG, CLARION_OPENAI_BASE_URL,
CLARION_ANTHROPIC_BASE_URL, CLARION_ADMIN_TOKEN (see docs/configuration.md).
An invalid config or policy stops start-up with one line per problem (exit 1).`,
  options: { config: CONFIG_OPTION },
  async run({ values, io }) {
    const loaded = loadCliConfig(values.config, io);
    const server = await buildServer(loaded);
    const { logger } = server;
    const address = await server.listen();
    logger.info({ address, config: loaded.file }, 'clarion listening');

    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      // Exit explicitly once closed and flushed, so that a lingering socket cannot hold a stopped proxy up.
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
      void server.reload();
    });
    // Never resolves: the proxy runs until a signal ends the process (above).
    return new Promise<number>(() => {});
  },
});
