/**
 * EVAL-ONLY. Held-out factual and open-domain questions for `scripts/eval-factual.ts`: never
 * imported by training (corpus.ts, pipeline.ts), never read by a rule. Written before the
 * factual rules and the training families in `families-factual.ts`, with different wording and
 * topics, so the figures measure transfer and not memory of the templates.
 *
 * Two kinds:
 * - `factual`: minimal pairs, a short factual question missing the place / time / work (edition,
 *   season, film) it depends on, and the same question with it.
 * - `open`: open-domain questions with several valid readings (who played a role that many
 *   actors played, which war, which election...) against single-answer questions; partly minimal
 *   pairs, partly unpaired questions of each kind.
 *
 * Every question is asked twice: typed in lower case without a question mark (as people type
 * into a search box), and in sentence case with a "?".
 */

export interface HeldOutItem {
  readonly kind: 'factual' | 'open';
  /** 1 = needs clarification (several readings, or a missing place / time / work). */
  readonly label: 0 | 1;
  readonly text: string;
  /** Minimal-pair id (both members share it), when the item has a twin. */
  readonly pair?: string;
  readonly variant: 'lower' | 'cased';
}

/** [underspecified, clear] — the clear member adds only the missing place / time / work. */
const FACTUAL_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['What is the legal age to buy alcohol', 'What is the legal age to buy alcohol in Japan'],
  ['How much does a postage stamp cost', 'How much does a postage stamp cost in Germany'],
  ['Who is the current finance minister', 'Who is the current finance minister of India'],
  ['What is the highest court called', 'What is the highest court in Canada called'],
  ['How many members does parliament have', 'How many members does the Australian parliament have'],
  ['What is the dialing code', 'What is the dialing code for Italy'],
  ['Is it going to snow tomorrow', 'Is it going to snow tomorrow in Denver'],
  ['What is the average house price', 'What is the average house price in Dublin'],
  ['Which party is in power', 'Which party is in power in Sweden'],
  ['How long is maternity leave', 'How long is maternity leave in France'],
  ['Who won the Ballon d’Or', 'Who won the Ballon d’Or in 2019'],
  ['Who won the Nobel Prize in Literature', 'Who won the Nobel Prize in Literature in 2016'],
  ['Which country hosted the Winter Olympics', 'Which country hosted the 2014 Winter Olympics'],
  ['Who was Time person of the year', 'Who was Time person of the year in 2007'],
  ['Who won Eurovision', 'Who won Eurovision 2021'],
  ['Who won the Masters', 'Who won the Masters golf tournament in 1997'],
  ['What was the top-selling car', 'What was the top-selling car in the US in 2022'],
  ['How many chapters does the second book have', 'How many chapters does the second Harry Potter book have'],
  ['Who voiced the villain', 'Who voiced the villain in Aladdin'],
  ['Who sang the theme song', 'Who sang the theme song of Friends'],
  ['When was the last season filmed', 'When was the last season of Game of Thrones filmed'],
  ['What is the name of the dog in the film', 'What is the name of the dog in the Wizard of Oz'],
  ['Who illustrated the first edition', 'Who illustrated the first edition of Alice in Wonderland'],
  ['How many pages is the novel', 'How many pages is the novel Moby Dick'],
  ['Who is the lead singer of the band', 'Who is the lead singer of the band Coldplay'],
  ['What happens at the end of the movie', 'What happens at the end of the movie Inception'],
  ['What year did the franchise start', 'What year did the Star Wars franchise start'],
  ['Who played the mother in the series', 'Who played the mother in the series How I Met Your Mother'],
];

/** [several readings, single answer] minimal pairs. */
const OPEN_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['Who played the Joker', 'Who played the Joker in The Dark Knight'],
  ['When did the war end', 'When did the Korean War end'],
  ['Who played Batman', 'Who played Batman in the 1989 film'],
  ['Who won the election', 'Who won the 2008 US presidential election'],
  ['When did the revolution start', 'When did the French Revolution start'],
  ['Who played Sherlock Holmes', 'Who played Sherlock Holmes in the BBC series Sherlock'],
  ['Where was the treaty signed', 'Where was the Treaty of Versailles signed'],
  ['Who voiced Simba', 'Who voiced adult Simba in the 1994 Lion King'],
  ['When was the cathedral built', 'When was Notre-Dame Cathedral in Paris built'],
  ['Who is the king', 'Who is the king of Spain'],
  ['When did the pandemic start', 'When did the COVID-19 pandemic start'],
  ['Who directed Dune', 'Who directed the 2021 film Dune'],
  ['Who killed the president', 'Who killed President Lincoln'],
  ['What is the name of the longest river', 'What is the name of the longest river in Africa'],
  ['When was the bridge opened', 'When was the Golden Gate Bridge opened'],
  ['Who played Spider-Man', 'Who played Spider-Man in No Way Home'],
];

/** Unpaired single-answer questions (clear). */
const SINGLE_ANSWER: readonly string[] = [
  'Who wrote War and Peace',
  'When was the Eiffel Tower built',
  'Who is the president of France',
  'What is the capital of Kenya',
  'Who painted the Sistine Chapel ceiling',
  'When did the Berlin Wall fall',
  'How tall is the Burj Khalifa',
  'Who discovered penicillin',
  'What currency does Switzerland use',
  'Who founded Microsoft',
  'Where is the Taj Mahal',
  'When did Apollo 11 land on the moon',
  'Who composed the Four Seasons',
  'What language is spoken in Brazil',
  'How many players are on a soccer team',
  'What is the chemical symbol for gold',
  'Who was the first woman to win a Nobel Prize',
  'Which planet is closest to the sun',
  'What is the largest ocean on Earth',
  'Who invented the telephone',
  'When was the United Nations founded',
  'What is the official language of Mexico',
];

/** Unpaired questions with several valid readings (need clarification). */
const SEVERAL_READINGS: readonly string[] = [
  'Who played James Bond',
  'When did the strike end',
  'Who won the cup final',
  'Who sang Hallelujah',
  'When was the stadium built',
  'Who is the coach',
  'Where did the team play last night',
  'Who won best actor',
  'How many seasons are there',
  'When does the new season come out',
  'Who played Wonder Woman',
  'Who is the governor',
  'When is the next launch',
  'Who was the captain',
];

function variants(text: string): Array<{ text: string; variant: 'lower' | 'cased' }> {
  return [
    { text: text.toLowerCase(), variant: 'lower' },
    { text: `${text}?`, variant: 'cased' },
  ];
}

/** Every held-out item (both variants of every question). */
export function heldOutFactual(): HeldOutItem[] {
  const out: HeldOutItem[] = [];
  const pairs = (kind: HeldOutItem['kind'], list: ReadonlyArray<readonly [string, string]>): void => {
    list.forEach(([under, clear], i) => {
      for (const [label, text] of [
        [1, under],
        [0, clear],
      ] as const) {
        for (const v of variants(text)) out.push({ kind, label, text: v.text, variant: v.variant, pair: `${kind}:${i}:${v.variant}` });
      }
    });
  };
  pairs('factual', FACTUAL_PAIRS);
  pairs('open', OPEN_PAIRS);
  for (const text of SINGLE_ANSWER) for (const v of variants(text)) out.push({ kind: 'open', label: 0, ...v });
  for (const text of SEVERAL_READINGS) for (const v of variants(text)) out.push({ kind: 'open', label: 1, ...v });
  return out;
}
