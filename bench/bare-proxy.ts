/**
 * The floor Clarion is measured against: the thinnest honest fastify + undici pass-through
 * (buffered request body, streamed response, hop-by-hop headers dropped). ~30 lines on purpose.
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

const upstream = process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:9000';
const pool = new Pool(upstream, { connections: 256, pipelining: 1 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade', 'te', 'trailer']);
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

app.all('/v1/*', async (request, reply) => {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) if (!HOP.has(name) && value !== undefined) headers[name] = value;
  const body = request.body as Buffer | undefined;
  const upstreamRes = await pool.request({ path: request.url, method: request.method, headers, body: body ?? null });
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstreamRes.headers)) if (!HOP.has(name) && value !== undefined) out[name] = value;
  return reply.code(upstreamRes.statusCode).headers(out).send(upstreamRes.body);
});

const port = Number(process.env.PORT ?? 0);
void app.listen({ port, host: '127.0.0.1' }).then((address) => process.stdout.write(`LISTENING ${address}\n`));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
