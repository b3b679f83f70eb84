/**
 * Word lists the signal rules read. Sets for O(1) lookups; kept small and general (everyday
 * English), not fitted to any dataset.
 */
import { fnv } from './text.js';

function set(words: string): ReadonlySet<string> {
  return new Set(words.split(/\s+/).filter((w) => w.length > 0));
}

/** Function words and question frames: words that carry no topic of their own. */
export const STOPWORDS = set(`
a an the and or but if then else of to in on at by for with from into onto about as than so such
is are was were be been being am do does did done doing have has had having can could will would
shall should may might must i me my mine myself you your yours yourself we us our ours they them
their theirs he him his she her hers it its itself this that these those there here what which who
whom whose when where why how not no nor yes please pls kindly just also very really some any all
each every more most much many few lot lots one ones other another same own out up down over under
again once only too quite rather let lets let's i'm i'd i'll you're it's that's what's who's how's
where's there's don't doesn't didn't can't won't isn't aren't wasn't weren't
tell give show help make get write explain describe say know want need like would find list name
provide create generate something anything thing things someone anyone way ways information info
me? some? kind sort type types
`);

/** Verbs and adverbs of a request frame (not content): "can you make it", "please fix it". */
export const FRAME_VERBS = set(`
make fix change do rewrite redo improve shorten lengthen edit update use check correct review read
look see try send move put take turn keep translate summarize summarise explain convert compare
format polish proofread rephrase paraphrase continue finish expand simplify clean run open close
delete remove add copy paste sort again better shorter longer simpler clearer faster now
`);

/** Languages (and the nationality adjectives that double as language names). */
export const LANGUAGES = set(`
english french german spanish italian portuguese dutch russian ukrainian polish czech slovak
hungarian romanian bulgarian greek turkish arabic hebrew persian farsi urdu hindi bengali punjabi
tamil telugu marathi gujarati kannada malayalam chinese mandarin cantonese japanese korean
vietnamese thai indonesian malay tagalog filipino swahili amharic yoruba zulu afrikaans swedish
norwegian danish finnish icelandic estonian latvian lithuanian serbian croatian bosnian slovenian
albanian macedonian georgian armenian azerbaijani kazakh uzbek mongolian nepali sinhala khmer lao
burmese latin esperanto catalan basque galician welsh irish gaelic scots maltese
`);

/** Countries, US states and large cities: enough to notice that a place was named. */
export const PLACES = set(`
afghanistan albania algeria argentina armenia australia austria azerbaijan bahrain bangladesh
belarus belgium bolivia bosnia brazil bulgaria cambodia cameroon canada chile china colombia
croatia cuba cyprus czechia denmark ecuador egypt england estonia ethiopia finland france georgia
germany ghana greece guatemala haiti honduras hungary iceland india indonesia iran iraq ireland
israel italy jamaica japan jordan kazakhstan kenya korea kuwait latvia lebanon libya lithuania
luxembourg madagascar malaysia mali malta mexico moldova mongolia morocco mozambique myanmar
namibia nepal netherlands holland nicaragua niger nigeria norway oman pakistan panama paraguay peru
philippines poland portugal qatar romania russia rwanda scotland senegal serbia singapore slovakia
slovenia somalia spain sudan sweden switzerland syria taiwan tanzania thailand tunisia turkey
uganda ukraine uruguay uzbekistan venezuela vietnam wales yemen zambia zimbabwe usa us u.s. uk
u.k. america britain europe asia africa eu
alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho
illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas
utah vermont virginia washington wisconsin wyoming ontario quebec bavaria
london paris berlin madrid rome tokyo beijing shanghai delhi mumbai moscow sydney melbourne
toronto vancouver montreal chicago boston seattle dallas houston atlanta miami denver austin
amsterdam brussels vienna zurich geneva dublin lisbon prague warsaw budapest stockholm oslo
copenhagen helsinki istanbul cairo dubai singapore seoul bangkok jakarta manila nairobi lagos
`);

/** Adjectives of place ("the French president"). */
export const PLACE_ADJECTIVES = set(`
american british english french german spanish italian canadian australian mexican brazilian
chinese japanese korean indian russian irish scottish welsh dutch swiss swedish norwegian danish
finnish polish greek turkish israeli egyptian nigerian kenyan south-african european federal
national state local
`);

/**
 * Head terms with several common senses, each with a few sense labels for the question and cue
 * words any of which settles the sense.
 */
export interface PolysemousTerm {
  readonly senses: string;
  readonly cues: ReadonlySet<string>;
}

function term(senses: string, cues: string): PolysemousTerm {
  return { senses, cues: set(cues) };
}

export const POLYSEMOUS: ReadonlyMap<string, PolysemousTerm> = new Map([
  [
    'mercury',
    term('the planet, the element or the god', 'planet orbit sun element metal toxic thermometer poisoning god roman mythology freddie queen solar atomic'),
  ],
  [
    'java',
    term(
      'the programming language or the island',
      'programming code coding script scripts language list lists dict dictionary dictionaries function functions method class classes object loop loops string strings integer int array arrays module modules package library import install pip error exception sort sorted reverse variable syntax file files compile jvm jdk maven gradle island indonesia coffee spring',
    ),
  ],
  [
    'python',
    term(
      'the programming language or the snake',
      'programming code coding script scripts language list lists dict dictionary dictionaries function functions method class classes object loop loops string strings integer int array arrays module modules package library import install pip error exception sort sorted reverse variable syntax file files compile venv virtualenv conda django flask pandas numpy jupyter interpreter snake reptile monty',
    ),
  ],
  ['jaguar', term('the animal or the car brand', 'car cars cat animal wild rainforest engine model dealer')],
  ['apple', term('the fruit or the company', 'fruit tree pie iphone mac company stock ios eat orchard')],
  ['amazon', term('the company, the river or the rainforest', 'river rainforest company prime aws order shipping basin jungle')],
  ['bass', term('the fish or the low-pitched instrument', 'fish fishing guitar player music sound lake')],
  ['bank', term('a financial bank or a river bank', 'account money loan river deposit interest erosion')],
  ['crane', term('the bird or the machine', 'bird construction lift machine operator')],
  ['bat', term('the animal or the sports bat', 'animal cave baseball cricket wing rabies')],
  ['pitch', term('a sales pitch, a musical pitch or a sports pitch', 'music note sales investor football field deck voice')],
  ['spring', term('the season, a water spring, a coil or the Java framework', 'season water coil boot java framework weather')],
  [
    'ruby',
    term(
      'the gemstone or the programming language',
      'programming code coding script scripts language list lists dict dictionary dictionaries function functions method class classes object loop loops string strings integer int array arrays module modules package library import install pip error exception sort sorted reverse variable syntax file files compile rails gem gems bundler gemstone jewelry jewellery',
    ),
  ],
  ['shell', term('a command shell or a sea shell', 'bash command terminal sea beach script company oil')],
  ['mouse', term('the animal or the computer mouse', 'computer animal pest wireless click rodent')],
  ['virus', term('a biological virus or a computer virus', 'computer biological infection antivirus disease vaccine malware')],
  ['cell', term('a biological cell, a phone or a prison cell', 'biology phone prison battery membrane spreadsheet excel')],
  ['mole', term('the animal, the skin spot or the unit', 'skin animal chemistry unit garden avogadro')],
  ['seal', term('the animal or a seal that closes something', 'animal navy close wax leak arctic')],
  ['chip', term('a computer chip or a potato chip', 'computer silicon potato snack processor')],
  ['key', term('a door key, a keyboard key, a musical key or a cryptographic key', 'door lock keyboard music piano api encryption')],
  ['band', term('a music band or a rubber/radio band', 'music rubber frequency wedding concert')],
  ['club', term('a sports or social club, a golf club or a nightclub', 'golf night football member dance')],
  ['court', term('a law court or a sports court', 'law judge tennis basketball legal')],
  ['draft', term('a draft document, the sports draft or a draft of air', 'nba nfl beer document email air')],
  ['fan', term('a cooling fan or a supporter', 'cooling ceiling supporter club electric')],
  ['jam', term('fruit jam, a traffic jam or a music jam', 'fruit traffic music strawberry')],
  ['match', term('a sports match, a matchstick or a pattern match', 'game fire regex tennis football')],
  ['nail', term('a fingernail or a metal nail', 'finger polish hammer wood')],
  ['organ', term('a body organ or the musical instrument', 'body transplant music church')],
  ['palm', term('the tree or the hand', 'tree hand reading oil')],
  ['plant', term('a living plant or a factory plant', 'garden factory power grow water')],
  ['pupil', term('a student or the eye pupil', 'eye school student dilated')],
  ['ring', term('a jewellery ring, a boxing ring or a phone ring', 'wedding boxing phone engagement')],
  ['rock', term('rock music or a rock (stone)', 'music band stone geology')],
  ['scale', term('a weighing scale, a musical scale, a fish scale or a map scale', 'music weight fish map')],
  ['tank', term('a military tank or a water/fish tank', 'army fish water military')],
  ['turkey', term('the country or the bird', 'country bird thanksgiving istanbul')],
  ['wave', term('an ocean wave, a physics wave or a hand wave', 'ocean sound light physics surf')],
  ['column', term('a table/database column, an architectural column or a newspaper column', 'database table sql spreadsheet architecture newspaper greek')],
  ['console', term('a game console or a command console', 'game gaming browser terminal javascript xbox playstation')],
  ['pine', term('the tree or to pine (long for)', 'tree wood forest needles')],
  ['fork', term('the eating utensil, a road fork or a code fork', 'git github repository eat utensil road')],
  ['charge', term('an electric charge, a fee or a criminal charge', 'electric battery fee criminal police')],
  ['current', term('an electric current or an ocean current', 'electric ocean flow')],
  [
    'pound',
    term(
      'the currency, the weight unit or an animal pound',
      'ounce ounces oz kg kilogram kilograms kilo kilos gram grams lb lbs weight weigh weighs stone sterling gbp money currency exchange dollar dollars euro euros price cost pence dog dogs shelter animal',
    ),
  ],
  [
    'plot',
    term(
      'the story, a graph or a piece of land',
      'story novel film movie book play character characters twist graph chart axis axes matplotlib data figure scatter histogram land garden acre acres building cemetery vegetable',
    ),
  ],
  ['lead', term('the metal or to lead', 'metal poisoning pipe team')],
  ['bug', term('an insect or a software bug', 'code software insect')],
  ['kernel', term('an OS kernel, a corn kernel or a math kernel', 'linux os corn matrix')],
  ['cookie', term('a browser cookie or a biscuit', 'browser http bake recipe')],
  ['token', term('an auth token, a language-model token or a coin token', 'api auth jwt llm crypto')],
  ['model', term('a machine-learning model, a fashion model or a product model', 'machine learning fashion car train')],
  ['table', term('a furniture table or a data table', 'furniture sql database html dining')],
  ['bond', term('a financial bond, a chemical bond or James Bond', 'finance chemical james interest yield')],
  ['stock', term('a company stock, inventory stock or soup stock', 'market price share soup inventory')],
  ['date', term('a calendar date, a romantic date or the fruit', 'calendar fruit romantic format')],
  ['coach', term('a sports coach or a bus', 'team bus travel')],
  ['bowl', term('a dish or the sports bowl', 'super football soup')],
  ['saturn', term('the planet, the god or the car brand', 'planet rings car god')],
  ['mars', term('the planet, the god or the candy bar', 'planet rover god chocolate')],
  ['orange', term('the fruit, the colour or the company', 'fruit color colour juice telecom')],
  ['windows', term('the operating system or house windows', 'microsoft os house glass pc')],
  ['office', term('a workplace or Microsoft Office', 'microsoft word excel work space')],
  ['chicago', term('the city or the musical', 'city musical band illinois')],
  ['cardinal', term('the bird, the church official or the number', 'bird church number baseball')],
  ['mustang', term('the horse or the car', 'horse ford car')],
  ['puma', term('the animal or the brand', 'animal shoes brand')],
]);

/** Nouns naming kinds of works: "the novel X" settles which X. */
export const WORK_KINDS = set(`
novel book film movie song album single tv show series sitcom play musical opera game videogame
poem painting comic manga anime documentary soundtrack episode band author novelist director
`);

/** Male / female first names and person nouns, for pronoun-antecedent ambiguity. */
export const MALE_PERSONS = set(`
he him his man boy father dad son brother uncle nephew husband grandfather grandson king prince
father-in-law brother-in-law son-in-law mr sir gentleman boyfriend salesman
james john robert michael william david richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin
samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry
peter zachary douglas harold kyle noah ethan jeremy walter christian keith roger terry austin sean
gerald carl harry arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert
willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip louis tom
bob mike
`);

export const FEMALE_PERSONS = set(`
she her hers woman girl mother mom daughter sister aunt niece wife grandmother granddaughter queen
princess mother-in-law sister-in-law daughter-in-law mrs ms miss lady girlfriend saleswoman
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret
sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah stephanie rebecca
sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha
katherine christine debra rachel carolyn janet catherine maria heather diane ruth julie olivia
joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah
jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail alice judy
sophia grace denise amber doris marilyn danielle beverly isabella theresa diana natalie brittany
charlotte marie kayla alexis lori alice jane kate
`);

/** Person nouns that carry no gender: they can be antecedents of either. */
export const NEUTRAL_PERSONS = set(`
doctor nurse teacher student manager boss client customer employee colleague friend neighbor
neighbour lawyer driver officer worker developer designer engineer patient parent child kid cousin
partner salesperson chef waiter professor
`);

/** Pronouns that need an antecedent (unresolved_reference). */
export const PRONOUNS = set('it that this these those them they he she him her');
export const MALE_PRONOUNS = set('he him his himself');
export const FEMALE_PRONOUNS = set('she her hers herself');

/**
 * One lookup per token instead of one per word list: bit flags of every list a token is in,
 * computed once per request (RequestView.tokenFlags).
 */
export const STOPWORD_FLAG = 1;
export const FRAME_VERB_FLAG = 2;
export const PRONOUN_FLAG = 4;
export const MALE_PRONOUN_FLAG = 8;
export const FEMALE_PRONOUN_FLAG = 16;
export const MALE_PERSON_FLAG = 32;
export const FEMALE_PERSON_FLAG = 64;
export const NEUTRAL_PERSON_FLAG = 128;
export const PLACE_FLAG = 256;
export const PLACE_ADJECTIVE_FLAG = 512;
export const LANGUAGE_FLAG = 1024;
export const WORK_KIND_FLAG = 2048;
export const POLYSEMOUS_FLAG = 4096;

const FLAG_LISTS: ReadonlyArray<readonly [number, Iterable<string>]> = [
  [STOPWORD_FLAG, STOPWORDS],
  [FRAME_VERB_FLAG, FRAME_VERBS],
  [PRONOUN_FLAG, PRONOUNS],
  [MALE_PRONOUN_FLAG, MALE_PRONOUNS],
  [FEMALE_PRONOUN_FLAG, FEMALE_PRONOUNS],
  [MALE_PERSON_FLAG, MALE_PERSONS],
  [FEMALE_PERSON_FLAG, FEMALE_PERSONS],
  [NEUTRAL_PERSON_FLAG, NEUTRAL_PERSONS],
  [PLACE_FLAG, PLACES],
  [PLACE_ADJECTIVE_FLAG, PLACE_ADJECTIVES],
  [LANGUAGE_FLAG, LANGUAGES],
  [WORK_KIND_FLAG, WORK_KINDS],
  [POLYSEMOUS_FLAG, POLYSEMOUS.keys()],
];

const WORD_FLAGS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const [flag, words] of FLAG_LISTS) for (const w of words) m.set(w, (m.get(w) ?? 0) | flag);
  return m;
})();

/**
 * Bit flags of the word lists a token belongs to (0 for none), keyed by the token's FNV-1a hash
 * (int32 bits, as the scanner computes while tokenising), so the token is never hashed again. One open-addressing table of the listed words, confirmed by comparing characters. Every
 * request looks up each of its tokens here, at random slots: so a slot is 8 bytes in one array —
 * [hash, flags (bits 0-12) | word length << 13 (4 bits) | offset of the word in WORD_CHARS << 17
 * (13 bits) | OCCUPIED] — and the words' characters are packed in one small array, so a lookup
 * touches one or two cache lines of a 16 KiB table (cold caches: see docs/detection.md, Speed).
 */
const FLAG_TABLE_BITS = 11;
const FLAG_TABLE_SIZE = 1 << FLAG_TABLE_BITS;
const FLAG_SLOTS = new Int32Array(2 * FLAG_TABLE_SIZE);
const OCCUPIED = 1 << 30;
const FLAG_BITS = (1 << 13) - 1;
const WORD_CHARS: Uint16Array = (() => {
  let total = 0;
  for (const word of WORD_FLAGS.keys()) total += word.length;
  return new Uint16Array(total);
})();

function flagSlot(hash: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> (32 - FLAG_TABLE_BITS);
}

{
  let offset = 0;
  for (const [word, flags] of WORD_FLAGS) {
    const h = fnv(word);
    let s = flagSlot(h);
    while (((FLAG_SLOTS[2 * s + 1] ?? 0) & OCCUPIED) !== 0) s = (s + 1) & (FLAG_TABLE_SIZE - 1);
    if (flags > FLAG_BITS || word.length > 15 || offset + word.length > 1 << 13) throw new Error(`word-flag table cannot pack "${word}"`);
    FLAG_SLOTS[2 * s] = h;
    FLAG_SLOTS[2 * s + 1] = flags | (word.length << 13) | (offset << 17) | OCCUPIED;
    for (let i = 0; i < word.length; i++) WORD_CHARS[offset + i] = word.charCodeAt(i);
    offset += word.length;
  }
}

/** Not a word list: set on tokens with an ASCII digit (their lexical hash is a number shape). */
export const DIGIT_FLAG = 1 << 20;

/**
 * Word-list flags of the token text[start, end) lower-cased (ASCII letters only; ’ read as '),
 * without making the token string: the listed word is compared character by character.
 */
export function wordFlagsAt(text: string, start: number, end: number, hash: number): number {
  let s = flagSlot(hash);
  for (;;) {
    const value = FLAG_SLOTS[2 * s + 1] ?? 0;
    if (value === 0) return 0;
    if (FLAG_SLOTS[2 * s] === hash && ((value >>> 13) & 15) === end - start && sameLowered((value >>> 17) & FLAG_BITS, text, start, end))
      return value & FLAG_BITS;
    s = (s + 1) & (FLAG_TABLE_SIZE - 1);
  }
}

function sameLowered(offset: number, text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    let c = text.charCodeAt(k);
    if (c >= 65 && c <= 90) c |= 32;
    else if (c === 0x2019) c = 39;
    if (c !== WORD_CHARS[offset + k - start]) return false;
  }
  return true;
}
