/**
 * `clarion config check [FILE]`: validates the config and the policy file it references
 * (`policy.file`, relative to the config), so that one command says whether `clarion serve` would
 * start. Prints OK per file, or the file and one line per problem (`field.path: reason`); exit 1
 * when either is invalid.
 */
import { resolve } from 'node:path';
import { ConfigError, defaultConfigPath, loadConfig, resolveFromConfig } from '../config/load.js';
import { command, group, optionalArg } from './framework/command.js';
import { jsonLine, write } from './framework/io.js';
import { JSON_OPTION } from './framework/options.js';
import { checkPolicy, formatCheck, type FileCheck } from './policy/check.js';

function checkConfigFile(file: string, env: NodeJS.ProcessEnv): { config: FileCheck; policy: FileCheck | null } {
  try {
    const loaded = loadConfig(file, env);
    return { config: { file: loaded.file, ok: true, problems: [] }, policy: checkPolicy(resolveFromConfig(loaded, loaded.config.policy.file)) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Where the policy is cannot be known from an invalid config.
    return { config: { file: error.file, ok: false, problems: error.problems }, policy: null };
  }
}

const check = command({
  summary: 'validate a config file and the policy file it references',
  args: [optionalArg('file', 'the config file (default: CLARION_CONFIG, else the shipped config)')],
  options: { json: JSON_OPTION },
  async run({ args, values, io }) {
    const file = args.file !== undefined ? resolve(io.cwd, args.file) : defaultConfigPath(io.env);
    const { config, policy } = checkConfigFile(file, io.env);
    const ok = config.ok && policy?.ok === true;
    if (values.json) await write(io.stdout, jsonLine({ ok, config, policy }));
    else {
      let text = formatCheck(config);
      if (policy !== null) text += formatCheck(policy, `policy.file of ${config.file}`);
      else text += `policy: not checked (the config is invalid)\n`;
      await write(io.stdout, text);
    }
    return ok ? 0 : 1;
  },
});

export default group({
  commands: { check },
});
