/**
 * missing_slot (tools): when the app passes tools, find the tool the request maps to (its name
 * words or description words in the request) and check each JSON-schema `required` parameter
 * for something in the conversation that could fill it (by the parameter's name, type, enum and
 * format). A required parameter with nothing to fill it is a missing slot `tool:<name>.<param>`.
 * Lenient on purpose: free-text parameters count as fillable when the request has any content.
 */
import type { ToolDefinition } from '../../conversation.js';
import { STOPWORDS } from '../lexicon.js';
import { tokenize } from '../text.js';
import type { RequestView } from '../view.js';
import type { FindingSink, Rule } from './rule.js';
import { DATE, EMAIL_ADDRESS, hasLanguage, hasPlace, NUMBER, TIME, URL } from './patterns.js';

const GENERIC_NAME_WORDS = new Set([
  'get',
  'set',
  'list',
  'create',
  'update',
  'delete',
  'fetch',
  'do',
  'run',
  'make',
  'the',
  'a',
  'an',
  'to',
  'for',
  'of',
  'by',
  'tool',
  'api',
  'info',
  'data',
  'new',
  'current',
]);
const SPLIT_NAME = /[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/;

function stem(word: string): string {
  return word.length > 5 ? word.slice(0, 5) : word;
}

function toolWords(tool: ToolDefinition): string[] {
  const words = new Set<string>();
  for (const w of tool.name.split(SPLIT_NAME)) {
    const lw = w.toLowerCase();
    if (lw.length > 2 && !GENERIC_NAME_WORDS.has(lw)) words.add(stem(lw));
  }
  return [...words];
}

function descriptionWords(tool: ToolDefinition): string[] {
  if (tool.description === undefined) return [];
  const words = new Set<string>();
  for (const w of tokenize(tool.description.slice(0, 300).toLowerCase())) {
    if (w.length > 3 && !STOPWORDS.has(w) && !GENERIC_NAME_WORDS.has(w)) words.add(stem(w));
  }
  return [...words];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The tool the request most plausibly maps to, or undefined. */
function matchTool(view: RequestView, stems: ReadonlySet<string>): ToolDefinition | undefined {
  let best: ToolDefinition | undefined;
  let bestScore = 0;
  for (const tool of view.tools.slice(0, 64)) {
    let score = 0;
    for (const w of toolWords(tool)) if (stems.has(w)) score += 2;
    for (const w of descriptionWords(tool)) if (stems.has(w)) score += 1;
    if (score > bestScore) {
      bestScore = score;
      best = tool;
    }
  }
  return bestScore >= 2 ? best : undefined;
}

interface Evidence {
  readonly cased: string;
  readonly tokens: readonly string[];
  /** Content words of the request that are not the tool's own name words. */
  readonly freeContent: number;
}

function fillable(name: string, schema: Record<string, unknown>, ev: Evidence): boolean {
  const lname = name.toLowerCase();
  const enumValues = Array.isArray(schema.enum) ? schema.enum : undefined;
  if (enumValues !== undefined) {
    return enumValues.some((v) => typeof v === 'string' && v.length > 0 && ev.cased.toLowerCase().includes(v.toLowerCase()));
  }
  const type = typeof schema.type === 'string' ? schema.type : '';
  const format = typeof schema.format === 'string' ? schema.format : '';
  if (format === 'email' || /e?mail|recipient/.test(lname)) return EMAIL_ADDRESS.test(ev.cased) || /\bto\s+[A-Z]/.test(ev.cased);
  if (format === 'uri' || format === 'url' || /url|link|uri/.test(lname)) return URL.test(ev.cased);
  if (format === 'date' || format === 'date-time' || /date|day|when|deadline|start|end|time/.test(lname)) return DATE.test(ev.cased) || TIME.test(ev.cased);
  if (/city|location|place|address|country|region|destination|origin|where/.test(lname)) return hasPlace(ev.cased, ev.tokens);
  if (/lang/.test(lname)) return hasLanguage(ev.tokens);
  if (type === 'integer' || type === 'number' || /count|amount|number|size|quantity|guests|people|party/.test(lname)) return NUMBER.test(ev.cased);
  if (type === 'boolean') return true;
  // Free text (query, message, topic...): fillable when the request says anything beyond the tool's own words.
  return ev.freeContent > 0;
}

function run(view: RequestView, out: FindingSink): void {
  if (view.tools.length === 0 || view.empty) return;
  const stems = new Set<string>();
  for (const t of view.tokens) if (t.length > 2) stems.add(stem(t));
  const tool = matchTool(view, stems);
  if (tool === undefined) return;
  const params = asRecord(tool.parameters);
  const required = Array.isArray(params?.required) ? params.required.filter((r): r is string => typeof r === 'string') : [];
  const properties = asRecord(params?.properties) ?? {};
  if (required.length === 0) return;

  const own = new Set(toolWords(tool));
  let freeContent = 0;
  for (const t of view.tokens) if (!STOPWORDS.has(t) && t.length > 2 && !own.has(stem(t))) freeContent++;
  const cased = view.contextCased.length > 0 ? `${view.head}\n${view.contextCased}` : view.head;
  const tokens = view.contextCased.length > 0 ? [...view.tokens, ...tokenize(view.contextLower)] : view.tokens;
  const ev: Evidence = { cased, tokens, freeContent };

  for (const name of required.slice(0, 16)) {
    const schema = asRecord(properties[name]) ?? {};
    if (fillable(name, schema, ev)) continue;
    const description = typeof schema.description === 'string' ? schema.description.slice(0, 80) : '';
    out.push({
      feature: 'slot_tool',
      id: 'missing_slot',
      category: 'aleatoric',
      evidence: `request maps to tool "${tool.name}" but nothing fills its required parameter "${name}"${description === '' ? '' : ` (${description})`}`,
      slot: `tool:${tool.name}.${name}`,
      question: { template: 'slot.tool', vars: { tool: tool.name, param: name.replace(/_/g, ' '), description } },
    });
  }
}

export const toolSlots: Rule = { name: 'tool_slots', reads: [], run };
