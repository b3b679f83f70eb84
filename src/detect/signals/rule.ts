/**
 * The shape of a signal rule: a name, the rules whose findings it reads (declared, so no rule
 * depends on another by its position in a shared list), and a function that reports findings.
 */
import type { Finding, RuleFeature } from '../finding.js';
import type { RequestView } from '../view.js';

/** Where a rule reports its findings. */
export interface FindingSink {
  push(finding: Finding): void;
}

/** The findings of the rules a rule declared in `reads` (and only those). */
export interface PriorFindings {
  /** Any of them drives this feature. */
  has(feature: RuleFeature): boolean;
  /** Any of them names a gap (a category). */
  anyGap(): boolean;
  /** Any finding at all. */
  any(): boolean;
}

export interface Rule {
  readonly name: string;
  /** Names of the rules whose findings `run` reads through `prior`; they run first. */
  readonly reads: readonly string[];
  run(view: RequestView, out: FindingSink, prior: PriorFindings): void;
}
