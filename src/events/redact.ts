/**
 * Redaction of everything the event log stores (request text, evidence, questions, notes).
 * Applied before text reaches Redis, the file store or the spool. Order matters: secrets first
 * (they can contain digits and `@`), then e-mail, IP, card and phone numbers, and last the
 * generic high-entropy catch-all.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export const REDACTED = {
  secret: '[REDACTED:secret]',
  email: '[REDACTED:email]',
  ip: '[REDACTED:ip]',
  card: '[REDACTED:card]',
  phone: '[REDACTED:phone]',
} as const;

// `Authorization: Bearer x`, `x-api-key: x`, `api_key=x`, `"password": "x"`: the value goes, the name stays.
const CREDENTIAL_ASSIGNMENT =
  /\b(authorization|proxy-authorization|x-api-key|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|secret(?:[_-]?key)?|client[_-]?secret|password|passwd|pwd|aws_secret_access_key|aws_session_token)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|Token)\s+)?[^\s"',;]{4,}/gi;
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const BEARER_WORD = /bearer|basic|token/i;
// "my password is hunter2", "the passcode is: 9981": the phrase stays, the secret goes.
const SECRET_PHRASE = /\b(password|passwort|passphrase|passcode|pin|pwd)(\s+(?:is|was|=|:)\s*:?\s*)(?![\s.,;!?]|required\b|field\b)([^\s,;]{3,})/gi;
const SECRET_PHRASE_WORD = /pass|pin|pwd/i;
// OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-, sk-ant-admin01-).
const SK_KEY = /\bsk-[A-Za-z0-9_-]{16,}/g;
const AWS_ACCESS_KEY = /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g;
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})\b/g;
const SLACK_TOKEN = /\bxox[abposr]-[A-Za-z0-9-]{10,}/g;
const GOOGLE_KEY = /\bAIza[0-9A-Za-z_-]{35}\b/g;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s:@/]+:[^\s@/]+@/gi;
// Internationalised addresses too (RFC 6531): letters and digits of any script.
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[\p{L}]{2,}/gu;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d.]\d)/g;
const IPV6 =
  /(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,6}|[0-9A-Fa-f]{1,4})(?![\w:])|(?<![\w:])::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}(?![\w:])/g;
const CARD_CANDIDATE = /(?<![\d.-])\d(?:[ .-]?\d){12,18}(?![\d.-]?\d)/g;
const PHONE = /(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}(?![\w])/g;
// Long runs of key-like characters; kept only when they look random (see looksRandom).
const HIGH_ENTROPY_CANDIDATE = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{24,}(?![A-Za-z0-9+/_=-])/g;
const PHONE_SEPARATOR = /[\s.()-]/;
const DIGIT = /\d/;
const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const NON_DIGIT = /\D/g;
// Every pattern above needs one of these; text without any (most evidence and reasons) skips the passes.
const MIGHT_CONTAIN_SECRET = /[\d@:=]|bearer|basic|token|pass|pin|pwd|sk-|gh[pousr]_|github_pat_|xox[abposr]-|AIza|eyJ|-----BEGIN/i;
// 2024-01-15, 15.01.2024, 01/15/2024, 2024 01 15: dates, not phone numbers.
const DATE_LIKE = /^(?:\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4})$/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A token that mixes character classes and is close to random (API keys, hashes of secrets, base64 blobs). */
function looksRandom(token: string): boolean {
  if (!DIGIT.test(token)) return false;
  const classes = (UPPER.test(token) ? 1 : 0) + (LOWER.test(token) ? 1 : 0);
  if (classes === 0) return false;
  // Hex digests (one letter case) are less dense; mixed-case base64/base62 keys reach > 4 bits/char.
  return entropy(token) >= (classes === 2 ? 3.8 : 3.3);
}

function redactCard(match: string): string {
  const digits = match.replace(NON_DIGIT, '');
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? REDACTED.card : match;
}

function redactPhone(match: string): string {
  const digits = match.replace(NON_DIGIT, '').length;
  // Phone numbers have 7-15 digits and some structure; bare 7-digit runs without separators or `+` are left alone (amounts, ids).
  if (digits < 7 || digits > 15) return match;
  if (!match.includes('+') && !PHONE_SEPARATOR.test(match)) return match;
  if (DATE_LIKE.test(match)) return match;
  return REDACTED.phone;
}

function redactIpv6(match: string): string {
  return isIPv6(match) ? REDACTED.ip : match;
}

function redactHighEntropy(match: string): string {
  return looksRandom(match) ? REDACTED.secret : match;
}

/**
 * Deployment-specific secrets (`events.redaction.extraPatterns`), compiled once at start-up. Module
 * state on purpose: every writer of stored text (events, review queue, spool) calls redactText.
 */
let extraPatterns: readonly RegExp[] = [];

export function configureRedaction(patterns: readonly string[]): void {
  extraPatterns = patterns.map((pattern) => new RegExp(pattern, 'gu'));
}

/** Returns `text` with e-mail addresses, phone numbers, card numbers, API keys, tokens and IP addresses replaced. */
export function redactText(text: string): string {
  if (text.length === 0 || (!MIGHT_CONTAIN_SECRET.test(text) && extraPatterns.length === 0)) return text;
  // Each pass runs only when the text has the character or prefix its pattern needs (cheap includes()).
  const digits = DIGIT.test(text);
  const assignment = text.includes(':') || text.includes('=');
  let out = text;
  if (text.includes('-----BEGIN')) out = out.replace(PRIVATE_KEY_BLOCK, REDACTED.secret);
  if (text.includes('://')) out = out.replace(URL_CREDENTIALS, `$1${REDACTED.secret}@`);
  if (assignment) out = out.replace(CREDENTIAL_ASSIGNMENT, `$1$2${REDACTED.secret}`);
  if (BEARER_WORD.test(text)) out = out.replace(BEARER, `$1 ${REDACTED.secret}`);
  if (SECRET_PHRASE_WORD.test(text)) out = out.replace(SECRET_PHRASE, `$1$2${REDACTED.secret}`);
  if (text.includes('sk-')) out = out.replace(SK_KEY, REDACTED.secret);
  if (digits) out = out.replace(AWS_ACCESS_KEY, REDACTED.secret);
  if (text.includes('_')) out = out.replace(GITHUB_TOKEN, REDACTED.secret);
  if (text.includes('xox')) out = out.replace(SLACK_TOKEN, REDACTED.secret);
  if (text.includes('AIza')) out = out.replace(GOOGLE_KEY, REDACTED.secret);
  if (text.includes('eyJ')) out = out.replace(JWT, REDACTED.secret);
  if (text.includes('@')) out = out.replace(EMAIL, REDACTED.email);
  if (digits) out = out.replace(IPV4, REDACTED.ip);
  if (text.includes(':')) out = out.replace(IPV6, redactIpv6);
  if (digits) {
    out = out.replace(CARD_CANDIDATE, redactCard);
    out = out.replace(PHONE, redactPhone);
  }
  if (digits) out = out.replace(HIGH_ENTROPY_CANDIDATE, redactHighEntropy);
  for (const pattern of extraPatterns) out = out.replace(pattern, REDACTED.secret);
  return out;
}

// ---- identifiers ---------------------------------------------------------------------------

/** Patterns that mark a credential or an e-mail address inside an identifier. */
const IDENTIFIER_SECRETS: readonly RegExp[] = [SK_KEY, AWS_ACCESS_KEY, GITHUB_TOKEN, SLACK_TOKEN, GOOGLE_KEY, JWT, EMAIL].map(
  (p) => new RegExp(p.source, p.flags.replace('g', '')),
);
const IDENTIFIER_WORDS = /bearer|basic|token|password|passwd|secret|api[_-]?key|apikey/i;
const IDENTIFIER_HINT = /[@=:]|sk-|gh[pousr]_|github_pat_|xox[abposr]-|AIza|eyJ|AKIA|ASIA|bearer|basic|token|pass|secret|key/i;

/**
 * Whether a client-supplied identifier (request id, model, tenant, conversation id, path) carries
 * a credential or an e-mail address. Ids are often random-looking on purpose (UUIDs, hashes), so
 * the text catch-alls (high entropy, phone and card numbers) do not apply here; named token
 * formats, credential words, e-mail addresses and `events.redaction.extraPatterns` do.
 */
export function identifierLeaks(value: string): boolean {
  if (extraPatterns.length > 0) {
    for (const pattern of extraPatterns) {
      pattern.lastIndex = 0;
      if (pattern.test(value)) return true;
    }
  }
  if (!IDENTIFIER_HINT.test(value)) return false;
  if (IDENTIFIER_WORDS.test(value)) return true;
  for (const pattern of IDENTIFIER_SECRETS) if (pattern.test(value)) return true;
  return false;
}

/**
 * A client-supplied identifier as it may be stored, logged or put in a key: as it is, or, when it
 * carries a credential or an e-mail address (identifierLeaks), `redacted:` and 16 hex of its
 * SHA-256, which still groups equal values without revealing them.
 */
export function protectIdentifier(value: string): string {
  return identifierLeaks(value) ? `redacted:${createHash('sha256').update(value).digest('hex').slice(0, 16)}` : value;
}
