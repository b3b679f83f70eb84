/**
 * Generated tool-calling cases: tool schemas written here (not taken from any dataset), and for
 * each tool a few phrasings of a request whose every required argument is stated, plus the same
 * request with one required argument's words removed. Two disjoint sets of tools and phrasings:
 * `tune` (looked at while writing the tool rule's vocabulary) and `heldout` (other domains and
 * wordings, only measured; looked at once while the rule was first rewritten) and `fresh` (written
 * after the rule was finished, measured once). Each request is sent with its tool among 50+ unrelated tools, and a
 * share of them in lower case, as users type. Schemas are messy on purpose: nested objects,
 * `anyOf`, `type: [..., "null"]`, numeric enums, parameters with defaults (never a gap).
 *
 * Evaluation only (`npm run eval`); nothing here is trained on or read at serving time.
 */
import type { Conversation, ToolDefinition } from '../../conversation.js';
import { fnv1a } from '../text.js';
import { conv } from './families.js';
import { prng } from './random.js';

/** A request: literal text, or a segment that states one required argument (dropped to remove it). */
type Segment = string | readonly [param: string, text: string];

interface ToolSpec {
  readonly tool: ToolDefinition;
  readonly requests: ReadonlyArray<readonly Segment[]>;
}

export interface ToolCase {
  readonly set: 'tune' | 'heldout' | 'fresh';
  readonly tool: string;
  /** The required argument removed from the words, or null for the complete request. */
  readonly removed: string | null;
  readonly text: string;
  readonly conversation: Conversation;
}

function obj(properties: Record<string, unknown>, required: string[]): Record<string, unknown> {
  return { type: 'object', properties, required };
}
function tool(name: string, description: string, parameters: Record<string, unknown>): ToolDefinition {
  return { name, description, parameters };
}
const str = (description?: string): Record<string, unknown> => (description === undefined ? { type: 'string' } : { type: 'string', description });

// ---------------------------------------------------------------------------------------------
// tune: domains the rule's vocabulary was written against.

const TUNE: readonly ToolSpec[] = [
  {
    tool: tool('get_forecast', 'Weather forecast for a location.', obj({ location: str('City or town'), days: { type: 'integer', default: 1 } }, ['location'])),
    requests: [
      ['Is it going to rain', ['location', ' in Leeds'], ' tomorrow?'],
      ['How hot will it get', ['location', ' in Seville'], ' this afternoon?'],
      ['Should I bring a jacket', ['location', ' to Boston'], ' tonight?'],
    ],
  },
  {
    tool: tool(
      'flight_search',
      'Find flights.',
      obj({ from: str('Origin airport'), to: str('Destination airport'), departure_date: { type: 'string', format: 'date' } }, [
        'from',
        'to',
        'departure_date',
      ]),
    ),
    requests: [
      ['Find me a flight', ['from', ' from Paris'], ['to', ' to Athens'], ['departure_date', ' on June 3'], '.'],
      ['Any cheap tickets', ['from', ' out of Chicago'], ['to', ' to Miami'], ['departure_date', ' next Friday'], '?'],
    ],
  },
  {
    tool: tool(
      'hotel_booking',
      'Book accommodation.',
      obj({ city: str(), checkin: { type: 'string', format: 'date' }, nights: { type: 'integer', minimum: 1 } }, ['city', 'checkin', 'nights']),
    ),
    requests: [
      ['Book a room', ['city', ' in Krakow'], ['checkin', ' from March 12'], ['nights', ' for 3 nights'], '.'],
      ['I need somewhere to stay', ['city', ' in Lyon'], ['nights', ' for two nights'], ['checkin', ' starting Friday'], '.'],
    ],
  },
  {
    tool: tool(
      'reserve_table',
      'Reserve a table at a restaurant.',
      obj(
        { restaurant: str('Restaurant name'), party_size: { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 8, 10] }, time: { type: 'string', format: 'date-time' } },
        ['restaurant', 'party_size', 'time'],
      ),
    ),
    requests: [
      ['Get us a table', ['restaurant', ' at Dishoom'], ['party_size', ' for 4'], ['time', ' on Saturday at 8pm'], '.'],
      ['Book dinner', ['restaurant', ' at Noma'], ['party_size', ' for two'], ['time', ' tomorrow at 7'], '.'],
    ],
  },
  {
    tool: tool(
      'send_mail',
      'Send an e-mail.',
      obj({ recipient: { type: 'string', format: 'email' }, subject: str(), body: str() }, ['recipient', 'subject', 'body']),
    ),
    requests: [
      ['Email', ['recipient', ' sam@corp.io'], ' that the invoice is paid.'],
      ['Write', ['recipient', ' to ops@acme.com'], ' saying the server is back up.'],
    ],
  },
  {
    tool: tool('add_event', 'Add an event to the calendar.', obj({ title: str(), start: { type: 'string', format: 'date-time' } }, ['title', 'start'])),
    requests: [
      ['Put the team offsite in my calendar', ['start', ' on May 14 at 9am'], '.'],
      ['Add a dentist appointment', ['start', ' next Tuesday at 3pm'], '.'],
    ],
  },
  {
    tool: tool('remind_me', 'Create a reminder.', obj({ what: str('What to remind about'), when: { type: 'string', format: 'date-time' } }, ['what', 'when'])),
    requests: [
      ['Remind me to water the plants', ['when', ' tomorrow morning'], '.'],
      ['Set a reminder to renew my passport', ['when', ' on the 1st'], '.'],
    ],
  },
  {
    tool: tool(
      'fx_convert',
      'Currency conversion.',
      obj({ amount: { type: 'number' }, from: str('ISO currency code'), to: { type: 'string', enum: ['USD', 'EUR', 'GBP', 'JPY', 'CHF'] } }, [
        'amount',
        'from',
        'to',
      ]),
    ),
    requests: [
      ['How much is', ['amount', ' 300'], ['from', ' dollars'], ['to', ' in euros'], '?'],
      ['Change', ['amount', ' 50'], ['from', ' pounds'], ['to', ' to USD'], ' for me.'],
    ],
  },
  {
    tool: tool('order_lookup', 'Check the status of an order.', obj({ order_number: str('e.g. A-10293') }, ['order_number'])),
    requests: [
      ['When will my order', ['order_number', ' A-88231'], ' arrive?'],
      ['Has package', ['order_number', ' #55012'], ' shipped?'],
    ],
  },
  {
    tool: tool('play_music', 'Play music.', obj({ query: str('Artist, album or song'), device: { type: ['string', 'null'] } }, ['query'])),
    requests: [
      ['Play', ['query', ' some Miles Davis'], ' in the kitchen.'],
      ['Put on', ['query', ' the new Taylor Swift album'], '.'],
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// heldout: other domains, other wordings; measured, not tuned on.

const HELDOUT: readonly ToolSpec[] = [
  {
    tool: tool(
      'rent_vehicle',
      'Reserve a rental car at a pickup location.',
      obj(
        {
          pickup: { anyOf: [str('Pickup city or airport'), obj({ iata: str() }, ['iata'])] },
          pickup_date: { type: 'string', format: 'date' },
          days: { type: 'integer', minimum: 1 },
          category: { type: 'string', enum: ['economy', 'compact', 'suv'], default: 'economy' },
        },
        ['pickup', 'pickup_date', 'days'],
      ),
    ),
    requests: [
      ['I need a car', ['pickup', ' in Denver'], ['pickup_date', ' from July 2'], ['days', ' for 5 days'], '.'],
      ['Rent an SUV', ['pickup', ' at LAX'], ['days', ' for a week'], ['pickup_date', ' starting 2025-08-09'], '.'],
    ],
  },
  {
    tool: tool(
      'book_doctor',
      'Schedule a medical appointment with a practitioner.',
      obj(
        {
          specialty: { type: 'string', enum: ['gp', 'dentist', 'dermatologist', 'physio'] },
          appointment: obj({ day: { type: 'string', format: 'date' }, slot: { type: 'integer', enum: [9, 10, 11, 14, 15, 16] } }, ['day']),
        },
        ['specialty', 'appointment'],
      ),
    ),
    requests: [
      ['Get me in to see', ['specialty', ' a dentist'], ['appointment', ' on Thursday'], '.'],
      ['Can you book', ['specialty', ' the physio'], ['appointment', ' for next Monday'], '?'],
    ],
  },
  {
    tool: tool(
      'refill_prescription',
      'Request a refill of a prescription at a pharmacy.',
      obj({ rx_number: str('Prescription number'), pharmacy: str() }, ['rx_number']),
    ),
    requests: [
      ['Refill my prescription', ['rx_number', ' RX-40112'], ' please.'],
      ['I am out of my meds, reorder', ['rx_number', ' number 7731-22'], '.'],
    ],
  },
  {
    tool: tool(
      'buy_movie_tickets',
      'Purchase cinema tickets for a screening.',
      obj({ film: str('Film title'), showtime: { type: 'string', format: 'date-time' }, seats: { type: 'integer', enum: [1, 2, 3, 4, 5, 6] } }, [
        'film',
        'showtime',
        'seats',
      ]),
    ),
    requests: [
      ['Get', ['seats', ' 2'], ' tickets', ['film', ' for Dune'], ['showtime', ' tonight at 9'], '.'],
      ['Buy', ['seats', ' three'], ' seats', ['film', ' for Inside Out 2'], ['showtime', ' on Sunday afternoon'], '.'],
    ],
  },
  {
    tool: tool(
      'lights.set',
      'Turn smart lights on or off, or dim them.',
      obj({ room: { type: 'string', enum: ['hall', 'lounge', 'bedroom', 'study'] }, level: { type: 'number', minimum: 0, maximum: 100 } }, ['room', 'level']),
    ),
    requests: [
      ['Dim the', ['room', ' lounge'], ' lights', ['level', ' to 30 percent'], '.'],
      ['Set the', ['room', ' study'], ' lamp', ['level', ' to 80'], '.'],
    ],
  },
  {
    tool: tool(
      'bookTrain',
      'Buy a train ticket between two stations.',
      obj(
        {
          journey: obj({ origin: str('Departure station'), destination: str('Arrival station'), date: { type: 'string', format: 'date' } }, [
            'origin',
            'destination',
            'date',
          ]),
        },
        ['journey'],
      ),
    ),
    requests: [
      ['Get me a train ticket', ['origin', ' from Milan'], ['destination', ' to Florence'], ['date', ' on Saturday'], '.'],
      ['I want to travel by rail', ['origin', ' from Hamburg'], ['destination', ' to Munich'], ['date', ' tomorrow'], '.'],
    ],
  },
  {
    tool: tool(
      'account_balance',
      'Get the balance of one of the user bank accounts.',
      obj({ account: { type: 'string', enum: ['checking', 'savings', 'credit card'] } }, ['account']),
    ),
    requests: [
      ['How much money is left in my', ['account', ' savings'], ' account?'],
      ["What's my", ['account', ' checking'], ' balance?'],
    ],
  },
  {
    tool: tool(
      'track_shipment',
      'Track a parcel by carrier and tracking number.',
      obj({ carrier: { type: 'string', enum: ['ups', 'fedex', 'dhl', 'usps'] }, tracking_number: str() }, ['carrier', 'tracking_number']),
    ),
    requests: [
      ['Where is my', ['carrier', ' UPS'], ' parcel', ['tracking_number', ' 1Z999AA10123456784'], '?'],
      ['Track the', ['carrier', ' DHL'], ' delivery', ['tracking_number', ' JD014600003828'], '.'],
    ],
  },
  {
    tool: tool(
      'gym_class_signup',
      'Sign the member up for a fitness class.',
      obj({ class_name: { type: 'string', enum: ['yoga', 'spin', 'pilates', 'hiit'] }, date: { type: ['string'], format: 'date' } }, ['class_name', 'date']),
    ),
    requests: [
      ['Sign me up for', ['class_name', ' spin'], ' class', ['date', ' on Wednesday'], '.'],
      ['Put me down for', ['class_name', ' pilates'], ['date', ' tomorrow'], '.'],
    ],
  },
  {
    tool: tool(
      'recipe_scale',
      'Scale a recipe to a number of servings.',
      obj({ recipe: str('Recipe name'), servings: { anyOf: [{ type: 'integer' }, { type: 'string' }] } }, ['recipe', 'servings']),
    ),
    requests: [
      ['Scale', ['recipe', ' the lasagna recipe'], ['servings', ' to 8 servings'], '.'],
      ['Adjust', ['recipe', ' my pancake recipe'], ['servings', ' for 12 people'], '.'],
    ],
  },
  {
    tool: tool(
      'pay_bill',
      'Pay a utility bill from the user account.',
      obj({ biller: str('Company to pay'), amount: { type: 'number' } }, ['biller', 'amount']),
    ),
    requests: [
      ['Pay', ['amount', ' 84.20'], ' for the electricity bill', ['biller', ' to Octopus Energy'], '.'],
      ['Settle the', ['biller', ' Comcast'], ' bill', ['amount', ' of $60'], '.'],
    ],
  },
  {
    tool: tool(
      'translate_document',
      'Translate a document into a target language.',
      obj({ document_url: { type: 'string', format: 'uri' }, target: str('Target language') }, ['document_url', 'target']),
    ),
    requests: [
      ['Translate', ['document_url', ' https://files.acme.io/spec.pdf'], ['target', ' into Korean'], '.'],
      ['Can you put', ['document_url', ' https://example.org/menu.docx'], ['target', ' into Portuguese'], '?'],
    ],
  },
];

// fresh: written after the rule was finished and measured once, never looked at before that.

const FRESH: readonly ToolSpec[] = [
  {
    tool: tool(
      'request_ride',
      'Order a taxi or ride-share pickup.',
      obj({ pickup_address: str('Where to be picked up'), dropoff_address: str('Where to go'), seats: { type: 'integer', default: 1 } }, [
        'pickup_address',
        'dropoff_address',
      ]),
    ),
    requests: [
      ['Get me a cab', ['pickup_address', ' from the Hilton on 5th Avenue'], ['dropoff_address', ' to JFK'], '.'],
      ['I need a ride', ['dropoff_address', ' to Union Station'], ['pickup_address', ' from my office at 200 Market St'], '.'],
    ],
  },
  {
    tool: tool(
      'vet.book_visit',
      'Book a veterinary visit for a pet.',
      obj({ pet_name: str('Name of the pet'), date: { type: 'string', format: 'date' }, reason: { type: ['string', 'null'] } }, ['pet_name', 'date']),
    ),
    requests: [
      ['Book a vet visit for', ['pet_name', ' Biscuit'], ['date', ' on Friday'], ' for her shots.'],
      ['Can', ['pet_name', ' Milo'], ' see the vet', ['date', ' next Tuesday'], '?'],
    ],
  },
  {
    tool: tool(
      'grocery_add_items',
      'Add items to the grocery delivery order.',
      obj(
        {
          items: { type: 'array', items: str('Product name'), minItems: 1 },
          delivery_day: { type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
        },
        ['items', 'delivery_day'],
      ),
    ),
    requests: [
      ['Add', ['items', ' oat milk and bananas'], ' to my grocery order', ['delivery_day', ' for Saturday'], '.'],
      ['Put', ['items', ' two dozen eggs'], ' on the groceries', ['delivery_day', ' for wed'], '.'],
    ],
  },
  {
    tool: tool(
      'parking_reserve',
      'Reserve a parking space in a garage.',
      obj({ garage: str('Garage or car park name'), arrival: { type: 'string', format: 'date-time' }, hours: { type: 'integer', minimum: 1 } }, [
        'garage',
        'arrival',
        'hours',
      ]),
    ),
    requests: [
      ['Reserve parking', ['garage', ' at the Q-Park Leicester Square'], ['arrival', ' tomorrow at 10am'], ['hours', ' for 3 hours'], '.'],
      ['Save me a parking spot', ['garage', ' in the Central garage'], ['hours', ' for two hours'], ['arrival', ' this evening'], '.'],
    ],
  },
  {
    tool: tool(
      'library_hold',
      'Place a hold on a library book.',
      obj({ isbn_or_title: { anyOf: [str('ISBN'), str('Book title')] }, branch: { type: 'string', enum: ['central', 'northside', 'riverside'] } }, [
        'isbn_or_title',
        'branch',
      ]),
    ),
    requests: [
      ['Put a hold on', ['isbn_or_title', ' Project Hail Mary'], ['branch', ' at the Riverside branch'], '.'],
      ['Reserve', ['isbn_or_title', ' The Overstory'], ' for pickup', ['branch', ' at central'], '.'],
    ],
  },
  {
    tool: tool(
      'estimate_tax',
      'Estimate income tax for a salary in a country.',
      obj({ salary: { type: 'number', description: 'Gross yearly salary' }, country: str('Country of residence') }, ['salary', 'country']),
    ),
    requests: [
      ['How much tax would I pay on', ['salary', ' 65,000 a year'], ['country', ' in Germany'], '?'],
      ['Estimate my income tax', ['country', ' in Canada'], ['salary', ' on 90k'], '.'],
    ],
  },
  {
    tool: tool('podcast_subscribe', 'Subscribe the user to a podcast feed.', obj({ show: str('Podcast name') }, ['show'])),
    requests: [
      ['Subscribe me to', ['show', ' Hardcore History'], '.'],
      ['Follow the podcast', ['show', ' Radiolab'], ' for me.'],
    ],
  },
  {
    tool: tool(
      'job_apply',
      'Submit a job application with the saved CV.',
      obj({ job_id: str('Job posting ID'), cover_note: { type: ['string', 'null'] } }, ['job_id']),
    ),
    requests: [
      ['Apply to job', ['job_id', ' #48213'], ' with my saved CV.'],
      ['Send my application for posting', ['job_id', ' JP-9902'], '.'],
    ],
  },
];

/** 52 unrelated tools, as an app with many integrations sends them. */
const DISTRACTORS: readonly ToolDefinition[] = [
  'list_invoices create_invoice refund_payment list_products get_product update_inventory get_user_profile reset_password',
  'list_repositories create_issue merge_pull_request run_sql_query export_report list_employees approve_expense list_channels',
  'post_message archive_channel cancel_subscription list_coupons apply_coupon get_analytics create_dashboard list_alerts',
  'acknowledge_alert get_metrics scale_deployment restart_service list_pods get_logs create_backup restore_backup',
  'list_contacts add_contact delete_contact list_tasks complete_task assign_task upload_file share_file list_folders',
  'get_quota search_docs summarize_thread create_poll close_poll list_webhooks rotate_api_key',
]
  .join(' ')
  .split(' ')
  .map((name) => ({
    name,
    description: `${name.replace(/_/g, ' ')} in the connected workspace.`,
    parameters: obj({ id: str(), limit: { type: 'integer', default: 20 }, filter: { anyOf: [str(), { type: 'null' }] } }, ['id']),
  }));

function text(segments: readonly Segment[], removed: string | null): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'string') out += s;
    else if (s[0] !== removed) out += s[1];
  }
  return out.replace(/\s+([?.!,])/g, '$1').trim();
}

/** Every case of one set: complete requests and one-argument-removed requests, each among the distractors, a third in lower case. */
export function toolCases(set: 'tune' | 'heldout' | 'fresh'): ToolCase[] {
  const rand = prng(fnv1a(`tool-cases-${set}`));
  const out: ToolCase[] = [];
  for (const spec of set === 'tune' ? TUNE : set === 'heldout' ? HELDOUT : FRESH) {
    for (const segments of spec.requests) {
      const params = segments.filter((s): s is readonly [string, string] => typeof s !== 'string').map((s) => s[0]);
      for (const removed of [null, ...params]) {
        const lower = rand() < 0.33;
        const raw = text(segments, removed);
        const words = lower ? raw.toLowerCase() : raw;
        // The tool sits at a random place among the distractors.
        const at = Math.floor(rand() * DISTRACTORS.length);
        const tools = [...DISTRACTORS.slice(0, at), spec.tool, ...DISTRACTORS.slice(at)];
        out.push({ set, tool: spec.tool.name, removed, text: words, conversation: conv([['user', words]], { tools }) });
      }
    }
  }
  return out;
}
