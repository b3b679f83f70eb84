/**
 * The per-request log line: valid JSON in pino's shape, client-controlled strings escaped,
 * absent fields omitted, nothing written when request logging is off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/ops/logger.js';
import { createRequestLog, type RequestLogLine } from '../../src/ops/request-log.js';

function capture(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  return { lines, sink };
}

const LINE: RequestLogLine = {
  reqId: 'req "quoted" \\ \n newline',
  route: '/v1/chat/completions',
  model: 'gpt-4o"}, "evil": "x',
  upstream: 'openai',
  status: 200,
  action: 'annotate',
  shadow: false,
  score: 0.8123,
  eventId: '01JABCDEFGHJKMNPQRSTVWXYZ0',
  error: null,
  totalMs: 12.34567,
  overheadMs: 0.12345,
  upstreamMs: 12.2,
};

test('a pino-shaped JSON line with every field, strings escaped, numbers rounded', async () => {
  const { lines, sink } = capture();
  const logger = createLogger('info', sink);
  createRequestLog(logger, true)(LINE);
  logger.info({ other: 1 }, 'other line');
  await new Promise((r) => setImmediate(r));
  const parsed = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  const other = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
  assert.equal(parsed.level, other.level);
  assert.equal(parsed.service, 'clarion');
  assert.match(String(parsed.time), /^\d{4}-\d\d-\d\dT/);
  assert.equal(parsed.msg, 'request');
  assert.equal(parsed.reqId, LINE.reqId);
  assert.equal(parsed.model, LINE.model);
  assert.equal(parsed.evil, undefined, 'no injection through a client string');
  assert.equal(parsed.totalMs, 12.346);
  assert.equal(parsed.overheadMs, 0.123);
  assert.equal(parsed.eventId, LINE.eventId);
  assert.equal('error' in parsed, false, 'absent fields are omitted');
});

test('nothing is written when request logging is off or info is disabled', async () => {
  for (const [level, enabled] of [
    ['info', false],
    ['warn', true],
  ] as const) {
    const { lines, sink } = capture();
    createRequestLog(createLogger(level, sink), enabled)(LINE);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(lines, []);
  }
});
