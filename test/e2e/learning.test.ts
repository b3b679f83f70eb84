/**
 * The learning loop end to end (issue 11 item 7): a legal team's deployment whose wording the
 * shipped detector gets wrong consistently ("the agreement", "the contract with Acme" is the open
 * document here: clear; "the indemnity language", "Acme's latest one" names no document: vague).
 * Its traffic goes through a real proxy, 80 events are labelled (through the feedback API with the
 * header capability, and through `clarion events label`), `clarion learn` writes a model, a reload
 * puts it in force, and requests of the same kind that were never labelled are now ranked right.
 * `clarion policy suggest` proposes a policy edit from the same labels, validated by replay; put in
 * force, it and the first policy are both in the history.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_WEIGHTS_PATH } from '../../src/detect/weights.js';
import { auroc } from '../../src/detect/training/metrics.js';
import { prng } from '../../src/detect/training/random.js';
import { startFakeUpstream } from '../fixtures/fake-upstream.js';
import { startClarion } from '../helpers/clarion.js';
import { clarion as cli, jsonLines } from '../helpers/cli.js';

const PARTIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay'];
const CLAUSES = ['indemnity', 'termination', 'limitation of liability', 'governing law', 'confidentiality', 'assignment', 'force majeure', 'payment terms'];
const VERBS = ['Review', 'Summarize', 'Redline', 'Check', 'Flag issues in', 'Mark up'];

/** The deployment's traffic, shuffled once (seeded): [text, 1 = needs a question]. */
function traffic(): Array<[string, number]> {
  const items: Array<[string, number]> = [];
  for (const v of VERBS) {
    for (const c of CLAUSES) items.push([`${v} the ${c} clause of the agreement.`, 0], [`${v} the ${c} language.`, 1]);
    for (const p of PARTIES) items.push([`${v} the contract with ${p}.`, 0], [`${v} ${p}'s latest one.`, 1]);
  }
  const rand = prng(7);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j] as [string, number], items[i] as [string, number]];
  }
  return items;
}

const POLICY_V1 =
  'version: legal-1\nnorms:\n  - name: ask-when-vague\n    when: { score: { min: 0.6 } }\n    then: { action: clarify }\n  - name: note\n    when: { score: { min: 0.2 } }\n    then: { action: annotate }\n';

test('label -> learn -> suggest -> reload: unlabelled requests of the kind the shipped model got wrong are now ranked right; a suggested edit is validated by replay; history keeps both policies', async () => {
  const modelDir = mkdtempSync(join(tmpdir(), 'clarion-learn-model-'));
  const modelFile = join(modelDir, 'model.json');
  copyFileSync(DEFAULT_WEIGHTS_PATH, modelFile);
  const upstream = await startFakeUpstream();
  const running = await startClarion({ upstream, policy: POLICY_V1, extraConfig: `detector:\n  model: ${modelFile}\nevents:\n  feedback: { burst: 100 }\n` });
  const config = join(running.dir, 'clarion.yaml');
  const dataDir = join(running.dir, 'data');
  const send = async (text: string): Promise<{ score: number; token: string | null }> => {
    const res = await fetch(`${running.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-clarion-tenant': 'legal' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] }),
    });
    await res.text();
    return { score: Number(res.headers.get('x-clarion-score')), token: res.headers.get('x-clarion-event-id') };
  };
  try {
    const items = traffic();
    const labelled = items.slice(0, 80);
    const unseen = items.slice(80);
    const shipped = running.server.detector?.status().modelId;

    // Traffic, then labels: 60 from the app (feedback API, capability from the header), 20 from an analyst (CLI).
    const before: number[] = [];
    for (const [i, [text, y]] of labelled.entries()) {
      const { token, score } = await send(text);
      before.push(score);
      assert.ok(token !== null, `"${text}" was recorded`);
      const verdict = y === 1 ? (i % 5 === 0 ? 'missed' : 'needed') : 'unneeded';
      if (i < 60) {
        const res = await fetch(`${running.url}/v1/clarion/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ eventId: token, verdict }),
        });
        assert.equal(res.status, 200, await res.text());
      } else {
        await running.server.eventLog.flush();
        const r = await cli(['events', 'label', token, verdict, '--config', config, '--data-dir', dataDir]);
        assert.equal(r.code, 0, r.stderr);
      }
    }
    const unseenBefore: number[] = [];
    for (const [text] of unseen) unseenBefore.push((await send(text)).score);
    const ys = unseen.map(([, y]) => y);
    const aurocBefore = auroc(unseenBefore, ys);
    await running.server.eventLog.flush();

    // suggest: from the same labels, a policy edit, validated by replaying the events; `clarion replay` agrees.
    // The safety rail first: with the default bar, every applied edit rests on at least 20 labelled
    // events and every other one says why it was not applied. When this small deployment's edits
    // all rest on fewer, the operator lowers the bar knowingly (--min-labels 8).
    type Proposal = {
      labelled: number;
      written: string | null;
      edits: {
        change: string;
        evidenceLabels: number;
        warning: string | null;
        applied: { changed: number; before: { f1: number }; after: { f1: number } } | null;
      }[];
      candidate: { version: string; validation: { changed: number; before: { f1: number }; after: { f1: number } } } | null;
    };
    const candidateFile = join(modelDir, 'candidate.yaml');
    const suggest = async (...extra: string[]): Promise<Proposal> => {
      const r = await cli(['policy', 'suggest', '--config', config, '--data-dir', dataDir, '--out', candidateFile, '--json', ...extra]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      return jsonLines(r.stdout)[0] as Proposal;
    };
    const cautious = await suggest();
    for (const e of cautious.edits) {
      if (e.applied !== null) assert.ok(e.evidenceLabels >= 20, e.change);
      else assert.ok(e.warning !== null, e.change);
    }
    const proposal = cautious.candidate !== null ? cautious : await suggest('--min-labels', '8');
    assert.equal(proposal.labelled, 80);
    const applied = proposal.edits.filter((e) => e.applied !== null);
    assert.ok(applied.length > 0, `no edit applied: ${proposal.edits.map((e) => e.change).join('; ')}`);
    assert.ok(proposal.candidate !== null && proposal.candidate.validation.after.f1 > proposal.candidate.validation.before.f1);
    process.stdout.write(
      `# learning e2e: suggest (min labels ${cautious.candidate !== null ? 20 : 8}) ${applied.map((e) => `${e.change} [${e.evidenceLabels} labels]`).join('; ')}; labelled F1 ${proposal.candidate.validation.before.f1.toFixed(3)} -> ${proposal.candidate.validation.after.f1.toFixed(3)}\n`,
    );
    assert.equal(proposal.written, candidateFile);
    assert.match(readFileSync(candidateFile, 'utf8'), /# suggested: .*\n\s*# evidence: .*\n\s*# replay: /);
    const replayed = await cli(['replay', '--config', config, '--data-dir', dataDir, '--policy', running.policyFile, '--json']);
    const replayedCandidate = await cli(['replay', '--config', config, '--data-dir', dataDir, '--policy', candidateFile, '--json']);
    const unchanged = jsonLines(replayed.stdout)[0] as { changed: number; events: number };
    const changedByCandidate = jsonLines(replayedCandidate.stdout)[0] as { changed: number; policyVersion: string };
    assert.equal(unchanged.changed, 0, 'the policy in force replays to the recorded decisions');
    assert.equal(changedByCandidate.changed, proposal.candidate.validation.changed);
    assert.equal(changedByCandidate.policyVersion, proposal.candidate.version);

    // learn: starts from the model in force (detector.model), writes over it only when not worse.
    const first = join(modelDir, 'first.json');
    const learned = await cli(['learn', '--config', config, '--data-dir', dataDir, '--out', first, '--holdout', '0.2', '--json']);
    assert.equal(learned.code, 0, learned.stdout + learned.stderr);
    const report = jsonLines(learned.stdout)[0] as { labelled: number; lift: number; written: string; version: string; after: { auroc: { value: number } } };
    assert.equal(report.labelled, 80);
    assert.equal(report.written, first);
    assert.ok(report.lift > 0, `hold-out lift ${report.lift}`);
    // Deterministic: the same events give the same file.
    const second = join(modelDir, 'second.json');
    assert.equal((await cli(['learn', '--config', config, '--data-dir', dataDir, '--out', second, '--holdout', '0.2'])).code, 0);
    assert.equal(readFileSync(second, 'utf8'), readFileSync(first, 'utf8'));
    copyFileSync(first, modelFile);

    // Reload: the new model is in force, /readyz and events show its id.
    const reload = await fetch(`${running.url}/admin/reload`, { method: 'POST' });
    assert.equal(reload.status, 404, 'admin is off without a token; SIGHUP reloads through the same function');
    assert.deepEqual(await running.server.reload(), { policy: true, detector: true });
    const ready = (await (await fetch(`${running.url}/readyz`)).json()) as { detector: { modelId: string } };
    assert.equal(ready.detector.modelId, report.version);
    assert.notEqual(ready.detector.modelId, shipped);

    const unseenAfter: number[] = [];
    for (const [text] of unseen) unseenAfter.push((await send(text)).score);
    const aurocAfter = auroc(unseenAfter, ys);
    process.stdout.write(`# learning e2e: unlabelled AUROC ${aurocBefore.toFixed(3)} -> ${aurocAfter.toFixed(3)} (${unseen.length} requests)\n`);
    assert.ok(aurocAfter >= 0.8, `after ${aurocAfter}`);
    assert.ok(aurocAfter - aurocBefore >= 0.1, `lift ${aurocAfter - aurocBefore}`);

    // A bad model file is rejected; the learned one stays in force.
    writeFileSync(modelFile, '{"format": 1}');
    assert.deepEqual(await running.server.reload(), { policy: true, detector: false });
    assert.equal(running.server.detector?.status().modelId, report.version);
    assert.equal(running.server.detector?.status().ok, false);

    // The events record the model id; a policy edit is kept in the history next to the first.
    await running.server.eventLog.flush();
    const listed = await cli(['events', 'list', '--config', config, '--data-dir', dataDir, '--limit', '1', '--json']);
    assert.equal((jsonLines(listed.stdout)[0] as { modelId: string }).modelId, report.version);
    // The suggested candidate is put in force; the history keeps both versions.
    copyFileSync(candidateFile, running.policyFile);
    assert.equal(await running.server.policy.reload(), true);
    await running.server.close(1_000);
    const history = await cli(['policy', 'history', '--config', config, '--data-dir', dataDir, '--json']);
    assert.deepEqual(
      jsonLines(history.stdout).map((e) => e.version),
      ['legal-1', proposal.candidate.version],
    );
    assert.match(readFileSync(join(dataDir, 'policy-history.jsonl'), 'utf8'), /# suggested: /);
  } finally {
    await running.close().catch(() => {});
    await upstream.close();
    rmSync(modelDir, { recursive: true, force: true });
  }
});
