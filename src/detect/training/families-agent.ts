/**
 * Agent-task and app-traffic families: minimal pairs for the IN3 kind of gap (an agent task —
 * plan, book, find, buy, set up — whose result hangs on details nobody gave) and for requests as
 * apps send them (a product's system prompt, a short history), each underspecified request with
 * a near-identical twin that states the missing details.
 *
 * Two groups, written separately and with different wording and domains:
 * - `AGENT_FAMILIES` are trained on (registered in families.ts, left out one at a time by
 *   `npm run eval` like every template family);
 * - `FRESH_FAMILIES` (app requests, tool calls, agent tasks) are never trained on and were written
 *   after the rules they exercise were changed, without looking at their scores first:
 *   `npm run eval` scores them with the shipped model and policy, as the closest proxy we have of
 *   traffic the detector was not built from.
 *
 * Deterministic; nothing here is read at serving time.
 */
import type { ToolDefinition } from '../../conversation.js';
import { fnv1a } from '../text.js';
import { conv, type Family, type Pair } from './families.js';
import { prng } from './random.js';

const APP_SYSTEMS = [
  'You are Juno, the in-app assistant of a travel booking site. Help customers plan and book trips.',
  'You are the assistant of a consumer electronics shop. Be brief and helpful.',
  'You are an operations assistant with access to the company knowledge base.',
  'You are a personal assistant. Keep replies short.',
  '',
];

function systems(seed: string): () => string {
  const rand = prng(fnv1a(seed));
  return () => APP_SYSTEMS[Math.floor(rand() * APP_SYSTEMS.length)] ?? '';
}

/** Both members with the same system prompt, and (every third pair) the same unrelated short exchange before them. */
function pairsOf(seed: string, asks: ReadonlyArray<readonly [string, string]>, tools: ToolDefinition[] = []): Pair[] {
  const system = systems(seed);
  return asks.map(([under, clear], i) => {
    const s = system();
    const head: Array<readonly ['user' | 'assistant', string]> =
      i % 3 === 2
        ? [
            ['user', 'Hi, quick question first: are you open on weekends?'],
            ['assistant', 'Yes, support is available every day from 8am to 8pm.'],
          ]
        : [];
    return { under: conv([...head, ['user', under]], { system: s, tools }), clear: conv([...head, ['user', clear]], { system: s, tools }) };
  });
}

// ---------------------------------------------------------------------------------------------
// Trained on: agent tasks missing their essential details (IN3 kind), two phrasings.

const agentA: Family = {
  name: 'tmpl:agent-a',
  gap: 'task',
  pairs: () =>
    pairsOf('agent-a', [
      ['Plan a trip to Japan for me.', 'Plan a 10-day trip to Japan for me in April, two adults, mid-range budget, mostly food and temples.'],
      ['Organise a birthday party for my son.', 'Organise a birthday party for my son: he turns 8 on June 14, 12 kids, at home, about $200.'],
      ['Find me a good laptop.', 'Find me a laptop under $1,000 for photo editing, at least 16 GB of RAM and a 14-inch screen.'],
      ['Book a hotel for my conference.', 'Book a hotel near the ExCeL centre in London for the nights of 3 to 5 March, under £180 a night.'],
      ['Set up a workout plan for me.', 'Set up a 3-day-a-week workout plan for me at home with dumbbells, 40 minutes, aimed at building strength.'],
      ['Buy a gift for my wife.', 'Buy a gift for my wife under $80: she loves gardening and reads crime novels.'],
      ['Create a meal plan.', 'Create a 7-day vegetarian meal plan for two adults, about 2,000 calories a day, no mushrooms.'],
      ['Write a script that renames files.', 'Write a Python script that renames every .jpg in a folder to its EXIF date, like 2024-05-01_1.jpg.'],
      ['Find a restaurant for Friday.', 'Find a quiet Italian restaurant in Brooklyn for 4 people on Friday at 7pm, around $50 a head.'],
      ['Plan our team offsite.', 'Plan a one-day offsite for our 15-person team in Austin on May 9, budget $3,000, with a workshop and dinner.'],
      ['Find me an apartment.', 'Find me a one-bedroom apartment in Lisbon under 1,200 euros a month, near a metro, from September.'],
      ['Get me some running shoes.', 'Get me road running shoes in size 42 for marathon training, neutral gait, under $150.'],
      [
        'Research some online courses for me.',
        'Research online SQL courses for a complete beginner, under $50, with certificates, that take less than a month.',
      ],
      ['Arrange a dinner for the clients.', 'Arrange a dinner for 6 clients next Thursday at 8pm in central Milan, a private room, local cuisine.'],
    ]),
};

const agentB: Family = {
  name: 'tmpl:agent-b',
  gap: 'task',
  pairs: () =>
    pairsOf('agent-b', [
      [
        'I need a vacation, can you sort it out?',
        'I need a vacation, can you sort it out? A week of beach in Greece in late June for two, under 2,500 euros in total.',
      ],
      ["I'm looking for a new phone.", "I'm looking for a new Android phone under $500 with a good camera and at least 128 GB of storage."],
      [
        'Help me put together a study schedule.',
        'Help me put together a study schedule for my biology exam on May 20: 2 hours a day on weekdays, 5 chapters left.',
      ],
      [
        'We want to host a dinner party, help us prepare.',
        'We want to host a dinner party for 8 on Saturday, one guest is vegan, help us prepare a 3-course menu.',
      ],
      [
        'Could you look into car insurance for me?',
        'Could you look into car insurance for me? 2019 Honda Civic, driver aged 34, no claims, in Ohio, full coverage.',
      ],
      [
        'I have to move house, help me organise it.',
        'I have to move house from Leeds to Bristol on July 2, a 2-bedroom flat, help me organise it and find a van.',
      ],
      ['Suggest a podcast I would like.', 'Suggest a podcast about the history of science, episodes under 40 minutes, not too technical.'],
      [
        'My daughter needs a new bike, what should we get?',
        'My daughter is 9 and 135 cm tall and needs a new bike for riding to school, what should we get under $300?',
      ],
      ['Can you build me a website?', 'Can you build me a one-page website for my bakery in Porto, with opening hours, a menu and a contact form?'],
      ['Help me find a gym.', 'Help me find a gym near Shoreditch open before 6am, with a pool, under £60 a month.'],
      ['Draft a savings plan for me.', 'Draft a savings plan for me: I earn $4,200 a month after tax, rent is $1,500, and I want $10,000 saved by December.'],
      ['Find flights for our family trip.', 'Find flights from Dublin to Orlando for 2 adults and 2 kids, leaving July 8 and returning July 22, economy.'],
    ]),
};

// ---------------------------------------------------------------------------------------------
// Trained on: app requests missing one thing the app needs to act (support, bookings, accounts).

const appA: Family = {
  name: 'tmpl:app-a',
  gap: 'app',
  pairs: () =>
    pairsOf('app-a', [
      ['I want to change my delivery address.', 'I want to change my delivery address to 14 Elm Road, Leeds LS6 2AB.'],
      ['Move my appointment please.', 'Move my appointment to Friday at 10am please.'],
      ['Cancel my order.', 'Cancel my order 88-41923.'],
      ['Upgrade my plan.', 'Upgrade my plan to the Team tier with 10 seats.'],
      ['Change the date of my booking.', 'Change the date of my booking HX72K to 12 October.'],
      ['Add another person to the reservation.', 'Add another person, Maria Lopez, to reservation 5521.'],
      ['I would like a refund.', 'I would like a refund for order A-2231, the blender arrived broken.'],
      ['Update my phone number.', 'Update my phone number to +44 7700 900123.'],
      ['Set my out-of-office.', 'Set my out-of-office from 4 to 11 August saying I am on holiday and Sam covers urgent issues.'],
      ['Transfer some money to savings.', 'Transfer 250 dollars from checking to savings.'],
      ['Reschedule the delivery.', 'Reschedule the delivery of order 7731 to Saturday morning.'],
      ['Return the item I bought.', 'Return the headphones from order 55-102, they do not fit.'],
    ]),
};

export const AGENT_FAMILIES: readonly Family[] = [agentA, agentB, appA];

// ---------------------------------------------------------------------------------------------
// Never trained on: fresh app, tool and agent pairs (other wording, other domains).

const freshApp: Family = {
  name: 'fresh:app',
  gap: 'app',
  pairs: () =>
    pairsOf('fresh-app', [
      ['Please swap my seat.', 'Please swap my seat on flight BA117 to an aisle seat.'],
      ['Can you extend my subscription?', 'Can you extend my Premium subscription by 6 months?'],
      ['Pause my membership.', 'Pause my gym membership from 1 to 31 March.'],
      ["I'd like to report a problem.", "I'd like to report a problem: the app crashes when I open Settings on my Pixel 7."],
      ['Please resend the invoice.', 'Please resend invoice INV-20931 to billing@harbor.io.'],
      ['Switch my tariff.', 'Switch my electricity tariff to the fixed 12-month one.'],
      ['Book me in for a haircut.', 'Book me in for a haircut with Leo on Saturday at 11.'],
      ['Change the name on the account.', "Change the name on the account to Priya Raman, I've just married."],
      ['Add my partner to the policy.', 'Add my partner, Tom Becker, born 3 May 1990, to my car insurance policy.'],
      ['I need to split the bill.', 'I need to split the $180 dinner bill equally between 4 people.'],
      ['Please forward this to the right team.', 'Please forward this to the billing team: I was charged twice for March.'],
      ['Increase my credit limit.', 'Increase my credit limit to 5,000 pounds.'],
    ]),
};

const obj = (properties: Record<string, unknown>, required: string[]): Record<string, unknown> => ({ type: 'object', properties, required });
const FRESH_TOOLS: ToolDefinition[] = [
  {
    name: 'create_support_ticket',
    description: 'Open an IT helpdesk ticket.',
    parameters: obj(
      {
        summary: { type: 'string', description: 'One-line description of the problem' },
        device: { type: 'string', enum: ['laptop', 'phone', 'printer', 'monitor', 'vpn'] },
        urgency: { type: 'integer', enum: [1, 2, 3], default: 2 },
      },
      ['summary', 'device'],
    ),
  },
  {
    name: 'book_meeting_room',
    description: 'Reserve a meeting room in the office.',
    parameters: obj(
      {
        room: { type: 'string', enum: ['Atlas', 'Borealis', 'Cedar'] },
        slot: obj({ date: { type: 'string', format: 'date' }, start: { type: 'string', description: 'HH:MM' } }, ['date', 'start']),
        attendees: { type: ['integer', 'null'] },
      },
      ['room', 'slot'],
    ),
  },
  {
    name: 'order_food',
    description: 'Order food delivery from a restaurant.',
    parameters: obj(
      {
        restaurant: { type: 'string', description: 'Restaurant name' },
        dishes: { type: 'array', items: { type: 'string' } },
        address: { anyOf: [{ type: 'string', description: 'Delivery address' }, { type: 'null' }] },
      },
      ['restaurant', 'dishes'],
    ),
  },
  {
    name: 'set_home_temperature',
    description: 'Set the smart thermostat.',
    parameters: obj({ zone: { type: 'string', enum: ['upstairs', 'downstairs', 'garage'] }, celsius: { type: 'number' } }, ['zone', 'celsius']),
  },
  {
    name: 'send_sms',
    description: 'Send a text message to a phone number or contact.',
    parameters: obj({ to: { type: 'string', description: 'Phone number or contact name' }, message: { type: 'string' } }, ['to', 'message']),
  },
  {
    name: 'get_exchange_rate',
    description: 'Current exchange rate between two currencies.',
    parameters: obj({ base: { type: 'string', description: 'ISO code' }, quote: { type: 'string', description: 'ISO code' } }, ['base', 'quote']),
  },
];
const DISTRACTING: ToolDefinition[] =
  'search_wiki list_open_prs get_build_status create_jira_issue list_calendars get_user_settings update_user_settings list_notifications mark_notification_read export_csv import_csv get_usage_report list_api_keys revoke_api_key list_teams add_team_member remove_team_member get_audit_log list_invoices download_invoice list_payment_methods add_payment_method delete_payment_method get_org_profile update_org_profile list_projects create_project archive_project list_sprints start_sprint close_sprint list_labels create_label list_environments deploy_environment rollback_deployment list_secrets rotate_secret list_feature_flags toggle_feature_flag get_latency_metrics list_incidents create_incident resolve_incident page_oncall list_dashboards share_dashboard list_documents create_document delete_document'
    .split(' ')
    .map((name) => ({
      name,
      description: `${name.replace(/_/g, ' ')}.`,
      parameters: obj({ id: { type: 'string' }, page: { type: 'integer', default: 1 } }, ['id']),
    }));

const freshTool: Family = {
  name: 'fresh:tool',
  gap: 'tool',
  pairs: () =>
    pairsOf(
      'fresh-tool',
      [
        ['Open a ticket, it keeps disconnecting.', 'Open a ticket, my VPN keeps disconnecting.'],
        ['My screen flickers, please log it with IT.', 'My monitor flickers, please log it with IT.'],
        ['Grab the Cedar room for our standup.', 'Grab the Cedar room for our standup on 2025-11-04 at 09:15.'],
        ['Reserve a meeting room tomorrow at 14:00.', 'Reserve the Atlas meeting room tomorrow at 14:00.'],
        ['Order two pad thai and a green curry.', 'Order two pad thai and a green curry from Thai Orchid.'],
        ['Get food delivered from Luigi’s.', 'Get a margherita and a tiramisu delivered from Luigi’s.'],
        ['Make it 20 degrees.', 'Make it 20 degrees upstairs.'],
        ['Turn the heating down downstairs.', 'Turn the heating down to 18 downstairs.'],
        ['Text that I am on my way.', 'Text Marta that I am on my way.'],
        ['Send an SMS to +1 415 555 0199.', 'Send an SMS to +1 415 555 0199 saying the car is ready.'],
        ['What is the exchange rate for the yen?', 'What is the exchange rate from euros to yen?'],
        ['How many dollars do I get?', 'How many dollars do I get for a pound?'],
      ],
      [...DISTRACTING.slice(0, 25), ...FRESH_TOOLS, ...DISTRACTING.slice(25)],
    ),
};

const freshAgent: Family = {
  name: 'fresh:agent',
  gap: 'task',
  pairs: () =>
    pairsOf('fresh-agent', [
      ['Sort out a weekend getaway for us.', 'Sort out a weekend getaway for us: 2 nights by the sea in Cornwall, 18-20 October, dog-friendly, under £400.'],
      ['Pick a venue for the company party.', 'Pick a venue for the company party: 60 people in Chicago on December 12, with a bar and space for a DJ.'],
      ['Find a tutor for my kid.', 'Find a maths tutor for my 14-year-old, online, twice a week after 5pm, GCSE level.'],
      ['Get a quote for painting the house.', 'Get a quote for painting the exterior of a 3-bedroom house in Austin, about 2,000 sq ft, in May.'],
      ['Choose a camera for me.', 'Choose a mirrorless camera for me for travel vlogging, under $900, with a flip screen.'],
      ['Put together a reading list.', 'Put together a reading list of 10 novels about climate change for a book club of adults.'],
      ['Plan the menu for Sunday.', 'Plan a Sunday lunch menu for 6, one guest coeliac, roast-style, ready by 1pm.'],
      ['Write me a program for my budget.', 'Write me a Python program that reads my bank CSV and totals spending per category each month.'],
      ['Help me buy a used car.', 'Help me buy a used hybrid car under 15,000 euros, less than 80,000 km, automatic, near Munich.'],
      ['Organise a hiking trip.', 'Organise a 3-day hiking trip in the Dolomites in mid-July for 4 experienced hikers, staying in huts.'],
      ['Look for a babysitter.', 'Look for a babysitter for Saturday evening 6-11pm for two kids aged 3 and 6, in Clapham.'],
      ['Arrange flowers for the wedding.', 'Arrange white and green flowers for a 90-guest wedding on 21 June in Bath, 10 tables, budget £1,500.'],
    ]),
};

/** A second tool family, written last and measured only for the final report. */
const FRESH_TOOLS_2: ToolDefinition[] = [
  {
    name: 'unlock_door',
    description: 'Unlock a smart lock for a guest for a limited time.',
    parameters: obj(
      { door: { type: 'string', enum: ['front', 'back', 'garage'] }, minutes: { type: 'integer', enum: [5, 15, 30, 60] }, guest: { type: ['string', 'null'] } },
      ['door', 'minutes'],
    ),
  },
  {
    name: 'rent_bike',
    description: 'Rent a city bike or e-scooter from a docking station.',
    parameters: obj(
      {
        station: { type: 'string', description: 'Docking station name or street' },
        vehicle: { type: 'string', enum: ['bike', 'ebike', 'scooter'], default: 'bike' },
      },
      ['station'],
    ),
  },
  {
    name: 'log_expense',
    description: 'Record a business expense for reimbursement.',
    parameters: obj(
      {
        amount: { anyOf: [{ type: 'number' }, { type: 'string', description: 'Amount with currency' }] },
        category: { type: 'string', enum: ['travel', 'meals', 'software', 'office'] },
        date: { type: 'string', format: 'date', description: 'YYYY-MM-DD' },
      },
      ['amount', 'category'],
    ),
  },
  {
    name: 'schedule_lesson',
    description: 'Schedule a language lesson with a tutor.',
    parameters: obj(
      {
        language: { type: 'string', description: 'Language to learn' },
        when: { type: 'string', format: 'date-time' },
        level: { type: 'string', default: 'beginner' },
      },
      ['language', 'when'],
    ),
  },
  {
    name: 'quote_travel_insurance',
    description: 'Get a travel insurance quote for a trip.',
    parameters: obj(
      {
        destination_country: { type: 'string', description: 'Country visited' },
        trip: obj({ start: { type: 'string', format: 'date' }, end: { type: 'string', format: 'date' } }, ['start', 'end']),
        travellers: { type: 'integer', minimum: 1, default: 1 },
      },
      ['destination_country', 'trip'],
    ),
  },
];

const freshTool2: Family = {
  name: 'fresh:tool-2',
  gap: 'tool',
  pairs: () =>
    pairsOf(
      'fresh-tool-2',
      [
        ['Let the cleaner in through the back door.', 'Let the cleaner in through the back door for 30 minutes.'],
        ['Unlock it for 15 minutes.', 'Unlock the garage for 15 minutes.'],
        ['Grab me an e-bike.', 'Grab me an e-bike at the Kings Cross station.'],
        ['Rent a scooter near me.', 'Rent a scooter at Alexanderplatz.'],
        ['File the taxi as an expense.', 'File the 42 euro taxi as a travel expense.'],
        ['Log a $19 expense.', 'Log a $19 software expense.'],
        ['Book a Spanish lesson.', 'Book a Spanish lesson for Thursday at 6pm.'],
        ['Schedule a lesson tomorrow at 5.', 'Schedule an Italian lesson tomorrow at 5.'],
        ['How much would insurance for Peru cost?', 'How much would insurance for Peru from 2 to 16 May cost?'],
        ['Quote me travel insurance for 10 to 20 June.', 'Quote me travel insurance for Japan for 10 to 20 June.'],
      ],
      [...DISTRACTING.slice(0, 40), ...FRESH_TOOLS_2, ...DISTRACTING.slice(40)],
    ),
};

export const FRESH_FAMILIES: readonly Family[] = [freshApp, freshTool, freshAgent, freshTool2];
