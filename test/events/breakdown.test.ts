import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdown, createBreakdown, disparity, GROUP_KEYS, groupsOf, wilson, type GroupFigures } from '../../src/events/breakdown.js';
import { detectLanguage } from '../../src/events/language.js';
import { label, overAskedDeployment, storedEvent } from './sample-events.js';

function row(groups: GroupFigures[], name: string): GroupFigures {
  const found = groups.find((g) => g.group === name);
  assert.ok(found, `no group ${name} in ${groups.map((g) => g.group).join(', ')}`);
  return found;
}

test('wilson: the textbook interval, null without a base, bounded to [0, 1]', () => {
  const r = wilson(45, 70);
  assert.equal(r.rate, 45 / 70);
  // Wilson 95% for 45/70: [0.5258, 0.7453] (computed independently).
  assert.ok(Math.abs((r.lo ?? 0) - 0.5258) < 1e-3, String(r.lo));
  assert.ok(Math.abs((r.hi ?? 0) - 0.7453) < 1e-3, String(r.hi));
  assert.deepEqual(wilson(0, 0), { count: 0, of: 0, rate: null, lo: null, hi: null });
  const none = wilson(0, 10);
  assert.equal(none.lo, 0);
  assert.ok((none.hi ?? 0) > 0.2 && (none.hi ?? 1) < 0.35);
  assert.equal(wilson(10, 10).hi, 1);
});

test('per tenant: rates of clarify/annotate/defer, precision, unneeded questions and missed', () => {
  const result = breakdown(overAskedDeployment(), 'tenant');
  assert.equal(result.overall.events, 244);
  assert.deepEqual(
    result.groups.map((g) => g.group),
    ['acme', 'globex', 'legal', 'tiny'],
  );
  const legal = row(result.groups, 'legal');
  assert.equal(legal.events, 80);
  assert.equal(legal.clarify.count, 60);
  assert.equal(legal.clarify.rate, 60 / 80);
  assert.equal(legal.annotate.count, 2); // 10 unlabelled leftovers, every 5th annotated
  assert.equal(legal.defer.count, 0);
  assert.equal(legal.labelled, 70);
  assert.deepEqual(legal.verdicts, { needed: 10, unneeded: 58, helpful: 0, unhelpful: 0, missed: 2 });
  // Precision: of the 60 labelled questions (passes are not interventions), 10 were needed.
  assert.equal(legal.precision.of, 60);
  assert.equal(legal.precision.count, 10);
  assert.equal(legal.unneeded.count, 50);
  assert.equal(legal.unneeded.of, 70);
  assert.equal(legal.missed.count, 2);
  assert.equal(legal.missed.of, 70);
  const acme = row(result.groups, 'acme');
  assert.equal(acme.precision.count, 17);
  assert.equal(acme.unneeded.rate, 3 / 30);
  assert.equal(result.overall.unneeded.count, 50 + 3 + 3 + 4);
  assert.equal(result.overall.unneeded.of, 134);
});

test('disparity flags the over-asked tenant, not the small group nor the others', () => {
  const result = disparity(breakdown(overAskedDeployment(), 'tenant'));
  const status = Object.fromEntries(result.groups.map((g) => [g.group, g.status]));
  assert.deepEqual(status, { legal: 'flagged', acme: 'within', globex: 'within', tiny: 'too-few-labels' });
  assert.equal(result.groups[0]?.group, 'legal');
  assert.ok((result.groups[0]?.ratio ?? 0) > 1.5);
  // The minimum count is what keeps `tiny` (4 of 4 unneeded) from being flagged.
  const loose = disparity(breakdown(overAskedDeployment(), 'tenant'), { minLabelled: 3 });
  assert.equal(loose.groups.find((g) => g.group === 'tiny')?.status, 'flagged');
  // A higher ratio threshold unflags legal.
  const strict = disparity(breakdown(overAskedDeployment(), 'tenant'), { minRatio: 2 });
  assert.equal(strict.groups.find((g) => g.group === 'legal')?.status, 'within');
});

test('disparity does not flag groups that only differ by noise', () => {
  const events = overAskedDeployment().filter((e) => e.tenant !== 'legal' && e.tenant !== 'tiny');
  const result = disparity(breakdown(events, 'tenant'), { minLabelled: 10 });
  assert.ok(result.groups.every((g) => g.status === 'within'));
});

test('shadow decisions count as recorded actions but not as applied questions', () => {
  const events = [storedEvent({ shadow: true, labels: [label('unneeded')] }), storedEvent({ labels: [label('unneeded')] })];
  const [all] = breakdown(events, 'tenant').groups;
  assert.equal(all?.actions.clarify, 2);
  assert.equal(all?.shadow, 1);
  assert.equal(all?.clarify.count, 1);
  assert.equal(all?.unneeded.count, 1);
  assert.equal(all?.precision.of, 2);
});

test('every group key names the groups of an event', () => {
  const event = storedEvent({
    tenant: null,
    norm: null,
    modelId: null,
    policyVersion: 'v7',
    protocol: 'anthropic-messages',
    route: '/v1/messages',
    model: 'claude-x',
    categories: ['aleatoric', 'linguistic'],
    signals: [
      { id: 'missing_slot', category: 'aleatoric', weight: 1, evidence: '' },
      { id: 'unresolved_reference', category: 'linguistic', weight: 0.5, evidence: '' },
      { id: 'polysemy', category: 'linguistic', weight: 0, evidence: '' },
    ],
    labels: [label('needed', 'app'), label('unneeded', 'analyst'), label('helpful', 'app')],
  });
  const names = (key: (typeof GROUP_KEYS)[number]): string[] => groupsOf(event, key).map((g) => g.group);
  assert.deepEqual(names('tenant'), ['-']);
  assert.deepEqual(names('model'), ['claude-x']);
  assert.deepEqual(names('language'), ['en']);
  assert.deepEqual(names('route'), ['anthropic-messages /v1/messages']);
  assert.deepEqual(names('norm'), ['(defaults)']);
  assert.deepEqual(names('policy'), ['v7']);
  assert.deepEqual(names('model-id'), ['-']);
  assert.deepEqual(names('action'), ['clarify']);
  assert.deepEqual(names('category'), ['aleatoric', 'linguistic']);
  assert.deepEqual(names('signal'), ['missing_slot', 'unresolved_reference']);
  // Per label source, the source's own latest label is the verdict.
  assert.deepEqual(groupsOf(event, 'label-source'), [
    { group: 'app', verdict: 'helpful' },
    { group: 'analyst', verdict: 'unneeded' },
  ]);
  assert.deepEqual(groupsOf(storedEvent(), 'label-source'), [{ group: '(unlabelled)', verdict: null }]);
  // Sources filter the verdict everywhere.
  assert.deepEqual(groupsOf(event, 'tenant', ['analyst']), [{ group: '-', verdict: 'unneeded' }]);
  assert.equal(GROUP_KEYS.length, 11);
});

test('multi-valued keys count an event in each group, the overall row once', () => {
  const acc = createBreakdown('category');
  acc.add(storedEvent({ categories: ['aleatoric', 'linguistic'] }));
  acc.add(storedEvent({ categories: ['aleatoric'] }));
  const result = acc.result();
  assert.equal(result.overall.events, 2);
  assert.deepEqual(
    result.groups.map((g) => [g.group, g.events]),
    [
      ['aleatoric', 2],
      ['linguistic', 1],
    ],
  );
});

test('language: by script, by stop words, unknown without text', () => {
  assert.equal(detectLanguage('Translate this report for the team please'), 'en');
  assert.equal(detectLanguage('Traduis ce rapport pour l’équipe, s’il vous plaît'), 'fr');
  assert.equal(detectLanguage('Kannst du bitte den Bericht für mich zusammenfassen?'), 'de');
  assert.equal(detectLanguage('¿Puedes resumir el informe para el equipo, por favor?'), 'es');
  assert.equal(detectLanguage('Kun je dit rapport samenvatten voor mijn team?'), 'nl');
  assert.equal(detectLanguage('Puoi riassumere questo documento per favore?'), 'it');
  assert.equal(detectLanguage('Você pode resumir este relatório, por favor?'), 'pt');
  assert.equal(detectLanguage('Переведи этот текст на английский'), 'ru');
  assert.equal(detectLanguage('Переклади цей текст англійською'), 'uk');
  assert.equal(detectLanguage('把这个翻译成英文'), 'zh');
  assert.equal(detectLanguage('これを英語に翻訳してください'), 'ja');
  assert.equal(detectLanguage('이것을 영어로 번역해 주세요'), 'ko');
  assert.equal(detectLanguage('ترجم هذا النص إلى الإنجليزية'), 'ar');
  assert.equal(detectLanguage('Translate 把这个 please, this is for the team'), 'en');
  assert.equal(detectLanguage('xyzzy plugh'), 'other');
  assert.equal(detectLanguage(null), 'unknown');
  assert.equal(detectLanguage('   '), 'unknown');
});

test('by language, the French tenant is a group of its own', () => {
  const result = breakdown(overAskedDeployment(), 'language');
  assert.deepEqual(
    result.groups.map((g) => [g.group, g.events]),
    [
      ['en', 164],
      ['fr', 80],
    ],
  );
});
