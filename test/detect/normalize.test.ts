/**
 * Text normalisation for assessment (issue 10, item 5): what a person cannot see, or reads as
 * plain Latin, must not lower the score, and neither may a trailing user message that says
 * nothing. Each disguised request is scored against its plain form by the shipped detector.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Conversation } from '../../src/conversation.js';
import { assess } from '../../src/detect/index.js';
import { normalizeConversation, normalizeText } from '../../src/detect/normalize.js';

function conversation(...texts: string[]): Conversation {
  return {
    protocol: 'openai-chat',
    model: 'm',
    system: '',
    tools: [],
    stream: false,
    turns: texts.map((text) => ({ role: 'user' as const, parts: text === '' ? [] : [{ type: 'text' as const, text }] })),
  };
}

const score = (...texts: string[]): number => assess(conversation(...texts)).score;

describe('normalizeText', () => {
  test('a long text is folded at both ends, however much invisible padding precedes the request; its middle is kept', () => {
    const middle = 'x'.repeat(100_000);
    const padding = '\u200b'.repeat(30_000);
    const text = `${padding}Wrіte а роem ${middle}🙂 ｐｌｅａｓｅ`;
    const out = normalizeText(text);
    assert.ok(out.startsWith('Write a poem xxx'), out.slice(0, 40));
    assert.ok(out.endsWith('🙂 please'), out.slice(-20));
    assert.ok(out.includes(middle.slice(0, 50_000)));
    assert.ok(!out.includes('\u200b'));
  });
  test('plain text is returned as it is (the same string)', () => {
    const text = 'Summarize the attached report in three bullet points, please.';
    assert.equal(normalizeText(text), text);
    assert.equal(normalizeText('“Curly” quotes… stay'), '“Curly” quotes… stay');
  });

  test('zero-width, soft hyphens, BOM and bidi controls are removed', () => {
    assert.equal(normalizeText('F\u200bi\u200cx\u200d i\u2060t\ufeff'), 'Fix it');
    assert.equal(normalizeText('Summa\u00adrize th\u00adis'), 'Summarize this');
    assert.equal(normalizeText('\u202eWrite a poem\u202c\u2066\u2069'), 'Write a poem');
  });

  test('NFKC: fullwidth, mathematical letters, ideographic space', () => {
    assert.equal(normalizeText('Ｗｒｉｔｅ　ａ　ｐｏｅｍ'), 'Write a poem');
    assert.equal(normalizeText('𝐅𝐢𝐱 𝐢𝐭'), 'Fix it');
  });

  test('Cyrillic and Greek look-alikes in Latin text become Latin', () => {
    assert.equal(normalizeText('Wrіte а роem'), 'Write a poem');
    assert.equal(normalizeText('Fіх іt'), 'Fix it');
    assert.equal(normalizeText('Summarize thιs'), 'Summarize this');
  });

  test('genuine Cyrillic and Greek words are left alone, also next to Latin ones', () => {
    assert.equal(normalizeText('Напиши стихотворение'), 'Напиши стихотворение');
    assert.equal(normalizeText('Γράψε ένα ποίημα'), 'Γράψε ένα ποίημα');
    assert.equal(normalizeText('Translate "Напиши стихотворение" to English'), 'Translate "Напиши стихотворение" to English');
    // ...but a mixed-script word in that text is still folded.
    assert.equal(normalizeText('Trаnslate "Напиши" to English'), 'Translate "Напиши" to English');
  });
});

describe('normalizeConversation', () => {
  test('the same object when nothing changes', () => {
    const plain = conversation('Write a poem about the sea.');
    assert.equal(normalizeConversation(plain), plain);
    const two = conversation('Write a poem.', 'About the sea, please.');
    assert.equal(normalizeConversation(two), two);
  });

  test('trailing user turns that say nothing are dropped; the input is not mutated', () => {
    const input = conversation('Fix it', '.', '\u200b', '  ');
    const out = normalizeConversation(input);
    assert.equal(out.turns.length, 1);
    assert.equal(input.turns.length, 4);
  });

  test('a lone user turn that says nothing is kept (it is the request)', () => {
    const input = conversation('?');
    assert.equal(normalizeConversation(input).turns.length, 1);
  });

  test('a trailing turn with an image is not dropped', () => {
    const input = conversation('Fix it');
    input.turns.push({ role: 'user', parts: [{ type: 'image' }, { type: 'text', text: '.' }] });
    assert.equal(normalizeConversation(input).turns.length, 2);
  });
});

describe('disguises do not lower the score', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['a trailing "."', ['Fix it'], ['Fix it', '.']],
    ['a trailing "?!"', ['Fix it'], ['Fix it', '?!']],
    ['a trailing whitespace message', ['Fix it'], ['Fix it', '   ']],
    ['a trailing "..."', ['Write a poem'], ['Write a poem', '...']],
    ['a trailing empty message', ['Write a poem'], ['Write a poem', '']],
    ['zero-width spaces', ['Fix it'], ['F\u200bix i\u200bt']],
    ['zero-width spaces (2)', ['Write a poem'], ['Wr\u200bite a po\u200bem']],
    ['soft hyphens', ['Summarize this'], ['Summa\u00adrize th\u00adis']],
    ['fullwidth letters', ['Fix it'], ['Ｆｉｘ ｉｔ']],
    ['fullwidth letters (2)', ['Write a poem'], ['Ｗｒｉｔｅ　ａ　ｐｏｅｍ']],
    ['Cyrillic homoglyphs', ['Fix it'], ['Fіх іt']],
    ['Cyrillic homoglyphs (2)', ['Write a poem'], ['Wrіte а роem']],
    ['a bidi override', ['Write a poem'], ['\u202eWrite a poem']],
  ];
  for (const [name, plain, disguised] of cases) {
    test(name, () => {
      const expected = score(...plain);
      assert.ok(score(...disguised) >= expected, `${JSON.stringify(disguised)} scored ${score(...disguised)} < ${expected}`);
    });
  }
});
