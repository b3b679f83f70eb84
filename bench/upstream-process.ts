/** Runs the fake upstream (the test fixture) in its own process for the benchmark. */
import { startFakeUpstream } from '../test/fixtures/fake-upstream.js';

const upstream = await startFakeUpstream({
  port: Number(process.env.PORT ?? 0),
  record: false,
  streamChunks: Number(process.env.STREAM_CHUNKS ?? 20),
});
process.stdout.write(`LISTENING ${upstream.url}\n`);
process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
