import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../src/policy/load.js';
import { addToSummary, emptySummary, replayEvent } from '../../src/policy/replay.js';
import { suggest, thresholdsFrom } from '../../src/policy/suggest.js';
import { overAskedDeployment, storedEvent, label } from '../events/sample-events.js';

const POLICY = `# the operator's own comment survives
version: p1
norms:
  - name: ask-missing
    when: { score: { min: 0.6 } }
    then: { action: clarify, mode: instruct }
  - name: note
    when: { score: { min: 0.5 } }
    then: { action: annotate }
`;

test('the over-asked tenant gets a norm of its own, validated by replay; small groups are not trusted', () => {
  const events = overAskedDeployment();
  const report = suggest(POLICY, 'policy.yaml', events);
  assert.equal(report.labelled, 134);
  assert.deepEqual(report.warnings, []);
  const applied = report.edits.filter((e) => e.applied !== null);
  assert.deepEqual(
    applied.map((e) => e.norm),
    ['annotate-tenant-legal'],
  );
  const edit = applied[0];
  assert.equal(edit?.kind, 'new-norm');
  assert.match(edit?.evidence ?? '', /tenant legal: 50 of its 60 labelled questions\/deferrals were unneeded/);
  // Replay: legal's 60 clarifications become annotations, precision rises, F1 rises.
  assert.deepEqual(edit?.applied?.transitions, { 'clarify/instruct -> annotate': 60 });
  assert.equal(edit?.applied?.before.precision.count, 44);
  assert.equal(edit?.applied?.before.precision.of, 104);
  assert.equal(edit?.applied?.after.precision.count, 34);
  assert.equal(edit?.applied?.after.precision.of, 44);
  assert.ok((edit?.applied?.after.f1 ?? 0) > (edit?.applied?.before.f1 ?? 1) + 0.1);
  // tiny (4 of 4 questions unneeded) is not even proposed: its interval reaches below the overall rate.
  assert.equal(
    report.edits.find((e) => e.norm === 'annotate-tenant-tiny'),
    undefined,
  );
  // With a higher bar, legal's 70 labels are not enough: proposed, validated, not applied.
  const strict = suggest(POLICY, 'policy.yaml', events, { minLabels: 100 });
  const legal = strict.edits.find((e) => e.norm === 'annotate-tenant-legal');
  assert.equal(legal?.applied, null);
  assert.match(legal?.warning ?? '', /rests on 70 labelled events \(fewer than 100\): not applied/);
  assert.equal(legal?.validation.changed, 60);

  // The candidate: the operator's file with the new norm first, a comment citing its evidence and replay, a new version.
  const text = report.candidateText ?? '';
  assert.match(text, /# the operator's own comment survives/);
  assert.match(text, /# suggested: new first norm annotate-tenant-legal/);
  assert.match(text, /# evidence: tenant legal: 50 of its 60/);
  assert.match(text, /# replay: 60 of 244 events change \(60 labelled\): clarify\/instruct -> annotate 60; precision 42% \[\d+-\d+\] -> 77% /);
  const candidate = parsePolicy(text, 'candidate.yaml');
  assert.match(candidate.version, /^p1-suggested-[0-9a-f]{8}$/);
  assert.equal(candidate.version, report.candidate?.version);
  assert.equal(candidate.norms[0]?.name, 'annotate-tenant-legal');
  assert.deepEqual(candidate.norms[0]?.when.tenant, ['legal']);
  // The same replay `clarion replay` runs agrees with the report.
  const summary = emptySummary(candidate);
  for (const event of events) addToSummary(summary, replayEvent(event, candidate));
  assert.equal(summary.byVerdict.unneeded?.annotate, 50);
  assert.equal(report.candidate?.validation.changed, 60);
  // Deterministic: the same events give the same candidate.
  assert.equal(suggest(POLICY, 'policy.yaml', events).candidateText, text);
});

test('verdict x norm table and misses by tenant, signal, category and model', () => {
  const report = suggest(POLICY, 'policy.yaml', overAskedDeployment());
  const ask = report.verdictsByNorm.find((r) => r.group === 'ask-missing');
  assert.equal(ask?.verdicts.unneeded, 60);
  assert.equal(ask?.verdicts.needed, 44);
  assert.deepEqual(
    report.misses.tenant.map((r) => [r.group, r.missed, r.notActedOn]),
    [
      ['acme', 2, 2],
      ['globex', 2, 2],
      ['legal', 2, 2],
    ],
  );
  assert.deepEqual(report.misses.signal[0], { group: 'missing_slot', labelled: 134, missed: 6, notActedOn: 6 });
  assert.equal(report.misses.category[0]?.group, 'aleatoric');
  assert.equal(report.misses.model[0]?.group, 'gpt-4o-mini');
});

test('a norm whose questions were mostly unneeded is demoted; a better score.min is found', () => {
  const events = [];
  let n = 0;
  const at = (score: number, verdict: 'needed' | 'unneeded', norm: string, action: 'clarify' | 'pass') => {
    n++;
    events.push(
      storedEvent({
        id: `E${String(n).padStart(25, '0')}`,
        time: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
        score,
        norm,
        action,
        mode: action === 'clarify' ? 'instruct' : null,
        labels: [label(verdict)],
      }),
    );
  };
  // "ask" at >= 0.5: scores 0.5-0.7 are mostly unneeded, 0.8+ needed. "vague" on polysemy asks, always unneeded.
  for (let i = 0; i < 30; i++) at(0.55 + (i % 3) * 0.05, i % 6 === 0 ? 'needed' : 'unneeded', 'ask', 'clarify');
  for (let i = 0; i < 30; i++) at(0.85 + (i % 3) * 0.05, i % 10 === 0 ? 'unneeded' : 'needed', 'ask', 'clarify');
  for (let i = 0; i < 25; i++) {
    n++;
    events.push(
      storedEvent({
        id: `E${String(n).padStart(25, '0')}`,
        time: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
        score: 0.3,
        norm: 'vague',
        action: 'clarify',
        signals: [{ id: 'polysemy', category: 'linguistic', weight: 1, evidence: '' }],
        categories: ['linguistic'],
        labels: [label(i % 8 === 0 ? 'needed' : 'unneeded')],
      }),
    );
  }
  const policy = `version: v1
norms:
  - name: vague
    when: { signals: [polysemy] }
    then: { action: clarify, mode: respond, budget: 2 }
  - name: ask
    when: { score: { min: 0.5 } }
    then: { action: clarify }
`;
  const report = suggest(policy, 'p.yaml', events);
  const applied = report.edits.filter((e) => e.applied !== null);
  const demote = applied.find((e) => e.kind === 'demote');
  assert.equal(demote?.norm, 'vague');
  assert.match(demote?.evidence ?? '', /vague decided 25 labelled events; 4 needed it/);
  const range = applied.find((e) => e.kind === 'score-range');
  assert.equal(range?.norm, 'ask');
  const candidate = parsePolicy(report.candidateText ?? '', 'c.yaml');
  const ask = candidate.norms.find((x) => x.name === 'ask');
  assert.ok((ask?.when.score?.min ?? 0) > 0.65 && (ask?.when.score?.min ?? 1) < 0.85, String(ask?.when.score?.min));
  const vague = candidate.norms.find((x) => x.name === 'vague');
  // Demoted cleanly: the clarify-only fields are gone, so the candidate parses.
  assert.deepEqual(vague?.then, { action: 'annotate' });
  assert.ok((report.candidate?.validation.after.f1 ?? 0) > (report.candidate?.validation.before.f1 ?? 1));
});

test('too few labels: a warning, and nothing applied', () => {
  const events = overAskedDeployment().slice(0, 30);
  const report = suggest(POLICY, 'policy.yaml', events, { minLabels: 50 });
  assert.match(report.warnings[0] ?? '', /only \d+ labelled events \(fewer than 50\)/);
  assert.equal(report.candidateText, null);
  assert.ok(report.edits.every((e) => e.applied === null));
});

test('thresholds: midpoints of distinct scores, at most 16', () => {
  assert.deepEqual(thresholdsFrom([0.2, 0.4, 0.4, 0.8]), [0.3, 0.6]);
  const many = thresholdsFrom(Array.from({ length: 100 }, (_, i) => i / 100));
  assert.equal(many.length, 16);
  assert.ok(many.every((t, i) => i === 0 || t > (many[i - 1] ?? 1)));
});
