/**
 * Which decisions become events (config `events.record`): every non-pass action, passes at or
 * above the score floor, and a deterministic sample of the other passes for base rates.
 */
import type { Assessment } from '../detect/assessment.js';
import type { Decision } from '../policy/decision.js';
import type { EventsConfig } from './config.js';

/** FNV-1a 32-bit, mapped to [0, 1): the same sample key is always in or always out. */
export function sampleFraction(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 4_294_967_296;
}

export function createRecordingRule(config: EventsConfig): (decision: Decision, assessment: Assessment, sampleKey: string) => boolean {
  const { enabled } = config;
  const { passScoreFloor, passSampleRate } = config.record;
  return (decision, assessment, sampleKey) => {
    if (!enabled) return false;
    if (decision.action !== 'pass') return true;
    if (assessment.score >= passScoreFloor) return true;
    if (passSampleRate <= 0) return false;
    return passSampleRate >= 1 || sampleFraction(sampleKey) < passSampleRate;
  };
}
