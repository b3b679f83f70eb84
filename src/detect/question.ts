/**
 * The suggested clarifying question, built from the signals' question references with templates
 * keyed by id. Operators override any template in config (`detector.questionTemplates`); `{name}`
 * placeholders are filled from the signal, unknown ones become empty. Several gaps give one
 * combined question: missing action slots merge into `slots.combined`, missing tool parameters
 * into `slot.tool.combined`, and two different gaps are joined with `combine`.
 */
import type { QuestionRef } from './finding.js';
import { joinAnd } from './text.js';

export const DEFAULT_QUESTION_TEMPLATES: Readonly<Record<string, string>> = {
  missing_input: 'Could you paste or attach the {material} you want me to {action}?',
  unresolved_reference: 'What does “{reference}” refer to?',
  ambiguous_antecedent: 'Who does “{reference}” refer to — {candidates}?',
  'slot.target_language': 'Which language should I translate it into?',
  'slot.date': 'For which date?',
  'slot.time': 'At what time?',
  'slot.place': 'Where should it be?',
  'slot.party_size': 'For how many people?',
  'slot.recipient': 'Who should I send it to?',
  'slot.target_format': 'What unit or format should I convert it to?',
  'slot.items': 'Which items would you like me to compare?',
  'slot.criteria': 'What matters most to you in a {what} — for example budget, purpose or taste?',
  'slot.tool': 'What {param} should I use?',
  'slots.combined': 'Could you tell me the {slots} for the {what}?',
  'slot.tool.combined': 'Could you give me the {params}?',
  'unanchored.place': 'Which country or place do you mean?',
  'unanchored.time': 'Which year or season do you mean?',
  'unanchored.work': 'Which book, film, product or event do you mean?',
  polysemy: 'Which “{term}” do you mean — {senses}?',
  'polysemy.title': 'Which “{term}” do you mean — the book, the film or something else?',
  contradiction: 'Your constraints conflict (“{a}” vs “{b}”) — which one should take priority?',
  'examples.rule': 'The examples fit more than one rule{choices} — which one do you mean?',
  unfamiliar_entity: 'I’m not sure what “{entity}” is — could you check the spelling or say a bit more about it?',
  vague_request: 'Could you say a bit more about what you need — the purpose, scope or details that matter to you?',
  'vague_request.topic': 'What would you like to know about {topic}?',
  'task.plan': 'Could you tell me a bit more for the {task} — where and when, for whom, and your budget?',
  'task.choice': 'What matters most to you in the {task} — for example budget, purpose or taste?',
  'task.program': 'Which language should it be in, and what input does it take and what should it produce?',
  'task.change': 'What should the {task} be changed to — the new value, date or amount?',
  'task.which': 'Which {task} do you mean — could you give its number, date or name?',
  combine: '{first} Also, {second}',
};

export const QUESTION_TEMPLATE_IDS: readonly string[] = Object.keys(DEFAULT_QUESTION_TEMPLATES);

const SLOT_LABELS: Record<string, string> = {
  date: 'date',
  time: 'time',
  place: 'place',
  party_size: 'number of people',
  recipient: 'recipient',
  target_language: 'target language',
  target_format: 'target unit or format',
  items: 'items to compare',
  criteria: 'criteria',
};
const PLACEHOLDER = /\{([a-zA-Z_]+)\}/g;

export type Templates = Readonly<Record<string, string>>;

export function fill(templates: Templates, id: string, vars: Readonly<Record<string, string>>): string {
  const template = templates[id] ?? DEFAULT_QUESTION_TEMPLATES[id] ?? '';
  return template
    .replace(PLACEHOLDER, (_m, name: string) => vars[name] ?? '')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

function lowerFirst(s: string): string {
  if (s.length === 0 || /^I\b/.test(s)) return s;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** One question for the refs, strongest first. Returns null when there is nothing to ask. */
export function composeQuestion(refs: readonly QuestionRef[], templates: Templates): string | null {
  if (refs.length === 0) return null;
  const questions: string[] = [];
  const seen = new Set<string>();
  const actionSlots = refs.filter((r) => r.template.startsWith('slot.') && r.template !== 'slot.tool' && r.template !== 'slot.criteria');
  const toolSlots = refs.filter((r) => r.template === 'slot.tool');
  // A place asked for by a slot makes the generic "which place?" question redundant.
  const placeAsked = refs.some(
    (r) => r.template === 'slot.place' || (r.template === 'slot.tool' && /city|location|place|country|address|region/i.test(r.vars.param ?? '')),
  );
  let slotsDone = false;
  let toolsDone = false;
  for (const ref of refs) {
    if (placeAsked && ref.template === 'unanchored.place') continue;
    let q: string;
    if (actionSlots.length >= 2 && actionSlots.includes(ref)) {
      if (slotsDone) continue;
      slotsDone = true;
      const labels = actionSlots.map((r) => SLOT_LABELS[r.template.slice(5)] ?? r.template.slice(5));
      q = fill(templates, 'slots.combined', { slots: joinAnd([...new Set(labels)]), what: actionSlots[0]?.vars.what ?? 'request' });
    } else if (toolSlots.length >= 2 && toolSlots.includes(ref)) {
      if (toolsDone) continue;
      toolsDone = true;
      q = fill(templates, 'slot.tool.combined', { params: joinAnd(toolSlots.map((r) => r.vars.param ?? '')), tool: ref.vars.tool ?? '' });
    } else {
      q = fill(templates, ref.template, ref.vars);
    }
    if (q.length === 0 || seen.has(q)) continue;
    seen.add(q);
    questions.push(q);
    if (questions.length === 2) break;
  }
  if (questions.length === 0) return null;
  if (questions.length === 1) return questions[0] ?? null;
  return fill(templates, 'combine', { first: questions[0] ?? '', second: lowerFirst(questions[1] ?? '') });
}
