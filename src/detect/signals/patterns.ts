/**
 * Shared recognisers for slot values and anchors: dates, times, party sizes, places, languages,
 * recipients. Each is one precompiled linear regex or a token-set lookup.
 */
import { LANGUAGES, PLACE_ADJECTIVES, PLACES } from '../lexicon.js';

export const DATE =
  /\b(?:today|tomorrow|tonight|yesterday|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|next (?:week|month|year)|this (?:week|month|year)|in \d+ (?:days?|weeks?|months?)|\d{1,2}(?:st|nd|rd|th)\b|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?)\b/i;
export const TIME =
  /\b(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|h|uhr)|\d{1,2}:\d{2}|noon|midday|midnight|morning|afternoon|evening|tonight|lunchtime|breakfast|lunch|dinner)\b/i;
export const PARTY_SIZE =
  /\b(?:for\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a couple|a group|me|us|myself|the (?:two|three|four|five|six) of us)|\d+\s+(?:people|persons|guests|adults|kids|children|of us|pax)|party of\s+\w+|(?:two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:people|persons|guests|adults|of us)|just me|solo|alone)\b/i;
export const YEAR = /\b(?:1[0-9]{3}|20[0-9]{2})s?\b/;
export const EMAIL_ADDRESS = /\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/;
export const URL = /\bhttps?:\/\/\S/i;
export const NUMBER =
  /\b\d+(?:[.,]\d+)?\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|hundred|thousand|million|dozen|half)\b/i;
// "in Paris", "to New York", "at Nobu", "near the Louvre" — a capitalised name after a place preposition.
const PLACE_PHRASE = /\b(?:in|at|to|near|from|around|for|of)\s+(?:the\s+)?[A-Z][\p{L}'’-]+/u;
const MULTIWORD_PLACE =
  /\b(?:united (?:states|kingdom|nations|arab emirates)|new (?:york|zealand|delhi|jersey|mexico|hampshire)|south (?:africa|korea|carolina|dakota)|north (?:korea|carolina|dakota)|hong kong|los angeles|san francisco|las vegas|rhode island|west virginia|saudi arabia|sri lanka|costa rica|puerto rico)\b/i;

export function hasPlace(cased: string, tokens: readonly string[]): boolean {
  if (PLACE_PHRASE.test(cased) || MULTIWORD_PLACE.test(cased)) return true;
  for (const t of tokens) if (PLACES.has(t) || PLACE_ADJECTIVES.has(t)) return true;
  return false;
}

/** "to French", "into German", "in Spanish": a target language named. */
export function hasTargetLanguage(tokens: readonly string[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i];
    if ((t === 'to' || t === 'into' || t === 'in') && LANGUAGES.has(tokens[i + 1] ?? '')) return true;
  }
  return false;
}

export function hasLanguage(tokens: readonly string[]): boolean {
  for (const t of tokens) if (LANGUAGES.has(t)) return true;
  return false;
}
