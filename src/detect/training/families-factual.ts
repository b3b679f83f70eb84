/**
 * Template families for short factual and open-domain questions (training and leave-one-family-out
 * evaluation, like families.ts): the same question without and with the place, time, work or
 * name it depends on. Every question appears twice, typed in lower case without a question mark
 * (as in a search box) and in sentence case with one, so that a lower-case name ("who is the
 * president of france") counts as a name.
 *
 * Written with different questions and topics from the eval-only held-out set
 * (heldout-factual.ts), which is never trained on.
 */
import { conv, type Family, type Pair } from './families.js';

/** Both variants of every [underspecified, clear] pair, each a single user turn (system prompt alternating). */
function casedPairs(asks: ReadonlyArray<readonly [string, string]>): Pair[] {
  const out: Pair[] = [];
  asks.forEach(([under, clear], i) => {
    const system = i % 3 === 0 ? 'You are a helpful assistant.' : '';
    out.push({ under: conv([['user', under.toLowerCase()]], { system }), clear: conv([['user', clear.toLowerCase()]], { system }) });
    out.push({ under: conv([['user', `${under}?`]], { system }), clear: conv([['user', `${clear}?`]], { system }) });
  });
  return out;
}

const factualPlace: Family = {
  name: 'tmpl:factual-place',
  gap: 'anchor',
  pairs: () =>
    casedPairs([
      ['Who is the foreign minister', 'Who is the foreign minister of Brazil'],
      ['What is the national dish', 'What is the national dish of Peru'],
      ['How old do you have to be to vote', 'How old do you have to be to vote in Austria'],
      ['What is the official language', 'What is the official language of Belgium'],
      ['How much is a liter of gasoline', 'How much is a liter of gasoline in Mexico'],
      ['Who is the queen', 'Who is the queen of Denmark'],
      ['What is the country code', 'What is the country code for Portugal'],
      ['How many seats are in the senate', 'How many seats are in the Senate of the United States'],
      ['Which party won the most seats in parliament', 'Which party won the most seats in the Dutch parliament'],
      ['What is the income tax rate', 'What is the income tax rate in Ireland'],
      ['Is it raining today', 'Is it raining today in Seattle'],
      ['What time is sunset today', 'What time is sunset today in Lisbon'],
      ['How many weeks of paternity leave do fathers get', 'How many weeks of paternity leave do fathers get in Norway'],
      ['What is the national animal', 'What is the national animal of Scotland'],
      ['Who heads the supreme court', 'Who heads the supreme court of India'],
      ['How much does a bus ticket cost', 'How much does a bus ticket cost in London'],
    ]),
};

const factualTime: Family = {
  name: 'tmpl:factual-time',
  gap: 'anchor',
  pairs: () =>
    casedPairs([
      ['Who won the Stanley Cup', 'Who won the Stanley Cup in 2011'],
      ['Who got the Nobel Peace Prize', 'Who got the Nobel Peace Prize in 2009'],
      ['Which city hosted the Summer Olympics', 'Which city hosted the Summer Olympics in 1996'],
      ['Who won best actress at the Oscars', 'Who won best actress at the 2015 Oscars'],
      ['What was the best-selling album', 'What was the best-selling album of 1985'],
      ['Who was named player of the year', 'Who was named NBA player of the year in 2016'],
      ['Who won the Grammy for album of the year', 'Who won the Grammy for album of the year in 2012'],
      ['Where was the World Cup held', 'Where was the 1998 World Cup held'],
      ['Who won the Wimbledon final', 'Who won the Wimbledon final in 2008'],
      ['Who received the Pulitzer Prize for fiction', 'Who received the Pulitzer Prize for fiction in 2020'],
      ['Who was the highest-paid athlete', 'Who was the highest-paid athlete in 2019'],
      ['Which team won the Super Bowl', 'Which team won Super Bowl XLIX'],
      ['Who won the Booker Prize', 'Who won the Booker Prize in 2017'],
      ['What was the number one song', 'What was the number one song in the UK in 1977'],
    ]),
};

const factualWork: Family = {
  name: 'tmpl:factual-work',
  gap: 'anchor',
  pairs: () =>
    casedPairs([
      ['Who is the drummer of the band', 'Who is the drummer of the band Nirvana'],
      ['How many episodes does the series have', 'How many episodes does the series Chernobyl have'],
      ['Who wrote the screenplay for the film', 'Who wrote the screenplay for the film Parasite'],
      ['When did the show first air', 'When did the show Seinfeld first air'],
      ['What is the first line of the novel', 'What is the first line of the novel Pride and Prejudice'],
      ['How long is the album', 'How long is the album Abbey Road'],
      ['Who is the narrator of the book', 'Who is the narrator of the book The Great Gatsby'],
      ['Where was the movie filmed', 'Where was the movie Mamma Mia filmed'],
      ['Who plays the lead in the musical', 'Who plays the lead in the musical Hamilton'],
      ['When does the next episode come out', 'When does the next episode of The Bear come out'],
      ['What is the name of the ship in the book', 'What is the name of the ship in the book Moby Dick'],
      ['Who is the coach of the team', 'Who is the coach of the Chicago Bulls'],
      ['How many books are in the series', 'How many books are in the Twilight series'],
      ['Who founded the company', 'Who founded the company Spotify'],
    ]),
};

const openReadings: Family = {
  name: 'tmpl:open-readings',
  gap: 'anchor',
  pairs: () =>
    casedPairs([
      ['Who played Superman', 'Who played Superman in Man of Steel'],
      ['Who voiced Shrek', 'Who voiced Shrek in the Shrek films'],
      ['Who portrayed Dracula', 'Who portrayed Dracula in the 1931 film'],
      ['Who played Hamlet', 'Who played Hamlet in the 1996 Kenneth Branagh film'],
      ['When did the invasion begin', 'When did the invasion of Normandy begin'],
      ['When was the election held', 'When was the 2019 Canadian federal election held'],
      ['How many people died in the earthquake', 'How many people died in the 2010 Haiti earthquake'],
      ['When did the siege end', 'When did the siege of Leningrad end'],
      ['Who led the protests', 'Who led the Selma to Montgomery marches'],
      ['When was the castle built', 'When was Edinburgh Castle built'],
      ['How tall is the tower', 'How tall is the CN Tower'],
      ['When did the crisis start', 'When did the 2008 financial crisis start'],
      ['Where did the mission land', 'Where did the Apollo 15 mission land'],
      ['Who designed the museum', 'Who designed the Guggenheim Museum in Bilbao'],
      ['When is the festival', 'When is the Glastonbury Festival'],
      ['Who was the captain of the ship', 'Who was the captain of the Titanic'],
    ]),
};

/**
 * Few-shot requests: infer the rule from examples and apply it. Without the examples' labels
 * several rules fit (underspecified); with them the rule is pinned down. Topics and wording are
 * our own (sorting words, numbers, emails, colours...).
 */
const unlabelledExamples: Family = {
  name: 'tmpl:examples',
  gap: 'examples',
  pairs: () => {
    const tasks: Array<[string, ReadonlyArray<readonly [string, string]>, string]> = [
      [
        'Work out the rule these words follow and tell me whether the last word follows it.',
        [
          ['apple', 'yes'],
          ['river', 'no'],
          ['orange', 'yes'],
        ],
        'umbrella',
      ],
      [
        'Figure out which group each number belongs to from the examples, then classify the new number.',
        [
          ['12', 'A'],
          ['7', 'B'],
          ['30', 'A'],
        ],
        '45',
      ],
      [
        'Infer the pattern from these examples and tag the next email the same way.',
        [
          ['"Your invoice is attached"', 'finance'],
          ['"Team lunch on Friday"', 'social'],
        ],
        '"Quarterly budget review"',
      ],
      [
        'Deduce how the examples were sorted and put the new colour in the right bin.',
        [
          ['crimson', 'warm'],
          ['teal', 'cool'],
          ['amber', 'warm'],
        ],
        'violet',
      ],
      [
        'From the examples below, work out the labelling scheme and label the final sentence.',
        [
          ['The cat sleeps.', 'short'],
          ['My neighbour plays loud music every night.', 'long'],
        ],
        'It rains.',
      ],
      [
        'Guess the hidden rule from the examples and say whether the new city fits.',
        [
          ['Oslo', 'in'],
          ['Lima', 'out'],
          ['Rome', 'in'],
        ],
        'Kyiv',
      ],
      [
        'Look at the examples, infer the category they were sorted by, and sort the new animal.',
        [
          ['eagle', 'group 1'],
          ['salmon', 'group 2'],
          ['bat', 'group 1'],
        ],
        'penguin',
      ],
      [
        'Figure out the transformation from the examples and apply it to the last input.',
        [
          ['3', '9'],
          ['4', '16'],
        ],
        '5',
      ],
      [
        'Infer from the examples which reviews should be flagged, then decide about the new review.',
        [
          ['"Arrived broken"', 'flag'],
          ['"Great value"', 'keep'],
        ],
        '"Took a while but works"',
      ],
      [
        'Work out what the examples have in common and tell me if the next word belongs.',
        [
          ['level', 'belongs'],
          ['stone', 'does not'],
          ['radar', 'belongs'],
        ],
        'rotor',
      ],
      [
        'Deduce the grouping rule from the examples and assign the new fruit a group.',
        [
          ['lemon', 'X'],
          ['banana', 'X'],
          ['plum', 'Y'],
        ],
        'cherry',
      ],
      [
        'Infer the rule behind these examples and answer for the last one.',
        [
          ['2024-01-06', 'weekend'],
          ['2024-01-08', 'weekday'],
        ],
        '2024-01-13',
      ],
    ];
    return tasks.map(([instruction, examples, query], i) => {
      const plain = examples.map(([x]) => x).join('\n');
      const labelled = examples.map(([x, y]) => (i % 2 === 0 ? `${x} (Output: ${y})` : `${x} -> ${y}`)).join('\n');
      const under = `${instruction}\n\nExamples:\n${plain}\n\nNew item: ${query}`;
      const clear = `${instruction}\n\nExamples:\n${labelled}\n\nNew item: ${query}`;
      return { under: conv([['user', under]]), clear: conv([['user', clear]]) };
    });
  },
};

/** Collected with FAMILIES in corpus.ts (templateItems). */
export const FACTUAL_FAMILIES: readonly Family[] = [factualPlace, factualTime, factualWork, openReadings, unlabelledExamples];
