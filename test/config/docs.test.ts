/**
 * docs/configuration.md documents every config field the schema accepts, and the shipped config
 * is valid. A field added to the schema without docs fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { defaultConfigPath, loadConfig } from '../../src/config/load.js';
import { LimitsSchema } from '../../src/config/limits.js';
import { DetectorConfigSchema } from '../../src/detect/config.js';
import { PolicyConfigSchema } from '../../src/policy/config.js';
import { SecondOpinionConfigSchema } from '../../src/judge/config.js';
import {
  LoggingSchema,
  ModelsSchema,
  RedisSchema,
  RouteRuleSchema,
  ServerSchema,
  StorageSchema,
  UpstreamAuthSchema,
  UpstreamSchema,
  UpstreamTimeoutsSchema,
} from '../../src/config/schema.js';

const docs = readFileSync(resolve(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');

function keysOf(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  assert.ok(shape !== undefined, 'an object schema');
  return Object.keys(shape);
}

const SECTIONS: Array<[string, z.ZodType, (key: string) => string]> = [
  ['server', ServerSchema, (k) => `| \`${k}\` |`],
  ['upstreams[]', UpstreamSchema, (k) => (k === 'timeouts' || k === 'auth' ? `\`${k}.` : `| \`${k}\` |`)],
  ['upstreams[].timeouts', UpstreamTimeoutsSchema, (k) => `| \`timeouts.${k}\` |`],
  ['upstreams[].auth', UpstreamAuthSchema, (k) => `| \`auth.${k}\` |`],
  ['routing[]', RouteRuleSchema, (k) => `| \`${k}\` |`],
  ['models', ModelsSchema, (k) => `| \`${k}\` |`],
  ['redis', RedisSchema, (k) => `| \`${k}\` |`],
  ['storage', StorageSchema, (k) => `| \`${k}\` |`],
  ['logging', LoggingSchema, (k) => `| \`${k}\` |`],
  ['policy', PolicyConfigSchema, (k) => `| \`${k}\` |`],
  ['detector', DetectorConfigSchema, (k) => `| \`${k}\` |`],
  ['detector.secondOpinion', SecondOpinionConfigSchema, (k) => `| \`secondOpinion.${k}\` |`],
  ['limits', LimitsSchema, (k) => `| \`${k}\` |`],
];

for (const [name, schema, needle] of SECTIONS) {
  test(`every field of ${name} is documented`, () => {
    for (const key of keysOf(schema)) assert.ok(docs.includes(needle(key)), `${name}.${key} is missing from docs/configuration.md`);
  });
}

test('the shipped config loads', () => {
  const { config } = loadConfig(defaultConfigPath({}), {});
  assert.equal(config.server.port, 8080);
  assert.ok(config.upstreams.some((u) => u.api === 'openai') && config.upstreams.some((u) => u.api === 'anthropic'));
});
