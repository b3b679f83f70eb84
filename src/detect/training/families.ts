/**
 * Template families: minimal pairs written by us (not taken from any dataset), one family per
 * way of phrasing one gap Clarion names. Each pair is the same request with and without the
 * missing piece — material attached or not, a tool parameter stated or not, a place / time /
 * work stated or not, a recipient, the items to compare, the target language, an antecedent in
 * an earlier turn, a clarifying question answered or not — in app-shaped conversations (system
 * prompts, history, attachments, tools). Every gap has at least two families with different
 * wording and domains, so leave-one-family-out evaluation measures whether what the detector
 * learned from one phrasing carries to another. Plus conversational turns (greetings, thanks,
 * acknowledgements), which are clear.
 *
 * Generation is deterministic (seeded picks), and nothing here is read at serving time.
 */
import type { Conversation, Part, ToolDefinition, Turn } from '../../conversation.js';
import { fnv1a } from '../text.js';
import { prng } from './random.js';

export interface Pair {
  readonly under: Conversation;
  readonly clear: Conversation;
}

export interface Family {
  /** Source name in the evaluation tables (`tmpl:<gap>-<variant>`). */
  readonly name: string;
  /** The gap the family's underspecified members have. */
  readonly gap: string;
  readonly pairs: () => Pair[];
}

type TurnSpec = readonly [Turn['role'], string | Part[]];

export function conv(turns: readonly TurnSpec[], opts: { system?: string; tools?: ToolDefinition[] } = {}): Conversation {
  return {
    protocol: 'openai-chat',
    model: 'template',
    system: opts.system ?? '',
    turns: turns.map(([role, content]) => ({ role, parts: typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content })),
    tools: opts.tools ?? [],
    stream: false,
  };
}

const SYSTEMS = [
  '',
  'You are a helpful assistant.',
  'You are Ava, the assistant inside the Nimbus workspace app. Be concise and friendly.',
  'You are a support assistant for a software company. Answer in a professional tone.',
  'You are a writing assistant. Keep answers short unless asked otherwise.',
  '',
];

/** Deterministic picks for one family. */
function picker(seed: string): { pick: <T>(items: readonly T[]) => T; system: () => string } {
  const rand = prng(fnv1a(seed));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  return { pick, system: () => pick(SYSTEMS) };
}

function cross<A, B>(as: readonly A[], bs: readonly B[]): Array<[A, B]> {
  const out: Array<[A, B]> = [];
  for (const a of as) for (const b of bs) out.push([a, b]);
  return out;
}

/** Both members in the same app context (same system prompt, same unrelated short history). */
function single(system: string, under: string, clear: string, tools: ToolDefinition[] = []): Pair {
  return { under: conv([['user', under]], { system, tools }), clear: conv([['user', clear]], { system, tools }) };
}

const REPORT =
  'Q3 revenue grew 12% to $4.1M, driven by the enterprise tier (+31%). Churn rose from 2.1% to 2.8%, mostly small teams on the monthly plan. Support tickets fell 9% after the onboarding redesign. Hiring is behind plan: 3 of 7 engineering roles filled. Cash runway is 19 months at the current burn.';
const ESSAY =
  'Social media has changed how teenagers form friendships. While it lets them keep in touch across distances, it also encourages constant comparison. In my opinion, schools should teach students how to use these platforms in a healthy way, rather than banning phones entirely, because bans only move the problem outside the classroom.';
const CODE = 'def average(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total / len(xs)\n';
const EMAIL =
  'Hi team, the vendor confirmed the delivery slips to the 14th because of a customs hold. We need to decide by Friday whether to pay for air freight (about $2,300 extra) or accept the delay and move the launch by a week. Thoughts? — Priya';

// ---------------------------------------------------------------------------------------------
// material: the request works on material that is attached (file, image, pasted text) or not.

const materialA: Family = {
  name: 'tmpl:material-a',
  gap: 'material',
  pairs: () => {
    const { system } = picker('material-a');
    const asks: Array<[string, string, Part[]]> = [
      ['Summarize the attached report in three bullet points.', 'report', [{ type: 'file', name: 'q3-report.pdf' }]],
      ['Can you pull the key numbers out of the attached PDF?', 'pdf', [{ type: 'file', name: 'board-pack.pdf' }]],
      ["What's wrong with the chart in this screenshot?", 'screenshot', [{ type: 'image' }]],
      ['Transcribe the recording I uploaded.', 'recording', [{ type: 'audio' }]],
      ['Please extract the invoice total and due date from this scan.', 'scan', [{ type: 'image' }]],
      ['Turn the attached spreadsheet into a short status update for my manager.', 'spreadsheet', [{ type: 'file', name: 'status.xlsx' }]],
      ['Describe what is shown in the photo.', 'photo', [{ type: 'image' }]],
      ['Check the contract I attached for any auto-renewal clause.', 'contract', [{ type: 'file', name: 'msa.docx' }]],
      ['Review the attached slides and suggest a better title for each.', 'slides', [{ type: 'file', name: 'deck.pptx' }]],
      ['Translate the attached menu into English.', 'menu', [{ type: 'image' }]],
      ['Give me the main takeaways from the document I uploaded.', 'document', [{ type: 'file', name: 'notes.md' }]],
      ['Grade this homework sheet and explain the mistakes.', 'sheet', [{ type: 'image' }]],
    ];
    return asks.map(([text, , parts]) => {
      const s = system();
      return { under: conv([['user', text]], { system: s }), clear: conv([['user', [{ type: 'text', text }, ...parts]]], { system: s }) };
    });
  },
};

const materialB: Family = {
  name: 'tmpl:material-b',
  gap: 'material',
  pairs: () => {
    const { system } = picker('material-b');
    const asks: Array<[string, string]> = [
      ['Proofread my essay and fix any grammar mistakes.', ESSAY],
      ['Can you tighten up this paragraph?', ESSAY],
      ['Why does my function crash on an empty list?', CODE],
      ['Refactor my code so it is more idiomatic.', CODE],
      ['Write a polite reply to this email.', EMAIL],
      ['Summarise the email below in one sentence.', EMAIL],
      ['Pull out the action items from these notes.', REPORT],
      ['What are the three biggest risks in this update?', REPORT],
      ['Make my paragraph sound more formal.', ESSAY],
      ['Add type hints to my function.', CODE],
      ['Rewrite the message so it sounds less blunt.', EMAIL],
      ['Turn these notes into a two-line summary for the CEO.', REPORT],
    ];
    return asks.map(([text, material], i) => {
      const s = system();
      const clearText = i % 3 === 0 ? `${text}\n\n${material}` : i % 3 === 1 ? `${text}\n"""\n${material}\n"""` : `${text}\n\n\`\`\`\n${material}\n\`\`\``;
      return single(s, text, clearText);
    });
  },
};

// ---------------------------------------------------------------------------------------------
// tools: the request maps to a tool and one of its required parameters is stated or not.

function fn(name: string, description: string, properties: Record<string, unknown>, required: string[]): ToolDefinition {
  return { name, description, parameters: { type: 'object', properties, required } };
}

const WEATHER = fn(
  'get_weather',
  'Get the current weather or forecast for a city.',
  { city: { type: 'string', description: 'City name, e.g. Paris' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' } },
  ['city'],
);
const FLIGHTS = fn(
  'search_flights',
  'Search for flights between two airports on a given date.',
  {
    origin: { type: 'string', description: 'Departure city or IATA code' },
    destination: { type: 'string', description: 'Arrival city or IATA code' },
    date: { type: 'string', format: 'date', description: 'Departure date, YYYY-MM-DD' },
    passengers: { type: 'integer', default: 1 },
  },
  ['origin', 'destination', 'date'],
);
const RESTAURANTS = fn(
  'find_restaurants',
  'Find restaurants near a location.',
  { location: { type: 'string', description: 'Neighbourhood or city' }, cuisine: { type: 'string' }, price_level: { type: 'integer', enum: [1, 2, 3, 4] } },
  ['location'],
);
const HOTELS = fn(
  'book_hotel',
  'Reserve a hotel room.',
  {
    city: { type: 'string' },
    check_in: { type: 'string', format: 'date' },
    nights: { type: 'integer', minimum: 1 },
    guests: { type: 'integer', default: 2 },
  },
  ['city', 'check_in', 'nights'],
);
const EMAIL_TOOL = fn(
  'send_email',
  'Send an email on behalf of the user.',
  { to: { type: 'string', format: 'email', description: 'Recipient email address' }, subject: { type: 'string' }, body: { type: 'string' } },
  ['to', 'subject', 'body'],
);
const EVENT_TOOL = fn(
  'create_calendar_event',
  'Create an event in the user calendar.',
  {
    title: { type: 'string' },
    date: { type: 'string', description: 'Date of the event (YYYY-MM-DD)' },
    start_time: { type: 'string', description: 'Start time, HH:MM 24h' },
    duration_minutes: { type: 'integer', default: 30 },
  },
  ['title', 'date', 'start_time'],
);
const REMINDER_TOOL = fn(
  'set_reminder',
  'Set a reminder that notifies the user at a given time.',
  { text: { type: 'string', description: 'What to remind about' }, time: { type: 'string', format: 'date-time', description: 'When to remind' } },
  ['text', 'time'],
);
const CURRENCY_TOOL = fn(
  'convert_currency',
  'Convert an amount of money from one currency to another.',
  {
    amount: { type: 'number' },
    from_currency: { type: 'string', description: 'ISO code, e.g. USD' },
    to_currency: { type: 'string', enum: ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD'] },
  },
  ['amount', 'from_currency', 'to_currency'],
);
const TRANSLATE_TOOL = fn(
  'translate_text',
  'Translate text into another language.',
  { text: { type: 'string' }, target_language: { type: 'string', description: 'Language to translate into, e.g. German' } },
  ['text', 'target_language'],
);
const ORDER_TOOL = fn(
  'get_order_status',
  'Look up the shipping status of an order.',
  { order_id: { type: 'string', description: 'The order number, e.g. A-10293' } },
  ['order_id'],
);
const TRANSFER_TOOL = fn(
  'transfer_money',
  'Transfer money to a saved payee.',
  { payee: { type: 'string', description: 'Name of the saved payee' }, amount: { type: 'number', description: 'Amount in EUR' } },
  ['payee', 'amount'],
);
const STOCK_TOOL = fn(
  'get_stock_price',
  'Get the latest price of a stock by ticker symbol.',
  { symbol: { type: 'string', description: 'Ticker, e.g. AAPL' } },
  ['symbol'],
);

interface ToolAsk {
  readonly tools: ToolDefinition[];
  readonly under: string;
  readonly clear: string;
}

function toolPairs(seed: string, asks: readonly ToolAsk[], extraTools: () => ToolDefinition[] = () => []): Pair[] {
  const { system } = picker(seed);
  return asks.map((a) => single(system(), a.under, a.clear, [...a.tools, ...extraTools()]));
}

const toolA: Family = {
  name: 'tmpl:tool-a',
  gap: 'tool',
  pairs: () =>
    toolPairs('tool-a', [
      { tools: [WEATHER], under: "What's the weather going to be like tomorrow?", clear: "What's the weather going to be like tomorrow in Lisbon?" },
      { tools: [WEATHER], under: 'Do I need an umbrella today?', clear: 'Do I need an umbrella in Seattle today?' },
      { tools: [WEATHER, RESTAURANTS], under: 'Find me a good sushi place nearby.', clear: 'Find me a good sushi place in Shibuya.' },
      { tools: [RESTAURANTS], under: 'Any cheap Italian restaurants around?', clear: 'Any cheap Italian restaurants around Kreuzberg?' },
      { tools: [FLIGHTS], under: 'Find flights from Boston to Denver.', clear: 'Find flights from Boston to Denver on March 3rd.' },
      { tools: [FLIGHTS], under: 'Search flights to Rome on 2025-06-12.', clear: 'Search flights from Madrid to Rome on 2025-06-12.' },
      { tools: [FLIGHTS], under: 'I need a flight from Chicago next Friday.', clear: 'I need a flight from Chicago to Austin next Friday.' },
      { tools: [HOTELS], under: 'Book a hotel in Vienna for three nights.', clear: 'Book a hotel in Vienna for three nights from May 4.' },
      { tools: [HOTELS], under: 'Reserve a room from July 9 for two nights.', clear: 'Reserve a room in Porto from July 9 for two nights.' },
      { tools: [HOTELS, WEATHER], under: 'Get me a hotel in Oslo starting tomorrow.', clear: 'Get me a hotel in Oslo starting tomorrow for 4 nights.' },
      { tools: [STOCK_TOOL], under: "What's the stock trading at right now?", clear: "What's AAPL trading at right now?" },
      { tools: [ORDER_TOOL], under: "Where's my order?", clear: "Where's my order A-55120?" },
      { tools: [ORDER_TOOL], under: 'Has my package shipped yet?', clear: 'Has order B-20931 shipped yet?' },
      { tools: [WEATHER], under: 'Will it be warm enough for shorts this weekend?', clear: 'Will it be warm enough for shorts in Barcelona this weekend?' },
    ]),
};

const toolB: Family = {
  name: 'tmpl:tool-b',
  gap: 'tool',
  pairs: () =>
    toolPairs('tool-b', [
      { tools: [EMAIL_TOOL], under: 'Email the team that the demo moved to 3pm.', clear: 'Email team@acme.io that the demo moved to 3pm.' },
      {
        tools: [EMAIL_TOOL],
        under: 'Send an email saying I will be late to the standup.',
        clear: 'Send an email to lena@example.com saying I will be late to the standup.',
      },
      { tools: [EVENT_TOOL], under: 'Put a dentist appointment in my calendar.', clear: 'Put a dentist appointment in my calendar on 2025-04-02 at 09:30.' },
      { tools: [EVENT_TOOL], under: 'Add lunch with Marco on Thursday.', clear: 'Add lunch with Marco on Thursday at 12:30.' },
      { tools: [EVENT_TOOL], under: 'Schedule a 1:1 with Dana at 4pm.', clear: 'Schedule a 1:1 with Dana tomorrow at 4pm.' },
      { tools: [REMINDER_TOOL], under: 'Remind me to call the plumber.', clear: 'Remind me to call the plumber tomorrow at 8am.' },
      { tools: [REMINDER_TOOL], under: 'Set a reminder for tonight at 9.', clear: 'Set a reminder for tonight at 9 to take out the recycling.' },
      { tools: [CURRENCY_TOOL], under: 'How much is 250 dollars?', clear: 'How much is 250 dollars in euros?' },
      { tools: [CURRENCY_TOOL], under: 'Convert to yen please.', clear: 'Convert 80 GBP to JPY please.' },
      { tools: [CURRENCY_TOOL], under: 'Convert 1200 Swiss francs.', clear: 'Convert 1200 Swiss francs to USD.' },
      { tools: [TRANSLATE_TOOL], under: 'Translate "see you at the station" for me.', clear: 'Translate "see you at the station" into Dutch for me.' },
      { tools: [TRANSFER_TOOL], under: 'Send 40 euros.', clear: 'Send 40 euros to Tomás.' },
      { tools: [TRANSFER_TOOL], under: 'Pay my landlord.', clear: 'Pay my landlord 950.' },
      { tools: [EMAIL_TOOL, EVENT_TOOL], under: 'Let Jordan know the report is ready.', clear: 'Let jordan@acme.io know the report is ready.' },
    ]),
};

/** Distractor tools: requests in the wild come with dozens of tools. */
const DISTRACTOR_NAMES = [
  'list_invoices',
  'get_customer',
  'update_ticket',
  'close_ticket',
  'search_knowledge_base',
  'create_invoice',
  'refund_payment',
  'list_products',
  'get_product',
  'update_inventory',
  'get_user_profile',
  'reset_password',
  'list_repositories',
  'create_issue',
  'merge_pull_request',
  'run_sql_query',
  'export_report',
  'list_employees',
  'approve_expense',
  'get_exchange_rates',
  'list_channels',
  'post_message',
  'archive_channel',
  'get_shipment',
  'cancel_subscription',
  'list_coupons',
  'apply_coupon',
  'get_analytics',
  'create_dashboard',
  'list_alerts',
  'acknowledge_alert',
  'get_metrics',
  'scale_deployment',
  'restart_service',
  'list_pods',
  'get_logs',
  'create_backup',
  'restore_backup',
  'list_contacts',
  'add_contact',
  'delete_contact',
  'list_tasks',
  'complete_task',
  'assign_task',
  'upload_file',
  'share_file',
  'list_folders',
  'get_quota',
  'list_playlists',
  'play_song',
];

function distractors(): ToolDefinition[] {
  return DISTRACTOR_NAMES.map((name) => ({
    name,
    description: `${name.replace(/_/g, ' ')} in the connected workspace.`,
    parameters: { type: 'object', properties: { id: { type: 'string' }, limit: { type: 'integer', default: 20 } }, required: [] },
  }));
}

// Messy schemas: nested objects, anyOf, nullable type arrays, numeric enums, refs by description only.
const MESSY_BOOKING: ToolDefinition = {
  name: 'createReservation',
  description: 'Create a table reservation at a partner restaurant.',
  parameters: {
    type: 'object',
    properties: {
      reservation: {
        type: 'object',
        properties: {
          restaurant: { type: 'string', description: 'Restaurant name' },
          partySize: { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7, 8] },
          when: { type: 'string', description: 'ISO 8601 date-time of the booking' },
        },
        required: ['restaurant', 'partySize', 'when'],
      },
      notes: { type: ['string', 'null'] },
    },
    required: ['reservation'],
  },
};
const MESSY_SHIP: ToolDefinition = {
  name: 'ship_parcel',
  description: 'Create a shipping label for a parcel.',
  parameters: {
    type: 'object',
    properties: {
      destination: {
        anyOf: [
          { type: 'string', description: 'Full postal address' },
          { type: 'object', properties: { postcode: { type: 'string' }, country: { type: 'string' } } },
        ],
      },
      weight_kg: { type: ['number', 'string'], description: 'Weight in kilograms' },
      service: { type: 'string', enum: ['standard', 'express'], default: 'standard' },
    },
    required: ['destination', 'weight_kg'],
  },
};
const MESSY_THERMO: ToolDefinition = {
  name: 'setThermostat',
  description: 'Set the target temperature of a room thermostat.',
  parameters: {
    type: 'object',
    properties: { room: { type: 'string', enum: ['living room', 'bedroom', 'office', 'kitchen'] }, celsius: { type: 'number', minimum: 5, maximum: 30 } },
    required: ['room', 'celsius'],
  },
};
const MESSY_PLAYLIST: ToolDefinition = {
  name: 'music.queue_tracks',
  description: 'Queue tracks by an artist on the user speaker.',
  parameters: {
    type: 'object',
    properties: { artist: { type: 'string' }, count: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null }, speaker: { type: 'string' } },
    required: ['artist'],
  },
};
const MESSY_MEETING: ToolDefinition = {
  name: 'schedule_meeting',
  description: 'Schedule a video meeting and invite attendees.',
  parameters: {
    type: 'object',
    properties: {
      attendees: { type: 'array', items: { type: 'string', format: 'email' }, minItems: 1 },
      slot: {
        type: 'object',
        properties: { day: { type: 'string', format: 'date' }, hour: { type: 'integer', enum: [9, 10, 11, 13, 14, 15, 16] } },
        required: ['day'],
      },
      topic: { type: ['string', 'null'] },
    },
    required: ['attendees', 'slot'],
  },
};

const toolC: Family = {
  name: 'tmpl:tool-c',
  gap: 'tool',
  pairs: () =>
    toolPairs(
      'tool-c',
      [
        { tools: [MESSY_BOOKING], under: 'Reserve a table at Nopa for four.', clear: 'Reserve a table at Nopa for four on Saturday at 8pm.' },
        { tools: [MESSY_BOOKING], under: 'Make a reservation for two tomorrow at 7pm.', clear: 'Make a reservation at Chez Lou for two tomorrow at 7pm.' },
        { tools: [MESSY_SHIP], under: 'Ship a 2 kg parcel by express.', clear: 'Ship a 2 kg parcel by express to 10 Rue Oberkampf, 75011 Paris.' },
        { tools: [MESSY_SHIP], under: 'Create a label for my parcel to Berlin.', clear: 'Create a label for my 3 kg parcel to Berlin.' },
        { tools: [MESSY_THERMO], under: 'Set the thermostat to 21 degrees.', clear: 'Set the bedroom thermostat to 21 degrees.' },
        { tools: [MESSY_THERMO], under: 'Make the office warmer.', clear: 'Set the office to 23 degrees.' },
        { tools: [MESSY_PLAYLIST], under: 'Queue some tracks on the kitchen speaker.', clear: 'Queue some Nina Simone tracks on the kitchen speaker.' },
        {
          tools: [MESSY_MEETING],
          under: 'Schedule a meeting on 2025-09-18 at 10 about the roadmap.',
          clear: 'Schedule a meeting with ana@corp.com on 2025-09-18 at 10 about the roadmap.',
        },
        { tools: [MESSY_MEETING], under: 'Set up a call with kim@corp.com about hiring.', clear: 'Set up a call with kim@corp.com on Monday about hiring.' },
        { tools: [STOCK_TOOL, ORDER_TOOL], under: 'Check the share price for me.', clear: 'Check the share price of NVDA for me.' },
        { tools: [WEATHER, FLIGHTS], under: 'Is it raining?', clear: 'Is it raining in Dublin?' },
        { tools: [CURRENCY_TOOL], under: 'What would 500 be in Canadian dollars?', clear: 'What would 500 euros be in Canadian dollars?' },
      ],
      distractors,
    ),
};

// ---------------------------------------------------------------------------------------------
// place / time / work (edition) anchors for short factual questions.

const anchorPlace: Family = {
  name: 'tmpl:anchor-place',
  gap: 'anchor',
  pairs: () => {
    const { system, pick } = picker('anchor-place');
    const places = ['Brazil', 'Canada', 'Kenya', 'Japan', 'the UK', 'Germany', 'Ohio', 'Ontario', 'Norway', 'Chile'];
    const asks: Array<[string, (p: string) => string]> = [
      ['Who is the current president?', (p) => `Who is the current president of ${p}?`],
      ['Who is the head of state right now?', (p) => `Who is the head of state of ${p} right now?`],
      ['What is the minimum wage?', (p) => `What is the minimum wage in ${p}?`],
      ['What is the population?', (p) => `What is the population of ${p}?`],
      ['How high is the sales tax?', (p) => `How high is the sales tax in ${p}?`],
      ["What's the speed limit on highways?", (p) => `What's the speed limit on highways in ${p}?`],
      ['What number do I call for an ambulance?', (p) => `What number do I call for an ambulance in ${p}?`],
      ['When are the next elections?', (p) => `When are the next elections in ${p}?`],
      ['What is the legal drinking age?', (p) => `What is the legal drinking age in ${p}?`],
      ['Who is the mayor?', (p) => `Who is the mayor of ${p === 'the UK' ? 'London' : p === 'Ohio' ? 'Columbus' : 'the capital'}?`],
      ['Which side of the road do people drive on?', (p) => `Which side of the road do people drive on in ${p}?`],
      ['What currency do they use?', (p) => `What currency do they use in ${p}?`],
      ['How much is the average rent?', (p) => `How much is the average rent in ${p}?`],
      ['What time is it there now?', (p) => `What time is it in ${p} now?`],
    ];
    return asks.map(([u, c]) => single(system(), u, c(pick(places))));
  },
};

const anchorTime: Family = {
  name: 'tmpl:anchor-time',
  gap: 'anchor',
  pairs: () => {
    const { system } = picker('anchor-time');
    const asks: Array<[string, string]> = [
      ['When does the season start?', 'When does the 2025 NFL season start?'],
      ['Who won the final?', 'Who won the 2018 World Cup final?'],
      ['Who won the championship?', 'Who won the 2023 NBA championship?'],
      ['Who took home best picture?', 'Who took home best picture at the 2020 Oscars?'],
      ['Where are the Olympics held?', 'Where are the 2032 Summer Olympics held?'],
      ['When is the deadline for filing taxes?', 'When is the deadline for filing 2024 US federal taxes?'],
      ['Who hosted the ceremony?', 'Who hosted the 2019 Golden Globes ceremony?'],
      ['What was the final score?', 'What was the final score of Super Bowl LVII?'],
      ['Who was the top scorer?', 'Who was the top scorer of the 2022 World Cup?'],
      ['Which team won the league?', 'Which team won the Premier League in 2016?'],
      ['When is the conference this year?', 'When is PyCon US this year?'],
      ['Who won the election?', 'Who won the 2020 US presidential election?'],
      ['Who won the Tour?', 'Who won the 2021 Tour de France?'],
      ['What were the results of the race?', 'What were the results of the 2023 Monaco Grand Prix?'],
    ];
    return asks.map(([u, c]) => single(system(), u, c));
  },
};

const anchorWork: Family = {
  name: 'tmpl:anchor-work',
  gap: 'anchor',
  pairs: () => {
    const { system } = picker('anchor-work');
    const asks: Array<[string, string]> = [
      ['Who wrote the sequel?', 'Who wrote the sequel to The Hobbit?'],
      ['How many episodes are in season 3?', 'How many episodes are in season 3 of Breaking Bad?'],
      ['Who plays the main character?', 'Who plays the main character in The Queen’s Gambit?'],
      ["What's new in the latest version?", "What's new in the latest version of PostgreSQL?"],
      ['When did the second edition come out?', 'When did the second edition of Clean Code come out?'],
      ['Who directed the remake?', 'Who directed the 2019 remake of The Lion King?'],
      ['How does the book end?', 'How does the book Of Mice and Men end?'],
      ['What year was the album released?', 'What year was the album Rumours released?'],
      ['Who composed the soundtrack?', 'Who composed the soundtrack for Interstellar?'],
      ['What is chapter 4 about?', 'What is chapter 4 of Animal Farm about?'],
      ['Which version added pattern matching?', 'Which version of Python added pattern matching?'],
      ['Who is the author?', 'Who is the author of Sapiens?'],
      ['How long is the movie?', 'How long is the movie Oppenheimer?'],
      ['When is the next book coming out?', 'When is the next Stormlight Archive book coming out?'],
    ];
    return asks.map(([u, c]) => single(system(), u, c));
  },
};

// ---------------------------------------------------------------------------------------------
// recipient, items to compare, target language.

const recipientA: Family = {
  name: 'tmpl:recipient-a',
  gap: 'recipient',
  pairs: () => {
    const { system, pick } = picker('recipient-a');
    const to = ['my manager', 'the landlord', 'my professor', 'the client', 'HR', 'my team', 'our accountant', 'the school'];
    const what = [
      'saying I will be late',
      'asking for an extension on the deadline',
      'explaining that the invoice was paid twice',
      'saying I will be out sick today',
      'confirming the meeting on Tuesday',
      'asking to reschedule our call',
      'apologising for the delayed shipment',
      'requesting a copy of my contract',
    ];
    const frames = ['Write an email {to}{what}.', 'Draft a short email {to}{what}.', 'Compose an email {to}{what}.', 'Can you write an email {to}{what}?'];
    return cross(frames, what).map(([f, w]) =>
      single(system(), f.replace('{to}', '').replace('{what}', w), f.replace('{to}', `to ${pick(to)} `).replace('{what}', w)),
    );
  },
};

const recipientB: Family = {
  name: 'tmpl:recipient-b',
  gap: 'recipient',
  pairs: () => {
    const { system } = picker('recipient-b');
    const asks: Array<[string, string]> = [
      ["Text that I'm running ten minutes late.", "Text Sarah that I'm running ten minutes late."],
      ['Send a message that the meeting moved to Thursday.', 'Send a message to the design team that the meeting moved to Thursday.'],
      ['Write a thank-you note for the lovely dinner.', 'Write a thank-you note to my in-laws for the lovely dinner.'],
      ['Draft a letter of complaint about the noise.', 'Draft a letter of complaint to the building manager about the noise.'],
      ['Forward the invoice.', 'Forward the invoice to accounts@northwind.com.'],
      ['Write a quick Slack message saying the build is green.', 'Write a quick Slack message to Priya saying the build is green.'],
      ['Send a reminder that rent is due Friday.', 'Send a reminder to my roommates that rent is due Friday.'],
      ['Write a cover note to go with my application.', 'Write a cover note to the hiring manager at Figma to go with my application.'],
      ['Message that dinner is at seven.', 'Message Dad that dinner is at seven.'],
      ['Write a formal letter requesting a refund.', 'Write a formal letter to Iberia requesting a refund.'],
      ['Draft an invitation to my birthday party on Saturday.', 'Draft an invitation to my coworkers for my birthday party on Saturday.'],
      ['Send a follow-up about the proposal.', 'Send a follow-up to Mr. Okafor about the proposal.'],
    ];
    return asks.map(([u, c]) => single(system(), u, c));
  },
};

const compareA: Family = {
  name: 'tmpl:compare-a',
  gap: 'compare',
  pairs: () => {
    const { system } = picker('compare-a');
    const asks: Array<[string, string]> = [
      ['Which one is better?', 'Which one is better, React or Vue?'],
      ['Which is cheaper?', 'Which is cheaper, leasing or buying a car?'],
      ['Which should I pick?', 'Which should I pick, the MacBook Air or the Dell XPS 13?'],
      ['Which is faster?', 'Which is faster, Go or Java?'],
      ['Is the first one better than the second?', 'Is PostgreSQL better than MySQL for analytics?'],
      ['Which would you recommend of the two?', 'Which would you recommend of the two, Duolingo or Babbel?'],
      ['Which is healthier?', 'Which is healthier, brown rice or quinoa?'],
      ['Which one lasts longer?', 'Which one lasts longer, AA lithium or alkaline batteries?'],
      ['Which is safer?', 'Which is safer, flying or driving?'],
      ['Which plan is the better deal?', 'Which plan is the better deal, the $10 monthly plan or the $100 yearly plan?'],
      ['What are the differences between them?', 'What are the differences between Kotlin and Swift?'],
      ['Which one would suit me more?', 'Which one would suit me more as a beginner, Canon R50 or Sony ZV-E10?'],
    ];
    return asks.map(([u, c]) => single(system(), u, c));
  },
};

const compareB: Family = {
  name: 'tmpl:compare-b',
  gap: 'compare',
  pairs: () => {
    const { system } = picker('compare-b');
    const asks: Array<[string, string]> = [
      ['Compare the two options for me.', 'Compare renting and buying a home for me.'],
      ['Give me a side-by-side comparison.', 'Give me a side-by-side comparison of AWS Lambda and Google Cloud Run.'],
      ['Make a pros and cons table of both.', 'Make a pros and cons table of Notion and Obsidian.'],
      ['Compare their prices.', 'Compare the prices of the Pixel 8 and the iPhone 15.'],
      ['Weigh up the alternatives.', 'Weigh up remote work versus working in the office.'],
      ['How do they stack up against each other?', 'How do Tesla Model 3 and BMW i4 stack up against each other?'],
      ['Contrast the two approaches.', 'Contrast test-driven development and behaviour-driven development.'],
      ['Compare the candidates.', 'Compare Maria Lopez and Tom Becker for the team lead role.'],
      ['Tell me how they differ.', 'Tell me how a Roth IRA and a traditional IRA differ.'],
      ['Compare both frameworks on performance.', 'Compare Django and FastAPI on performance.'],
      ['Rank them by cost.', 'Rank Paris, Rome and Vienna by cost for a weekend trip.'],
      ['What is the difference?', 'What is the difference between baking soda and baking powder?'],
    ];
    return asks.map(([u, c]) => single(system(), u, c));
  },
};

const languageA: Family = {
  name: 'tmpl:language-a',
  gap: 'language',
  pairs: () => {
    const { system, pick } = picker('language-a');
    const langs = ['German', 'Portuguese', 'Korean', 'French', 'Italian', 'Polish', 'Turkish', 'Japanese'];
    const phrases = [
      'Where is the nearest pharmacy?',
      'Could we get the bill, please?',
      'My flight has been cancelled.',
      'I am allergic to peanuts.',
      'The meeting is postponed until next week.',
      'Thank you for your patience.',
      'Please keep the receipt.',
      'How much does this cost?',
    ];
    const frames = ['Translate "{p}"{l}', 'Translate this{l}: "{p}"', 'Please translate the sentence "{p}"{l}'];
    return cross(frames, phrases).map(([f, p]) => {
      const l = pick(langs);
      return single(system(), f.replace('{p}', p).replace('{l}', ''), f.replace('{p}', p).replace('{l}', ` into ${l}`));
    });
  },
};

const languageB: Family = {
  name: 'tmpl:language-b',
  gap: 'language',
  pairs: () => {
    const { system } = picker('language-b');
    const asks: Array<[string, string]> = [
      ["How do you say 'good night'?", "How do you say 'good night' in Italian?"],
      ['What is the word for "library"?', 'What is the word for "library" in Spanish?'],
      ['How would I say "I need a doctor"?', 'How would I say "I need a doctor" in Greek?'],
      ['Put this caption in another language: "Summer sale starts today".', 'Put this caption in Swedish: "Summer sale starts today".'],
      ['Localise our tagline "Build faster, ship sooner".', 'Localise our tagline "Build faster, ship sooner" for Brazil in Portuguese.'],
      ['What does "Schadenfreude" mean in my language?', 'What does "Schadenfreude" mean in English?'],
      ['How do I write "happy birthday"?', 'How do I write "happy birthday" in Mandarin?'],
      ['Give me the translation of "emergency exit".', 'Give me the Hindi translation of "emergency exit".'],
      ['Translate the error message "file not found".', 'Translate the error message "file not found" to Czech.'],
      ['Say "welcome to our shop" in the local language.', 'Say "welcome to our shop" in Thai.'],
    ];
    return asks.map(([u, c]) => single(system(), u, c));
  },
};

// ---------------------------------------------------------------------------------------------
// antecedent in an earlier turn vs not; a clarifying question answered vs not.

const antecedentA: Family = {
  name: 'tmpl:antecedent-a',
  gap: 'antecedent',
  pairs: () => {
    const { system } = picker('antecedent-a');
    const history: Array<[string, string, string]> = [
      [
        'Write a short poem about the sea.',
        'The sea rolls in with silver hands,\nit writes its name across the sands,\nthen takes it back, as if to say\nno mark is meant to last a day.',
        'Do it again but shorter.',
      ],
      ['Give me a tagline for a bakery.', "Fresh from our oven to your morning — every loaf baked before you're awake.", 'Make it punchier.'],
      [
        'Explain what a mutex is.',
        'A mutex is a lock that lets only one thread at a time run a critical section; others wait until it is released.',
        'Can you give an example of that in Rust?',
      ],
      ['List three names for a hiking app.', '1. TrailMate\n2. Summit Log\n3. PathFinder', 'I like the second one. Give me five more like it.'],
      [
        'Write a LinkedIn post announcing my new job at Stripe.',
        "Excited to share that I'm joining Stripe as a product designer! Grateful to everyone who helped along the way.",
        'Make it sound less formal.',
      ],
      ['What is the capital of Mongolia?', 'The capital of Mongolia is Ulaanbaatar.', 'How many people live there?'],
      [
        'Draft a reply declining the vendor offer.',
        'Thank you for the proposal. After review we have decided not to move forward at this time.',
        'Add a line thanking them for their time.',
      ],
      ['Who painted The Night Watch?', 'Rembrandt painted The Night Watch in 1642.', 'What else did he paint?'],
      [
        'Suggest a dinner recipe with chickpeas.',
        'Try a chickpea and spinach curry: onions, garlic, ginger, canned tomatoes, chickpeas and spinach, simmered 20 minutes.',
        'Can I make it without the tomatoes?',
      ],
      [
        'Write a SQL query that lists customers with no orders.',
        'SELECT c.* FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL;',
        'Now rewrite it using NOT EXISTS.',
      ],
      ['Translate "good luck" into French.', 'Bonne chance !', 'And in Spanish?'],
      ['Recommend a sci-fi novel.', 'Try "The Left Hand of Darkness" by Ursula K. Le Guin.', 'Is it suitable for a 12-year-old?'],
    ];
    return history.map(([u1, a1, u2]) => {
      const s = system();
      return {
        under: conv([['user', u2]], { system: s }),
        clear: conv(
          [
            ['user', u1],
            ['assistant', a1],
            ['user', u2],
          ],
          { system: s },
        ),
      };
    });
  },
};

const antecedentB: Family = {
  name: 'tmpl:antecedent-b',
  gap: 'antecedent',
  pairs: () => {
    const { system } = picker('antecedent-b');
    // The antecedent is named in the request itself, or the material is in the system prompt.
    const asks: Array<[string, string, string]> = [
      ['Is he still the CEO?', 'Is Tim Cook still the CEO of Apple?', ''],
      ['What did she win the prize for?', 'What did Marie Curie win her second Nobel prize for?', ''],
      ['How old is it?', 'How old is the Great Wall of China?', ''],
      ['Why did they split up?', 'Why did the Beatles split up?', ''],
      ['Where was it filmed?', 'Where was the first Mission: Impossible filmed?', ''],
      ['Make the second paragraph shorter.', 'Make the second paragraph shorter.', `The user is editing this draft:\n\n${ESSAY}\n\n${REPORT}`],
      ['Is that a good price?', 'Is $1,200 a good price for a used 2017 Honda Civic?', ''],
      ['Does it come in blue?', 'Does the Patagonia Nano Puff jacket come in blue?', ''],
      ['When does it open?', 'When does the Louvre open on Sundays?', ''],
      ['Fix the typo in that sentence.', 'Fix the typo in this sentence: "Their going to the park tomorow."', ''],
      ['Can you explain that last part again?', 'Can you explain the last part of the TCP handshake again?', ''],
      ['How much does it weigh?', 'How much does a blue whale weigh?', ''],
    ];
    return asks.map(([u, c, sys]) => {
      const s = system();
      return { under: conv([['user', u]], { system: s }), clear: conv([['user', c]], { system: sys === '' ? s : sys }) };
    });
  },
};

const answered: Family = {
  name: 'tmpl:answered',
  gap: 'answered',
  pairs: () => {
    const { system } = picker('answered');
    const flows: Array<[string, string, string, string]> = [
      ['Book a table for dinner.', 'Sure! For how many people, and which day and time?', 'Four of us, Friday at 7:30pm.', 'Just book it.'],
      ['Translate my bio.', 'Happy to. Which language should I translate it into?', 'Into German, please.', 'You decide.'],
      ['Plan a weekend trip for me.', 'Where would you like to go, and what is your budget?', 'Lisbon, around 600 euros.', 'Anywhere nice.'],
      ['Write an email to my landlord.', 'What should the email be about?', 'The heating has been broken since Monday.', 'The usual stuff.'],
      ['Recommend a laptop.', 'What will you mainly use it for, and what is your budget?', 'Video editing, up to $1,500.', 'Whatever is good.'],
      ['Convert the temperature.', 'Which temperature, and into which unit?', '98.6 Fahrenheit into Celsius.', 'The one I said.'],
      ['Set up a meeting with Sam.', 'What day and time work for you?', 'Tuesday at 2pm for 30 minutes.', 'Sometime soon.'],
      ['Find me a recipe.', 'What kind of dish are you in the mood for?', 'Something vegetarian with lentils, under 30 minutes.', 'Something good.'],
      ['Help me pick a gift.', 'Who is the gift for, and roughly how much do you want to spend?', 'My sister, she loves hiking, about $50.', 'Not sure.'],
      ['Compare the plans.', 'Which plans would you like me to compare?', 'The Basic and Pro plans of Dropbox.', 'The ones you know.'],
    ];
    return flows.map(([u1, a1, ans, non]) => {
      const s = system();
      const head: TurnSpec[] = [
        ['user', u1],
        ['assistant', a1],
      ];
      return { under: conv([...head, ['user', non]], { system: s }), clear: conv([...head, ['user', ans]], { system: s }) };
    });
  },
};

export const FAMILIES: readonly Family[] = [
  materialA,
  materialB,
  toolA,
  toolB,
  toolC,
  anchorPlace,
  anchorTime,
  anchorWork,
  recipientA,
  recipientB,
  compareA,
  compareB,
  languageA,
  languageB,
  antecedentA,
  antecedentB,
  answered,
];

/** Conversational turns: greetings, thanks, acknowledgements, "continue" — clear, with or without history. */
export function conversationalTurns(): Conversation[] {
  const turns = [
    'hi',
    'Hi!',
    'hello',
    'Hello there',
    'hey',
    'Good morning!',
    'thanks!',
    'Thank you',
    'thanks, that helps',
    'Thank you so much!',
    'ok',
    'OK',
    'okay',
    'ok thanks',
    'great',
    'Perfect, thanks!',
    'cool',
    'got it',
    'sounds good',
    'Nice.',
    'continue',
    'Continue.',
    'go on',
    'keep going',
    'yes',
    'no',
    'sure',
    'Yes please.',
    'bye',
    'Have a nice day!',
    'lol',
    'awesome, thank you!',
  ];
  const out: Conversation[] = [];
  turns.forEach((t, i) => {
    out.push(conv([['user', t]]));
    if (i % 2 === 0)
      out.push(
        conv([
          ['user', 'Give me three ideas for a team offsite.'],
          ['assistant', '1. A cooking class\n2. A day hike with a picnic\n3. An escape room followed by dinner'],
          ['user', t],
        ]),
      );
  });
  return out;
}
