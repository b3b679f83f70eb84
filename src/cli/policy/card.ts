/**
 * `clarion policy card [FILE]`: the policy restated in plain language for the people it affects
 * (see src/policy/card.ts). Without FILE, the policy the config puts in force. What is recorded
 * and for how long comes from the config's `events` section.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveFromConfig } from '../../config/load.js';
import { buildPolicyCard, renderPolicyCardHtml, renderPolicyCardMarkdown } from '../../policy/card.js';
import { loadPolicyFile, PolicyError } from '../../policy/load.js';
import { command, optionalArg } from '../framework/command.js';
import { jsonLine, write } from '../framework/io.js';
import { choice, JSON_OPTION, UsageError } from '../framework/options.js';
import { CONFIG_OPTION, loadCliConfig } from '../sources.js';
import { formatCheck } from './check.js';

export const card = command({
  summary: 'render the policy as a plain-language card for the people it affects',
  description: 'Markdown by default; --format html gives a self-contained page (no script), --format json (or --json) the card as data.',
  args: [optionalArg('file', 'the policy file (default: the one the config references)')],
  options: {
    format: choice(['md', 'html', 'json'], 'output format (default md)'),
    json: JSON_OPTION,
    config: CONFIG_OPTION,
  },
  async run({ args, values, io }) {
    if (values.json && values.format !== undefined && values.format !== 'json') throw new UsageError(`--json conflicts with --format ${values.format}`);
    const format = values.json ? 'json' : (values.format ?? 'md');
    const loaded = loadCliConfig(values.config, io);
    const file = args.file !== undefined ? resolve(io.cwd, args.file) : resolveFromConfig(loaded, loaded.config.policy.file);
    let policy;
    try {
      policy = loadPolicyFile(file);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      await write(io.stderr, formatCheck({ file: error.file, ok: false, problems: error.problems }));
      return 1;
    }
    const card = buildPolicyCard({ policy, events: loaded.config.events, loadedAt: statSync(file).mtime.toISOString() });
    await write(io.stdout, format === 'json' ? jsonLine(card) : format === 'html' ? renderPolicyCardHtml(card) : renderPolicyCardMarkdown(card));
    return 0;
  },
});
