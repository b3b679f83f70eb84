/**
 * Factual and open-domain questions: every rule added for them (gazetteer names, place-dependent
 * offices / laws / prices / weather, time-dependent awards and hosts, generic "the war" / "the
 * movie", roles without a production, one-time facts, examples without labels) with its
 * underspecified member flagged, its clear twin not, and the clear twin typed in lower case not
 * either. Runs against the shipped weights.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Assessment } from '../../src/detect/assessment.js';
import { EVENT, findName, GAZETTEER_SIZE, LANDMARK, nameKinds, ORGANISATION, PEOPLE, PLACE } from '../../src/detect/gazetteer.js';
import { createDetector } from '../../src/detect/index.js';
import { tokenize } from '../../src/detect/text.js';
import { user } from './helpers.js';

const detector = createDetector();
const run = (text: string): Assessment => detector.assess(user(text));
const gap = (a: Assessment): boolean => a.signals.some((s) => s.id === 'unanchored_time_place' && s.weight > 0);
/** Every evidence of the signals with this id, joined. */
const evidence = (a: Assessment, id: string): string =>
  a.signals
    .filter((s) => s.id === id)
    .map((s) => s.evidence)
    .join(' | ');

/** The underspecified question is flagged with the gap; the clear twin, cased and lower case, has no gap and is not flagged. */
function factualPair(name: string, under: string, clear: string): void {
  test(`${name}: underspecified flagged`, () => {
    const a = run(under);
    assert.ok(gap(a), `expected unanchored_time_place in ${JSON.stringify(a.signals)}`);
    assert.ok(a.score >= detector.threshold, `score ${a.score} >= ${detector.threshold}`);
    assert.ok(a.suggestedQuestion !== null);
  });
  test(`${name}: clear twin not flagged ("${clear}")`, () => {
    const a = run(clear);
    assert.ok(!gap(a), `unexpected gap in ${JSON.stringify(a.signals)}`);
    assert.ok(a.score < detector.threshold, `score ${a.score} < ${detector.threshold}`);
  });
  // Typed in lower case the rule stays silent and the twin scores lower; its score can still sit near
  // the threshold when the learned wording dislikes it (docs/detection.md, factual questions).
  const lower = clear.toLowerCase().replace(/\?$/, '');
  test(`${name}: lower-case twin has no gap and scores lower ("${lower}")`, () => {
    const a = run(lower);
    assert.ok(!gap(a), `unexpected gap in ${JSON.stringify(a.signals)}`);
    assert.ok(a.score < run(under).score - 0.2, `score ${a.score} well below ${run(under).score}`);
  });
}

describe('gazetteer', () => {
  test('matches names in any case, multi-word names and the longest name first', () => {
    assert.ok(GAZETTEER_SIZE > 500);
    assert.equal(nameKinds(tokenize('who is the president of france')), PLACE);
    assert.equal(nameKinds(tokenize('when was the eiffel tower built')), LANDMARK);
    assert.equal(nameKinds(tokenize('what does nasa do')), ORGANISATION);
    assert.equal(nameKinds(tokenize('the korean war')), EVENT);
    assert.equal(nameKinds(tokenize('a korean dish')), PEOPLE);
    const m = findName(tokenize('how long is the great wall of china'));
    assert.deepEqual(m, { start: 4, end: 8, kind: LANDMARK });
    assert.deepEqual(findName(tokenize('i live in new york city')), { start: 3, end: 6, kind: PLACE });
  });
  test('ordinary words are not names', () => {
    for (const text of ['is this a nice reading spot', 'how do i cook a turkey', 'bake an apple pie', 'who is the coach', 'write it in java']) {
      assert.equal(findName(tokenize(text)), null, text);
    }
  });
});

describe('place-dependent questions', () => {
  factualPair('office holder', 'Who is the current foreign minister?', 'Who is the current foreign minister of Japan?');
  factualPair('monarch', 'Who is the king?', 'Who is the king of Norway?');
  factualPair('law: leave', 'How long is paternity leave?', 'How long is paternity leave in Sweden?');
  factualPair('codes', 'What is the area code?', 'What is the area code for Boston?');
  factualPair('weather', 'Will it rain tomorrow?', 'Is it going to rain tomorrow in Madrid?');
  factualPair('official language', 'What is the official language?', 'What is the official language of Kenya?');
});

describe('time-dependent questions', () => {
  factualPair('award', 'Who won best picture?', 'Who won best picture in 1998?');
  factualPair('host', 'Which city hosted the Olympics?', 'Which city hosted the Olympics in 2012?');
  factualPair('ranking', 'What was the top-selling phone?', 'What was the top-selling phone of 2015?');
});

describe('work / event named only by a generic noun', () => {
  factualPair('the war', 'When did the war end?', 'When did the Vietnam War end?');
  factualPair('the movie', 'Who directed the movie?', 'Who directed the movie Jaws?');
  factualPair('the band', 'Who is the guitarist of the band?', 'Who is the guitarist of the band Queen?');
  factualPair('the treaty', 'Where was the treaty signed?', 'Where was the Treaty of Paris signed?');
  factualPair('the stadium', 'When was the stadium built?', 'When was Wembley Stadium built?');
  test('a named modifier or a name after the noun anchors it', () => {
    for (const text of [
      'when did the korean war end',
      'when was the golden gate bridge opened',
      'who directed the movie jaws',
      'where was the treaty of versailles signed',
    ])
      assert.ok(!gap(run(text)), text);
  });
  test('a generic noun named in turn ("the singer of the band coldplay") and an office used as a title ("president lincoln")', () => {
    assert.ok(gap(run('who is the lead singer of the band')));
    assert.ok(!gap(run('who is the lead singer of the band coldplay')));
    assert.ok(gap(run('who killed the president')));
    assert.ok(!gap(run('who killed president lincoln')));
  });
  test('earlier turns can name the thing: no claim then', () => {
    const a = detector.assess({
      protocol: 'openai-chat',
      model: 'test',
      system: '',
      turns: [
        { role: 'user', parts: [{ type: 'text', text: 'Tell me about the Crimean War.' }] },
        { role: 'assistant', parts: [{ type: 'text', text: 'The Crimean War was fought from 1853 to 1856.' }] },
        { role: 'user', parts: [{ type: 'text', text: 'When did the war end?' }] },
      ],
      tools: [],
      stream: false,
    });
    assert.ok(!gap(a), JSON.stringify(a.signals));
  });
});

describe('roles played in several productions', () => {
  factualPair('who played', 'Who played Dracula?', 'Who played Dracula in the 1992 film?');
  factualPair('who voiced', 'Who voiced Mickey Mouse?', 'Who voiced Mickey Mouse in Steamboat Willie?');
  test('a production after "in the" anchors the role; a generic one does not', () => {
    assert.ok(!gap(run('who played the joker in the dark knight')));
    assert.ok(gap(run('who played the joker in the film')));
  });
  test('evidence names the role', () => {
    assert.match(evidence(run('who played dracula'), 'unanchored_time_place'), /played dracula/);
  });
});

describe('clear questions typed in lower case: names anchor them, one-time facts are specific', () => {
  for (const text of ['who is the president of france', 'what is the minimum wage in texas', 'who is the mayor of new york city', 'where is the taj mahal']) {
    test(`${text}: no gap`, () => assert.ok(!gap(run(text)), JSON.stringify(run(text).signals)));
  }
  for (const text of ['when was the eiffel tower built', 'who founded microsoft', 'who invented the telephone', 'who designed the sydney opera house']) {
    test(`${text}: a one-time fact, specific and not flagged`, () => {
      const a = run(text);
      assert.ok(!gap(a), JSON.stringify(a.signals));
      assert.match(evidence(a, 'clear_request'), /one-time fact/);
      assert.ok(a.score < detector.threshold, `score ${a.score} < ${detector.threshold}`);
    });
  }
  for (const text of ['where is the taj mahal', 'when did world war 2 end', 'how old is the great wall of china']) {
    test(`${text}: its subject is a named landmark or event`, () => {
      const a = run(text);
      assert.ok(!gap(a), JSON.stringify(a.signals));
      if (!text.startsWith('how')) assert.match(evidence(a, 'clear_request'), /named landmark or event/);
      assert.ok(a.score < detector.threshold, `score ${a.score} < ${detector.threshold}`);
    });
  }
  test('the same questions about a generic thing have a gap and no named subject', () => {
    const a = run('where is the cathedral');
    assert.ok(gap(a));
    assert.doesNotMatch(evidence(a, 'clear_request'), /named landmark/);
    assert.ok(a.score >= detector.threshold);
  });
  test('a one-time fact of a generic thing is not specific', () => {
    assert.doesNotMatch(evidence(run('when was the stadium built'), 'clear_request'), /one-time fact/);
  });
  test('a name does not hide a missing year', () => {
    const a = run('who won the world cup');
    assert.ok(gap(a));
    assert.ok(a.score >= detector.threshold);
  });
});

describe('examples without labels', () => {
  const ask = 'Infer the rule from the examples and tell me where the last word goes.\n\nExamples:\n';
  test('unlabelled examples are flagged; the same examples with their outputs are not', () => {
    const under = run(`${ask}maple\nsalmon\noak\n\nNew word: tuna`);
    assert.ok(
      under.signals.some((s) => s.id === 'contradiction' && /infer a rule/.test(s.evidence)),
      JSON.stringify(under.signals),
    );
    assert.ok(under.score >= detector.threshold, `score ${under.score}`);
    assert.match(under.suggestedQuestion ?? '', /more than one rule/);
    const clear = run(`${ask}maple (Output: tree)\nsalmon (Output: fish)\noak (Output: tree)\n\nNew word: tuna`);
    assert.ok(!clear.signals.some((s) => /infer a rule/.test(s.evidence)));
    assert.ok(clear.score < detector.threshold, `score ${clear.score}`);
  });
  test('the candidate rules named with "either … or …" go into the question', () => {
    const a = run(`The categories are either "tree" or "plant". Work out the category.\nExamples:\nmaple\noak`);
    assert.match(a.suggestedQuestion ?? '', /“tree” or “plant”/);
  });
  test('examples without a request to infer anything are not flagged', () => {
    assert.ok(!run('Write three sentences like these examples:\nThe sun rose.\nThe tide fell.').signals.some((s) => /infer a rule/.test(s.evidence)));
  });
});

describe('conversational turns', () => {
  for (const text of ['hi', 'thanks!', 'ok', 'continue', 'Hello there', 'OK.', 'thank you so much']) {
    test(`"${text}" scores low and is never flagged`, () => {
      const a = run(text);
      assert.ok(a.score < 0.3 && a.score < detector.threshold, `score ${a.score}`);
      assert.ok(a.signals.some((s) => s.id === 'clear_request' && /conversational turn/.test(s.evidence)));
    });
  }
});
