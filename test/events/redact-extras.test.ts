/**
 * Redaction misses found by the hardening review (issue 10 item 10), and deployment-specific
 * secrets through `events.redaction.extraPatterns`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { configureRedaction, redactText } from '../../src/events/redact.js';

const cases: Array<[string, string, RegExp]> = [
  ['a card number with dot separators', 'card 4111.1111.1111.1111 thanks', /\[REDACTED:card\]/],
  ['an internationalised e-mail address', 'write to jürgen.müller@bücher.de today', /\[REDACTED:email\]/],
  ['another script', 'почта: иван@пример.рф', /\[REDACTED:email\]/],
  ['a lowercase bearer token', 'use bearer abcdefghijklmnop123 here', /\[REDACTED:secret\]/],
  ['a "my password is" phrase', 'my password is hunter2!x, log in', /\[REDACTED:secret\]/],
  ['a passcode phrase with a colon', 'The passcode is: 9981', /\[REDACTED:secret\]/],
];

for (const [what, text, expected] of cases) {
  test(`redacts ${what}`, () => {
    const out = redactText(text);
    assert.match(out, expected, out);
  });
}

test('the secret itself is gone, the sentence stays', () => {
  const out = redactText('my password is hunter2!x, log in');
  assert.doesNotMatch(out, /hunter2/);
  assert.match(out, /my password is/);
  assert.equal(redactText('The password field is required.'), 'The password field is required.');
});

after(() => configureRedaction([]));

test('extraPatterns redact deployment-specific secrets', () => {
  const config = parseConfig(
    'upstreams:\n  - { name: o, api: openai, baseUrl: "https://x.test/v1" }\nevents:\n  redaction:\n    extraPatterns: ["ACME-[0-9]{6}"]\n',
    'x.yaml',
    {},
  );
  configureRedaction(config.events.redaction.extraPatterns);
  assert.equal(redactText('ticket ACME-123456 closed'), 'ticket [REDACTED:secret] closed');
  configureRedaction([]);
  assert.equal(redactText('ticket ACME-123456 closed'), 'ticket ACME-123456 closed');
});

test('an invalid extra pattern is a config error naming the field', () => {
  assert.throws(
    () =>
      parseConfig(
        'upstreams:\n  - { name: o, api: openai, baseUrl: "https://x.test/v1" }\nevents:\n  redaction:\n    extraPatterns: ["(unclosed"]\n',
        'x.yaml',
        {},
      ),
    /events\.redaction\.extraPatterns/,
  );
});
