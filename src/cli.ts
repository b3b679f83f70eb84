#!/usr/bin/env node
/** The `clarion` binary: the command tree lives in src/cli/main.ts. */
import { runCli } from './cli/main.js';
import { processIo } from './cli/framework/io.js';

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // dispatch() turns every error into an exit code; this is the last resort.
    process.stderr.write(`clarion: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
