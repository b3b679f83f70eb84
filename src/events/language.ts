/**
 * A cheap guess at the language of a stored request text, for grouping events
 * (`clarion events stats --by language`), not for routing: the script decides for non-Latin text,
 * stop words decide among a few Latin-script languages. Pure; every pattern is compiled once, here.
 *
 * Answers an ISO 639-1 code when the guess is reasonably safe (`en`, `fr`, `de`, `es`, `it`, `pt`,
 * `nl`, `ru`, `uk`, `el`, `ar`, `he`, `hi`, `th`, `zh`, `ja`, `ko`), `other` for text it cannot
 * place (another script, or Latin text with no known stop word) and `unknown` when there is no text
 * (redaction mode `none`, or no user turn).
 */

export const LANGUAGE_UNKNOWN = 'unknown';
export const LANGUAGE_OTHER = 'other';

/** Scripts that name one language well enough for a group (Cyrillic is refined below). */
const KANA = /[\u3040-\u30ff]/gu;
const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['ja', KANA],
  ['ko', /[\uac00-\ud7af\u1100-\u11ff]/gu],
  ['zh', /[\u4e00-\u9fff\u3400-\u4dbf]/gu],
  ['ru', /[\u0400-\u04ff]/gu],
  ['el', /[\u0370-\u03ff]/gu],
  ['ar', /[\u0600-\u06ff\u0750-\u077f]/gu],
  ['he', /[\u0590-\u05ff]/gu],
  ['hi', /[\u0900-\u097f]/gu],
  ['th', /[\u0e00-\u0e7f]/gu],
];
const LATIN_LETTER = /[a-z\u00c0-\u024f]/giu;
/** Letters only Ukrainian uses among the Cyrillic languages Clarion is likely to see. */
const UKRAINIAN = /[\u0454\u0456\u0457\u0491]/u;
const WORD = /[a-z\u00c0-\u024f']+/gu;

/** Frequent function words, chosen to overlap little between the languages. */
const STOP_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: [
    'the',
    'and',
    'is',
    'are',
    'this',
    'that',
    'with',
    'for',
    'you',
    'what',
    'please',
    'it',
    'of',
    'to',
    'my',
    'me',
    'can',
    'how',
    'which',
    'be',
    'have',
    'was',
    'from',
    'about',
    'write',
    'make',
    'should',
    'would',
    'an',
    'on',
    'in',
    'i',
    'do',
    'does',
    'not',
    'give',
  ],
  fr: [
    'le',
    'les',
    'des',
    'est',
    'et',
    'une',
    'un',
    'du',
    'pour',
    'dans',
    'avec',
    'que',
    'qui',
    'pas',
    'vous',
    'je',
    'ce',
    'cette',
    'sur',
    'au',
    'aux',
    'mon',
    'ma',
    'mes',
    "c'est",
    'peux',
    'moi',
    'nous',
    'sont',
    'très',
  ],
  de: [
    'der',
    'die',
    'das',
    'und',
    'ist',
    'nicht',
    'ein',
    'eine',
    'mit',
    'für',
    'ich',
    'sie',
    'wir',
    'auf',
    'zu',
    'den',
    'dem',
    'bitte',
    'kannst',
    'mir',
    'wie',
    'was',
    'ist',
    'auch',
    'oder',
    'dieser',
    'diese',
    'mein',
    'sind',
  ],
  es: [
    'el',
    'los',
    'las',
    'es',
    'y',
    'una',
    'por',
    'para',
    'con',
    'que',
    'del',
    'como',
    'pero',
    'está',
    'esto',
    'este',
    'esta',
    'mi',
    'puedes',
    'sobre',
    'qué',
    'cómo',
    'favor',
    'muy',
    'son',
    'hay',
  ],
  it: [
    'il',
    'lo',
    'gli',
    'della',
    'di',
    'che',
    'è',
    'per',
    'con',
    'non',
    'una',
    'questo',
    'questa',
    'sono',
    'mi',
    'puoi',
    'come',
    'anche',
    'nel',
    'alla',
    'delle',
    'perché',
    'cosa',
    'favore',
  ],
  pt: [
    'o',
    'os',
    'as',
    'um',
    'uma',
    'não',
    'para',
    'com',
    'que',
    'do',
    'da',
    'dos',
    'das',
    'em',
    'é',
    'você',
    'isso',
    'este',
    'esta',
    'meu',
    'minha',
    'pode',
    'sobre',
    'como',
    'por',
    'favor',
    'são',
  ],
  nl: [
    'de',
    'het',
    'een',
    'en',
    'is',
    'niet',
    'van',
    'voor',
    'met',
    'dat',
    'die',
    'ik',
    'je',
    'jij',
    'wij',
    'op',
    'naar',
    'dit',
    'deze',
    'kun',
    'kunt',
    'mijn',
    'graag',
    'alsjeblieft',
    'wat',
    'hoe',
    'zijn',
  ],
};

/** word -> the languages it is a stop word of. */
const STOP_INDEX: ReadonlyMap<string, readonly string[]> = (() => {
  const index = new Map<string, string[]>();
  for (const [language, words] of Object.entries(STOP_WORDS)) {
    for (const word of new Set(words)) {
      const list = index.get(word) ?? [];
      list.push(language);
      index.set(word, list);
    }
  }
  return index;
})();

function countMatches(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n++;
  return n;
}

/**
 * The language of `text`, guessed: the dominant non-Latin script when it outweighs the Latin
 * letters, else the Latin-script language with the most stop words (English wins ties, so short
 * mixed requests with an English frame stay English). Only the first 2,000 characters are read.
 */
export function detectLanguage(text: string | null | undefined): string {
  if (text === null || text === undefined) return LANGUAGE_UNKNOWN;
  const sample = text.slice(0, 2_000).toLowerCase();
  if (sample.trim() === '') return LANGUAGE_UNKNOWN;
  let bestScript: string | null = null;
  let bestScriptCount = 0;
  for (const [language, pattern] of SCRIPTS) {
    const n = countMatches(pattern, sample);
    if (n > bestScriptCount) {
      bestScript = language;
      bestScriptCount = n;
    }
  }
  const latin = countMatches(LATIN_LETTER, sample);
  if (bestScript !== null && bestScriptCount >= latin) {
    // Japanese text mixes kana with Han; any kana at all means Japanese.
    if (bestScript === 'zh' && countMatches(KANA, sample) > 0) return 'ja';
    if (bestScript === 'ru' && UKRAINIAN.test(sample)) return 'uk';
    return bestScript;
  }
  if (latin === 0) return LANGUAGE_OTHER;
  const scores = new Map<string, number>();
  WORD.lastIndex = 0;
  for (let match = WORD.exec(sample); match !== null; match = WORD.exec(sample)) {
    for (const language of STOP_INDEX.get(match[0]) ?? []) scores.set(language, (scores.get(language) ?? 0) + 1);
  }
  let best = LANGUAGE_OTHER;
  let bestScore = 0;
  for (const language of Object.keys(STOP_WORDS)) {
    const score = scores.get(language) ?? 0;
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}
