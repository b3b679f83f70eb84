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
  readonly lower: string;
  readonly tokens: readonly string[];
  /** Content words of the request that are not the tool's own name words. */
  readonly freeContent: number;
}

/** One parameter's schema with `anyOf` / `oneOf` alternatives and `type` arrays folded: its types, nullability, enum, format and description. */
interface Param {
  readonly types: ReadonlySet<string>;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
  readonly enumValues: readonly unknown[] | undefined;
  readonly format: string;
  /** Name and description words, lower-cased: what the parameter is for. */
  readonly about: string;
  readonly schema: Record<string, unknown>;
}

function paramOf(name: string, raw: Record<string, unknown>): Param {
  const types = new Set<string>();
  let nullable = false;
  let enumValues: unknown[] | undefined;
  let format = '';
  let description = '';
  let itemsAbout = '';
  const visit = (s: Record<string, unknown>, depth: number): void => {
    const t = s.type;
    for (const v of Array.isArray(t) ? t : [t]) {
      if (v === 'null') nullable = true;
      else if (typeof v === 'string') types.add(v);
    }
    if (Array.isArray(s.enum)) enumValues = [...(enumValues ?? []), ...(s.enum as unknown[])];
    if (typeof s.format === 'string' && format === '') format = s.format;
    if (typeof s.description === 'string') description += ` ${s.description.slice(0, 200)}`;
    const items = asRecord(s.items);
    if (items !== undefined) {
      if (typeof items.format === 'string' && format === '') format = items.format;
      if (typeof items.description === 'string') itemsAbout += ` ${items.description.slice(0, 100)}`;
    }
    if (depth > 2) return;
    for (const key of ['anyOf', 'oneOf']) {
      const alternatives = s[key];
      if (Array.isArray(alternatives))
        for (const a of alternatives.slice(0, 8)) {
          const r = asRecord(a);
          if (r !== undefined) visit(r, depth + 1);
        }
    }
  };
  visit(raw, 0);
  const about = `${name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' ')} ${description}${itemsAbout}`.toLowerCase();
  return { types, nullable, hasDefault: 'default' in raw, enumValues, format, about, schema: raw };
}

const CURRENCY = /(?:\b(?:usd|eur|gbp|jpy|chf|cad|aud|cny|inr|dollars?|euros?|pounds?|yen|francs?|pesos?|rupees?|yuan|won|krona|kronor|real|reais)\b|[$€£¥])/i;
// An identifier: a token with a digit (A-10293, 55120), or a ticker-like all-capitals word.
const IDENTIFIER = /\b(?=[A-Za-z-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,}\b|\b[A-Z]{2,5}\b/;
// A person or place name after the first word, or "my landlord", "the team".
const NAME = /[^.!?]\s[A-Z][\p{L}'’-]+|\b(?:my|our|his|her|their)\s+[a-z]{3,}/u;
const TEMPERATURE = /\b\d+(?:[.,]\d+)?\s*(?:°|degrees?|c\b|f\b)/i;

/** Could something in the request or its context fill this required parameter? Judged by what the parameter is. */
function fillable(p: Param, ev: Evidence): boolean {
  const about = p.about;
  const enumValues = p.enumValues;
  if (enumValues !== undefined && enumValues.length > 0) {
    if (enumValues.some((v) => typeof v === 'string' && v.length > 0 && ev.lower.includes(v.toLowerCase()))) return true;
    // Numeric enums (party sizes, hours): any number stated.
    if (enumValues.every((v) => typeof v === 'number')) return NUMBER.test(ev.cased);
    return false;
  }
  const format = p.format;
  if (format === 'email' || /\b(?:e-?mail|recipients?|attendees?|invitees?)\b|^to\b/.test(about))
    return EMAIL_ADDRESS.test(ev.cased) || /\b(?:to|with)\s+[A-Z]/.test(ev.cased);
  if (format === 'uri' || format === 'url' || /\b(?:url|link|uri|website)\b/.test(about)) return URL.test(ev.cased);
  if (format === 'date' || format === 'date-time' || /\b(?:date|day|when|deadline|check in|start|end|time|yyyy|iso 8601)\b/.test(about))
    return DATE.test(ev.cased) || TIME.test(ev.cased);
  if (/\b(?:city|location|place|address|country|region|destination|origin|where|airport|iata|postcode|zip|neighbou?rhood)\b/.test(about))
    return hasPlace(ev.cased, ev.tokens);
  if (/\blang(?:uage)?\b/.test(about)) return hasLanguage(ev.tokens);
  if (/\bcurrenc/.test(about)) return CURRENCY.test(ev.cased);
  if (/\b(?:temperature|celsius|fahrenheit|degrees)\b/.test(about)) return TEMPERATURE.test(ev.cased);
  if (/\b(?:id|number|code|symbol|ticker|sku|reference)\b/.test(about) && !p.types.has('integer') && !p.types.has('number')) return IDENTIFIER.test(ev.cased);
  if (
    p.types.has('integer') ||
    p.types.has('number') ||
    /\b(?:count|amount|size|quantity|guests|people|party|nights|weight|price|kg|minutes|hours)\b/.test(about)
  )
    return NUMBER.test(ev.cased);
  if (p.types.has('boolean')) return true;
  if (/\b(?:name|payee|person|contact|artist|author|restaurant|company|user|assignee|customer)\b/.test(about)) return NAME.test(ev.cased);
  // Free text (query, message, topic...): fillable when the request says anything beyond the tool's own words.
  return ev.freeContent > 0;
}

/**
 * The required parameters to check, as [path, schema]: a required object parameter stands for its
 * own required properties (one level down); parameters with a default or a nullable type are not
 * gaps (the tool accepts them absent).
 */
function requiredParams(params: Record<string, unknown> | undefined, prefix: string, depth: number, out: Array<[string, Param]>): void {
  if (params === undefined || out.length >= 16) return;
  const required = Array.isArray(params.required) ? params.required.filter((r): r is string => typeof r === 'string') : [];
  const properties = asRecord(params.properties) ?? {};
  for (const name of required.slice(0, 16)) {
    const raw = asRecord(properties[name]) ?? {};
    const p = paramOf(name, raw);
    if (p.hasDefault || p.nullable) continue;
    if (depth < 2 && p.types.has('object') && asRecord(raw.properties) !== undefined && Array.isArray(raw.required) && raw.required.length > 0) {
      requiredParams(raw, `${prefix}${name}.`, depth + 1, out);
      continue;
    }
    out.push([`${prefix}${name}`, p]);
  }
}

function run(view: RequestView, out: FindingSink): void {
  // Earlier turns held elsewhere may have given the arguments.
  if (view.tools.length === 0 || view.empty || view.contextUnknown) return;
  const stems = new Set<string>();
  for (const t of view.tokens) if (t.length > 2) stems.add(stem(t));
  const tool = matchTool(view, stems);
  if (tool === undefined) return;
  const required: Array<[string, Param]> = [];
  requiredParams(asRecord(tool.parameters), '', 0, required);
  if (required.length === 0) return;

  const own = new Set(toolWords(tool));
  let freeContent = 0;
  for (const t of view.tokens) if (!STOPWORDS.has(t) && t.length > 2 && !own.has(stem(t))) freeContent++;
  const cased = view.contextCased.length > 0 ? `${view.head}\n${view.contextCased}` : view.head;
  const tokens = view.contextCased.length > 0 ? [...view.tokens, ...tokenize(view.contextLower)] : view.tokens;
  const ev: Evidence = { cased, lower: cased.toLowerCase(), tokens, freeContent };

  for (const [name, param] of required) {
    if (fillable(param, ev)) continue;
    const schema = param.schema;
    const description = typeof schema.description === 'string' ? schema.description.slice(0, 80) : '';
    out.push({
      feature: 'slot_tool',
      id: 'missing_slot',
      category: 'aleatoric',
      evidence: `request maps to tool "${tool.name}" but nothing fills its required parameter "${name}"${description === '' ? '' : ` (${description})`}`,
      slot: `tool:${tool.name}.${name}`,
      question: { template: 'slot.tool', vars: { tool: tool.name, param: name.replace(/[_.]/g, ' '), description } },
    });
  }
}

export const toolSlots: Rule = { name: 'tool_slots', reads: [], run };
