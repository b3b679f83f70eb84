/**
 * A compact gazetteer: names of places, peoples, organisations, landmarks and named events that
 * anchor a factual question ("who is the president of france", "when was the eiffel tower
 * built"), matched case-insensitively on word tokens — people type them in lower case. General
 * world knowledge (countries, capitals and large cities, US states and other large regions,
 * nationalities, well-known organisations and landmarks), not fitted to any dataset.
 *
 * Built once at module load: one Map from a name's first word to its kind and the word sequences
 * of the multi-word names starting with it, so matching is one lookup per token (plus a short
 * comparison for multi-word names): linear in the number of tokens.
 *
 * Words that are common English words first ("nice", "reading", "chad", "turkey", "apple",
 * "amazon") are left out or listed only as multi-word names: a gazetteer that fires on ordinary
 * words would hide real gaps.
 */

/** What kind of name a match is. */
export const PLACE = 1;
export const PEOPLE = 2;
export const ORGANISATION = 4;
export const LANDMARK = 8;
export const EVENT = 16;

const COUNTRIES = `
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas
bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil
brunei bulgaria burundi cambodia cameroon canada chile china colombia comoros congo croatia cuba
cyprus czechia denmark djibouti dominica ecuador egypt eritrea estonia eswatini ethiopia fiji
finland france gabon gambia germany ghana greece grenada guatemala guyana haiti honduras
hungary iceland india indonesia iran iraq ireland israel italy jamaica japan kazakhstan kenya
kiribati kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania
jordan luxembourg madagascar malawi malaysia maldives mali malta mauritania mauritius mexico micronesia
moldova monaco mongolia montenegro morocco mozambique myanmar burma namibia nauru nepal netherlands
holland nicaragua niger nigeria norway oman pakistan palau palestine panama paraguay peru
philippines poland portugal qatar romania russia rwanda samoa senegal serbia seychelles singapore
slovakia slovenia somalia spain sudan suriname sweden switzerland syria taiwan tajikistan tanzania
thailand togo tonga tunisia turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu vatican
venezuela vietnam yemen zambia zimbabwe england scotland wales britain usa uk
america europe asia africa antarctica oceania scandinavia
`;

const MULTI_PLACES = `
u s|u s a|u k|united states|united kingdom|addis ababa|guinea-bissau|united arab emirates|new zealand|south africa|south korea|north korea|
south sudan|saudi arabia|sri lanka|costa rica|puerto rico|el salvador|dominican republic|
czech republic|ivory coast|sierra leone|papua new guinea|east timor|cape verde|san marino|
burkina faso|equatorial guinea|trinidad and tobago|north macedonia|bosnia and herzegovina|
great britain|northern ireland|hong kong|new york|new york city|los angeles|san francisco|
las vegas|san diego|san jose|san antonio|new orleans|salt lake city|kansas city|st louis|
saint petersburg|st petersburg|mexico city|rio de janeiro|sao paulo|buenos aires|tel aviv|
new delhi|kuala lumpur|cape town|abu dhabi|hong kong|ho chi minh city|washington dc|washington d c|new jersey|new mexico|new hampshire|north carolina|south carolina|north dakota|
south dakota|west virginia|rhode island|british columbia|nova scotia|new south wales|
latin america|south america|north america|central america|middle east|east asia|southeast asia|
western europe|eastern europe|the caribbean|sub-saharan africa|silicon valley
`;

const REGIONS = `
alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho
illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas
utah vermont washington georgia wisconsin wyoming ontario quebec alberta manitoba saskatchewan newfoundland yukon
bavaria catalonia andalusia tuscany sicily sardinia lombardy brittany normandy provence corsica
siberia tasmania queensland bengal punjab kerala kashmir tibet xinjiang hokkaido okinawa bali
sumatra borneo greenland patagonia sahara amazonia balkans crimea
`;

const CITIES = `
london paris berlin madrid rome tokyo beijing shanghai delhi mumbai moscow sydney melbourne
toronto vancouver montreal chicago boston seattle dallas houston atlanta miami denver austin
amsterdam brussels vienna zurich geneva dublin lisbon prague warsaw budapest stockholm oslo
copenhagen helsinki istanbul cairo dubai seoul bangkok jakarta manila nairobi lagos
athens barcelona milan naples venice florence munich hamburg frankfurt cologne lyon marseille
edinburgh glasgow manchester liverpool birmingham leeds bristol cardiff belfast krakow bucharest
sofia belgrade zagreb kyiv kiev minsk riga vilnius tallinn reykjavik ankara tehran baghdad
riyadh jeddah doha kabul karachi lahore islamabad dhaka kolkata chennai bangalore bengaluru
hyderabad kathmandu colombo hanoi taipei osaka kyoto hiroshima nagoya busan pyongyang
ulaanbaatar almaty tashkent baku tbilisi yerevan beirut damascus amman jerusalem mecca medina
casablanca marrakesh tunis algiers tripoli khartoum kampala kigali lusaka harare
johannesburg pretoria durban luanda kinshasa accra dakar abuja brisbane perth adelaide auckland
wellington ottawa calgary edmonton winnipeg quebec philadelphia phoenix detroit minneapolis
portland sacramento pittsburgh cleveland cincinnati baltimore nashville memphis orlando tampa
honolulu anchorage lima bogota caracas quito santiago montevideo havana kingston panama
guadalajara monterrey tijuana brasilia salvador shenzhen guangzhou hangzhou wuhan chengdu
chongqing tianjin nanjing xian macau singapore canberra luxembourg monaco
`;

const PEOPLES = `
american british english french german spanish italian canadian australian mexican brazilian
chinese japanese korean indian russian irish scottish welsh dutch swiss swedish norwegian danish
finnish polish greek turkish israeli egyptian nigerian kenyan european african asian arab arabic
austrian belgian portuguese czech hungarian romanian bulgarian serbian croatian ukrainian
argentine argentinian chilean colombian peruvian venezuelan cuban jamaican haitian pakistani
afghan iranian iraqi syrian lebanese saudi jordanian moroccan algerian tunisian libyan ethiopian
somali sudanese ghanaian senegalese south-african zimbabwean vietnamese thai indonesian
malaysian filipino singaporean taiwanese mongolian nepali tibetan icelandic estonian latvian
lithuanian slovak slovenian bosnian albanian macedonian georgian armenian kazakh uzbek
palestinian kurdish persian ottoman roman byzantine soviet victorian texan californian
`;

const ORGANISATIONS = `
nato unesco unicef opec imf fifa uefa nasa esa fbi cia nsa mi6 kgb nba nfl mlb nhl wnba
ncaa ioc wto interpol europol ecb ofcom fda cdc epa irs fcc ftc nhs bbc cnn nbc
cbs pbs npr espn hbo netflix disney pixar marvel google microsoft facebook youtube
twitter instagram tiktok tesla spacex toyota honda volkswagen bmw ferrari samsung sony nintendo
intel nvidia ibm oracle walmart ikea nike adidas mcdonald's starbucks coca-cola pepsi boeing
airbus harvard stanford oxford cambridge yale princeton mit caltech berkeley
`;

const MULTI_ORGANISATIONS = `
united nations|european union|world health organization|world bank|red cross|
supreme court of the united states|federal reserve|bank of england|european central bank|
world trade organization|international monetary fund|premier league|la liga|bundesliga|
serie a|champions league|formula one|formula 1|the beatles|rolling stones|the rolling stones|
new york times|washington post|wall street journal|the guardian|apple inc|amazon.com|
amazon web services|general motors|goldman sachs|jp morgan
`;

const LANDMARKS = `
eiffel tower|big ben|statue of liberty|taj mahal|great wall|great wall of china|
golden gate bridge|brooklyn bridge|tower bridge|london bridge|mount everest|everest|
kilimanjaro|mount kilimanjaro|mont blanc|mount fuji|k2|grand canyon|niagara falls|
victoria falls|sistine chapel|colosseum|stonehenge|machu picchu|petra|acropolis|parthenon|
pyramids of giza|great pyramid|great pyramid of giza|sphinx|louvre|the louvre|kremlin|
red square|white house|buckingham palace|burj khalifa|empire state building|
sydney opera house|notre-dame|notre dame|sagrada familia|leaning tower of pisa|
tower of london|mount rushmore|hoover dam|panama canal|suez canal|berlin wall|
christ the redeemer|angkor wat|chichen itza|easter island|alcatraz|central park|
times square|wall street|hollywood|broadway|vatican city|mona lisa|
amazon river|nile|the nile|mississippi river|danube|rhine|thames|seine|yangtze|ganges|
great barrier reef|dead sea|red sea|mediterranean|pacific ocean|atlantic ocean|
indian ocean|arctic ocean|lake victoria|lake superior|sahara desert|gobi desert|alps|
the alps|himalayas|the himalayas|andes|the andes|rocky mountains|appalachian mountains|
planet mercury|planet venus|planet earth|planet mars|planet jupiter|planet saturn|planet uranus|
planet neptune|jupiter|uranus|neptune|pluto|milky way|andromeda galaxy|halley's comet|
world trade center|pentagon|the pentagon|international space station|hubble space telescope
`;

const EVENTS = `
world war i|world war ii|world war 1|world war 2|world war one|world war two|first world war|
second world war|ww1|ww2|wwii|wwi|cold war|vietnam war|korean war|gulf war|iraq war|
hundred years war|thirty years war|napoleonic wars|french revolution|american revolution|
russian revolution|industrial revolution|cuban missile crisis|great depression|black death|
holocaust|renaissance|reformation|moon landing|apollo 11|apollo 13|fall of the berlin wall|
battle of hastings|battle of waterloo|battle of gettysburg|d-day|pearl harbor|
treaty of versailles|magna carta|declaration of independence|boston tea party|
watergate|chernobyl|fukushima|titanic|hindenburg|brexit|september 11
`;

interface Entry {
  /** Kind bits when the word is a name on its own (0: only the first word of longer names). */
  single: number;
  /** Multi-word names starting with this word: the remaining words, and their kind. */
  readonly longer: Array<{ readonly rest: readonly string[]; readonly kind: number }>;
}

const WORD_SPLIT = /\s+/;
const ENTRIES = new Map<string, Entry>();

function entry(word: string): Entry {
  let e = ENTRIES.get(word);
  if (e === undefined) {
    e = { single: 0, longer: [] };
    ENTRIES.set(word, e);
  }
  return e;
}

function addWords(list: string, kind: number): void {
  for (const w of list.split(WORD_SPLIT)) if (w.length > 0) entry(w).single |= kind;
}

function addNames(list: string, kind: number): void {
  for (const name of list.split('|')) {
    const words = name.trim().split(WORD_SPLIT);
    if (words.length === 0 || words[0] === '') continue;
    if (words.length === 1) entry(words[0] as string).single |= kind;
    else {
      // "the louvre": the article is optional in the text, so the name is keyed by its next word.
      const start = words[0] === 'the' ? 1 : 0;
      const first = words[start] as string;
      const rest = words.slice(start + 1);
      if (rest.length === 0) entry(first).single |= kind;
      else entry(first).longer.push({ rest, kind });
    }
  }
}

addWords(COUNTRIES, PLACE);
addWords(REGIONS, PLACE);
addWords(CITIES, PLACE);
addWords(PEOPLES, PEOPLE);
addWords(ORGANISATIONS, ORGANISATION);
addNames(MULTI_PLACES, PLACE);
addNames(MULTI_ORGANISATIONS, ORGANISATION);
addNames(LANDMARKS, LANDMARK);
addNames(EVENTS, EVENT);
// Longest names first, so "great wall of china" wins over "great wall".
for (const e of ENTRIES.values()) e.longer.sort((a, b) => b.rest.length - a.rest.length);

/** How many distinct words the gazetteer knows as the first word of a name (for tests). */
export const GAZETTEER_SIZE = ENTRIES.size;

export interface NameMatch {
  /** Token index of the name's first word. */
  readonly start: number;
  /** Token index after the name's last word. */
  readonly end: number;
  readonly kind: number;
}

/**
 * The first name at or after token `from` (tokens lower-cased, as RequestView.tokens), or null.
 * One Map lookup per token; a multi-word name compares its few remaining words.
 */
export function findName(tokens: readonly string[], from = 0): NameMatch | null {
  for (let i = from; i < tokens.length; i++) {
    const e = ENTRIES.get(tokens[i] as string);
    if (e === undefined) continue;
    for (const { rest, kind } of e.longer) {
      let k = 0;
      while (k < rest.length && tokens[i + 1 + k] === rest[k]) k++;
      if (k === rest.length) return { start: i, end: i + 1 + k, kind };
    }
    if (e.single !== 0) return { start: i, end: i + 1, kind: e.single };
  }
  return null;
}

/** Kind bits of every name in the tokens (0: none). */
export function nameKinds(tokens: readonly string[]): number {
  let kinds = 0;
  for (let m = findName(tokens); m !== null; m = findName(tokens, m.end)) kinds |= m.kind;
  return kinds;
}
