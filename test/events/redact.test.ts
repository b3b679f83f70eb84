import { test } from 'node:test';
import assert from 'node:assert/strict';
import { luhnValid, redactText } from '../../src/events/redact.js';
import { KNOWN_SECRETS } from './secrets.js';

test('every known secret is replaced, in running text, and nothing of it is left', () => {
  for (const [secret, kind] of KNOWN_SECRETS) {
    const out = redactText(`before ${secret} after`);
    assert.equal(out, `before [REDACTED:${kind}] after`, secret);
  }
});

test('credential headers and assignments lose their values whatever the value looks like', () => {
  const cases = [
    ['Authorization: Bearer abc.def-ghi_jkl12345', 'abc.def-ghi_jkl12345'],
    ['authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['x-api-key: myrealkey1234', 'myrealkey1234'],
    ['{"api_key": "hunter2hunter2"}', 'hunter2hunter2'],
    ['password=correcthorse', 'correcthorse'],
    ['curl https://user:s3cretpass@example.com/x', 's3cretpass'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA'],
  ];
  for (const [text, secret] of cases) {
    const out = redactText(text ?? '');
    assert.ok(!out.includes(secret ?? '~'), `${text} -> ${out}`);
    assert.match(out, /\[REDACTED:secret\]/);
  }
  assert.equal(redactText('Authorization: Bearer abc.def-ghi_jkl12345'), 'Authorization: [REDACTED:secret]');
});

test('ordinary text is left alone', () => {
  const plain = [
    'Translate this into French, please.',
    'On 2024-01-15 at 10:30 we had 1234567 users and paid 12.50 each.',
    'The meeting is 15.01.2024, room 4, call ext. 123.',
    'internationalization_localization_strings and ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    'Order #4111111111111112 was shipped', // fails the Luhn check
    'Use version 3.11 with numpy 1.26',
    'What does std::vector<int> do in C++?',
  ];
  for (const text of plain) assert.equal(redactText(text), text);
});

test('Luhn check', () => {
  assert.ok(luhnValid('4111111111111111'));
  assert.ok(luhnValid('378282246310005'));
  assert.ok(!luhnValid('4111111111111112'));
});
