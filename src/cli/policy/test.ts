/**
 * `clarion policy test FILE --cases CASES`: runs example requests through the detector and the
 * policy and reports each case like a test runner; exit 1 on any mismatch, so that a policy change
 * can be reviewed like code.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../../config/load.js';
import { createDetector, type Detector } from '../../detect/index.js';
import { decide } from '../../policy/decide.js';
import type { Decision } from '../../policy/decision.js';
import { loadPolicyFile, PolicyError } from '../../policy/load.js';
import type { Policy } from '../../policy/schema.js';
import { arg, command } from '../framework/command.js';
import { errorMessage, jsonLine, write, type CliIo } from '../framework/io.js';
import { JSON_OPTION, string } from '../framework/options.js';
import { CONFIG_OPTION, loadCliConfig } from '../sources.js';
import { caseContext, caseConversation, CasesError, loadCases, mismatches, type PolicyCase } from './cases.js';
import { formatCheck } from './check.js';

/** The detector as `clarion serve` builds it from the config's `detector` section (the defaults when the default config is unusable). */
async function loadDetector(configFile: string | undefined, io: CliIo): Promise<Detector> {
  try {
    return createDetector(loadCliConfig(configFile, io).config.detector);
  } catch (error) {
    if (!(error instanceof ConfigError) || configFile !== undefined) throw error;
    await write(io.stderr, `clarion policy test: config ${error.file} is invalid; using the detector's defaults\n`);
    return createDetector();
  }
}

/** What a case reports of the decision. */
type DecisionSummary = Pick<Decision, 'action' | 'mode' | 'norm' | 'shadow' | 'reason'>;

function describeDecision(decision: DecisionSummary): string {
  const mode = decision.mode !== null ? `/${decision.mode}` : '';
  const shadow = decision.shadow ? ' (shadow)' : '';
  return `${decision.action}${mode}${shadow} by ${decision.norm === null ? 'defaults' : `norm ${decision.norm}`}`;
}

interface CaseResult {
  name: string;
  ok: boolean;
  /** `field: expected X, got Y` lines, or the error that stopped the case. */
  problems: string[];
  decision: DecisionSummary | null;
}

function runCase(testCase: PolicyCase, detector: Detector, policy: Policy): CaseResult {
  try {
    const conversation = caseConversation(testCase);
    const decision = decide(detector.assess(conversation), caseContext(testCase, conversation), policy);
    const problems = mismatches(testCase.expect, decision);
    const { action, mode, norm, shadow, reason } = decision;
    return { name: testCase.name, ok: problems.length === 0, problems, decision: { action, mode, norm, shadow, reason } };
  } catch (error) {
    return { name: testCase.name, ok: false, problems: [`error: ${errorMessage(error)}`], decision: null };
  }
}

function formatResult(result: CaseResult): string {
  if (result.ok) return `  ok    ${result.name}\n`;
  const detail = result.decision === null ? [] : [`got ${describeDecision(result.decision)}`, `reason: ${result.decision.reason}`];
  return `  FAIL  ${result.name}\n${[...result.problems, ...detail].map((line) => `          ${line}\n`).join('')}`;
}

export const test = command({
  summary: 'run the example requests in CASES through the detector and the policy; exit 1 on a mismatch',
  description: `The detector's settings come from the config (--config, CLARION_CONFIG or the shipped one).
With --json: one line per case, {"name","ok","problems","decision"}.`,
  args: [arg('file', 'the policy file')],
  options: {
    cases: string('CASES', 'the cases file: a YAML list of {name, text | request | conversation, context, expect}', { required: true }),
    config: CONFIG_OPTION,
    json: JSON_OPTION,
  },
  async run({ args, values, io }) {
    const policyFile = resolve(io.cwd, args.file);
    let policy: Policy;
    let cases: PolicyCase[];
    try {
      policy = loadPolicyFile(policyFile);
      cases = loadCases(resolve(io.cwd, values.cases));
    } catch (error) {
      if (!(error instanceof PolicyError || error instanceof CasesError)) throw error;
      const check = { file: error.file, ok: false, problems: error.problems };
      await write(io.stdout, values.json ? jsonLine(check) : formatCheck(check));
      return 1;
    }
    const detector = await loadDetector(values.config, io);
    if (!values.json) {
      await write(
        io.stdout,
        `policy ${args.file} (version ${policy.version}, ${policy.norms.length} norms); detector ${detector.version}; ${cases.length} cases\n\n`,
      );
    }
    let failed = 0;
    for (const testCase of cases) {
      const result = runCase(testCase, detector, policy);
      if (!result.ok) failed++;
      await write(io.stdout, values.json ? jsonLine(result) : formatResult(result));
    }
    if (!values.json) await write(io.stdout, `\n${cases.length - failed} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  },
});
