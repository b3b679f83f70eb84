/**
 * Adversarial and large inputs: 1 MB strings built to trip backtracking regexes must be assessed
 * quickly, and cost must stay linear (flat beyond the bounded deep-analysis window).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssessmentSchema } from '../../src/detect/assessment.js';
import { createDetector } from '../../src/detect/index.js';
import { convo, user } from './helpers.js';
import { cpuMillis } from '../helpers/cpu.js';

const detector = createDetector();
const MB = 1 << 20;

function fill(unit: string, bytes = MB): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

const ADVERSARIAL: Record<string, string> = {
  letters: fill('a'),
  spaces: `${fill(' ')}x`,
  colons: fill(':'),
  quotes: fill('"'),
  'open quotes': `“${fill('a ')}`,
  'translate loop': fill('translate to '),
  'summarize this': fill('summarize this '),
  'compare and': fill('compare x and '),
  'book loops': fill('please book a table for '),
  capitals: fill('HCopotina '),
  'stray letters': fill('Aaa v aaa '),
  'one sentence': fill('one sentence at least 500 words '),
  'no bullets': fill('no bullet points use bullet '),
  digits: fill('1'),
  'slash dates': fill('1/'),
  emails: fill('a.'),
  'at signs': fill('a@b.'),
  pronouns: fill('he she him her '),
  newlines: fill('\n'),
  unicode: fill('é漢字🙂'),
  backslashes: fill('\\'),
  'title question': fill('plot of The Aaa '),
  'who won': fill('who won the '),
  'as above': fill('as mentioned '),
};

describe('adversarial 1 MB inputs', () => {
  for (const [name, text] of Object.entries(ADVERSARIAL)) {
    test(`${name}: as the request, the system prompt and an earlier turn`, () => {
      const ms = cpuMillis(() => {
        AssessmentSchema.parse(detector.assess(user(text)));
        AssessmentSchema.parse(detector.assess(user('Summarize it.', { system: text })));
        AssessmentSchema.parse(
          detector.assess(
            convo([
              { role: 'user', text },
              { role: 'assistant', text },
              { role: 'user', text: 'And the other one?' },
            ]),
          ),
        );
      });
      assert.ok(ms < 250, `took ${ms.toFixed(1)} ms of CPU`);
    });
  }
  test('1 MB tool description and schema', () => {
    let a: ReturnType<typeof detector.assess> | undefined;
    const ms = cpuMillis(() => {
      a = detector.assess(
        user('What is the weather?', {
          tools: [
            {
              name: 'get_weather',
              description: fill('weather city '),
              parameters: { type: 'object', properties: { city: { type: 'string', description: fill('x') } }, required: ['city'] },
            },
          ],
        }),
      );
    });
    AssessmentSchema.parse(a);
    assert.ok(ms < 250, `took ${ms.toFixed(1)} ms of CPU`);
  });
});

describe('cost is linear in size', () => {
  function conversationOf(bytes: number) {
    const turns = [];
    const chunk = 'The quarterly numbers show revenue up 4% with costs flat; the team expects similar results next quarter. ';
    const perTurn = 2000;
    for (let n = 0; n < bytes; n += perTurn * 2) {
      turns.push({ role: 'user' as const, text: fill(chunk, perTurn) });
      turns.push({ role: 'assistant' as const, text: fill(chunk, perTurn) });
    }
    turns.push({ role: 'user' as const, text: 'Can you summarize it in three bullet points?' });
    return convo(turns, { system: 'You are a helpful analyst.' });
  }
  function timeOf(bytes: number): number {
    const c = conversationOf(bytes);
    detector.assess(c);
    const runs = 30;
    return (
      cpuMillis(() => {
        for (let i = 0; i < runs; i++) detector.assess(c);
      }) / runs
    );
  }
  test('a 200 KB conversation costs at most a few times a 20 KB one, and well under 20 ms', () => {
    const small = timeOf(20_000);
    const large = timeOf(200_000);
    assert.ok(large < 20, `200 KB took ${large.toFixed(3)} ms`);
    assert.ok(large < small * 15 + 0.5, `200 KB ${large.toFixed(3)} ms vs 20 KB ${small.toFixed(3)} ms`);
  });
  test('the earlier material resolves "it" in a long conversation', () => {
    const a = detector.assess(conversationOf(200_000));
    assert.ok(!a.signals.some((s) => s.id === 'unresolved_reference' || s.id === 'missing_input'));
  });
});
