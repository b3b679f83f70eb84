/** A one-norm policy from a `then` written inline, for policy-check tests. */
import { policy } from './helpers.js';
import type { Policy } from '../../src/policy/schema.js';

export function parsePolicyText(then: string): Policy {
  return policy(`version: t\nnorms:\n  - { name: n, then: ${then} }\n`);
}
