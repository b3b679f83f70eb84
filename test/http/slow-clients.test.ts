/**
 * One slow client must not hurt the others: trickled headers, a body that never ends and idle
 * keep-alive sockets are cut by the configured timeouts; bodies still being received share one
 * memory budget; connections beyond the limit are refused. Raw sockets, so nothing in between
 * completes a request for us.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion, type RunningClarion } from '../helpers/clarion.js';

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent once it closes the socket, or null if still open after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => resolve(null), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Tell me a story about a lighthouse.' }] });
const head = (length: number) => `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;

describe('slow clients', () => {
  let upstream: FakeUpstream;
  let clarion: RunningClarion;

  before(async () => {
    upstream = await startFakeUpstream();
    clarion = await startClarion({
      upstream,
      extraConfig: [
        'limits:',
        '  headersTimeoutMs: 600',
        '  requestTimeoutMs: 1500',
        '  keepAliveTimeoutMs: 300',
        '  maxConnections: 40',
        '  maxInflightBodyBytes: 100000',
      ].join('\n'),
    });
  });
  after(async () => {
    await clarion.close();
    await upstream.close();
  });

  test('trickled headers are cut by the header timeout', async () => {
    const socket = await open(clarion.url);
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n');
    const timer = setInterval(() => socket.writable && socket.write('x-slow: 1\r\n'), 100);
    const closed = await closedWithin(socket, 15_000);
    clearInterval(timer);
    assert.notEqual(closed, null, 'the socket is still open');
  });

  test('a body that never ends is cut by the request timeout', async () => {
    const socket = await open(clarion.url);
    socket.write(head(10_000) + '{"model":');
    const closed = await closedWithin(socket, 15_000);
    assert.notEqual(closed, null, 'the socket is still open');
    assert.equal(upstream.requests.length, 0);
  });

  test('an idle keep-alive socket is closed after the keep-alive timeout', async () => {
    const socket = await open(clarion.url);
    const closed = closedWithin(socket, 15_000);
    socket.write(head(Buffer.byteLength(BODY)) + BODY);
    const received = await closed;
    assert.notEqual(received, null, 'the idle socket is still open');
    assert.match(received ?? '', /^HTTP\/1.1 200/);
  });

  test('bodies still arriving share one memory budget: beyond it 503, the others unharmed', async () => {
    const holders: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const socket = await open(clarion.url);
      socket.on('error', () => undefined);
      socket.write(head(60_000) + ' '.repeat(45_000));
      holders.push(socket);
    }
    await new Promise((r) => setTimeout(r, 200));
    const third = await open(clarion.url);
    const answer = closedWithin(third, 15_000);
    third.write(head(60_000) + ' '.repeat(30_000));
    const received = await answer;
    assert.match(received ?? 'still open', /^HTTP\/1.1 503/);
    assert.match(received ?? '', /CLARION_OVERLOADED/);
    for (const socket of holders) socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${clarion.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    assert.equal(res.status, 200, 'budget released when the holders went away');
  });

  test('connections beyond the limit are closed at once', async () => {
    const sockets: Socket[] = [];
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const socket = await open(clarion.url);
      socket.on('error', () => undefined);
      socket.once('close', () => refused++);
      sockets.push(socket);
    }
    await new Promise((r) => setTimeout(r, 400));
    for (const socket of sockets) socket.destroy();
    assert.ok(refused >= 20, `${refused} of 60 refused`);
  });
});
