/** `clarion config check [FILE]`: prints OK or one line per problem (exit 1). */
import { ConfigError, defaultConfigPath, loadConfig } from '../config/load.js';

export async function run(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'check') {
    process.stderr.write('usage: clarion config check [FILE]\n');
    return 2;
  }
  const path = file ?? defaultConfigPath();
  try {
    loadConfig(path);
    process.stdout.write(`OK ${path}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stdout.write(`${error.file}: invalid\n`);
    for (const problem of error.problems) process.stdout.write(`  ${problem}\n`);
    return 1;
  }
}
