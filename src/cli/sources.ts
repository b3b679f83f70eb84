/**
 * Where a command's config and stored data come from, the same for every command: `--config FILE`
 * (else CLARION_CONFIG, else the shipped config; REDIS_URL and the other variables apply as for
 * `clarion serve`), and `--data-dir DIR` for the embedded store when no Redis is configured.
 */
import { resolve } from 'node:path';
import { defaultConfigPath, loadConfig, type LoadedConfig } from '../config/load.js';
import type { EventStore } from '../events/store.js';
import { openEventStore } from '../storage/index.js';
import type { CliIo } from './framework/io.js';
import { string } from './framework/options.js';

export const CONFIG_OPTION = string('FILE', 'config file (default: CLARION_CONFIG, else the shipped config)');

const section = 'where the data is';

/** `--config` and `--data-dir`: every command that reads stored events or reviews takes both. */
export const STORE_OPTIONS = {
  config: { ...CONFIG_OPTION, section },
  'data-dir': string('DIR', 'embedded store directory when no Redis is configured (default: storage.dataDir, from the current directory)', { section }),
};

export interface StoreValues {
  config: string | undefined;
  'data-dir': string | undefined;
}

/** The config named by `--config`, else CLARION_CONFIG, else the shipped one. Throws ConfigError. */
export function loadCliConfig(file: string | undefined, io: CliIo): LoadedConfig {
  return loadConfig(file !== undefined ? resolve(io.cwd, file) : defaultConfigPath(io.env), io.env);
}

export interface StoreLocation {
  loaded: LoadedConfig;
  /** The embedded store's directory (used when the config names no Redis). */
  dataDir: string;
}

export function storeLocation(values: StoreValues, io: CliIo): StoreLocation {
  const loaded = loadCliConfig(values.config, io);
  return { loaded, dataDir: resolve(io.cwd, values['data-dir'] ?? loaded.config.storage.dataDir) };
}

/** Opens the event store the config points at, runs `use`, and closes the store whatever happens. */
export async function withEventStore<T>(values: StoreValues, io: CliIo, use: (store: EventStore) => Promise<T>): Promise<T> {
  const { loaded, dataDir } = storeLocation(values, io);
  const store = await openEventStore(loaded.config, dataDir);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
