/**
 * Where each signal's evidence sits in the request text. A signal's evidence names the words it
 * reacted to in double quotes (`"fix it" but no text is attached`); those phrases are found in
 * the text, case-insensitively, and marked with the signal's index. Overlaps keep the first mark.
 */
export interface Span {
  start: number;
  end: number;
  /** Index of the signal in the event's list, or -1 for plain text. */
  signal: number;
}

export function evidencePhrases(evidence: string): string[] {
  const phrases: string[] = [];
  for (const match of evidence.matchAll(/"([^"]{2,80})"/g)) {
    const phrase = (match[1] ?? '').replace(/^\^/, '').replace(/\$$/, '').trim();
    if (phrase.length >= 2) phrases.push(phrase);
  }
  return phrases;
}

/** The text cut into plain and marked spans, in order. */
export function highlight(text: string, signals: readonly { evidence: string }[]): Span[] {
  const lower = text.toLowerCase();
  const marks: Span[] = [];
  signals.forEach((signal, index) => {
    for (const phrase of evidencePhrases(signal.evidence)) {
      const needle = phrase.toLowerCase();
      let from = 0;
      for (;;) {
        const at = lower.indexOf(needle, from);
        if (at < 0) break;
        const end = at + needle.length;
        if (!marks.some((m) => at < m.end && end > m.start)) marks.push({ start: at, end, signal: index });
        from = end;
      }
    }
  });
  marks.sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  let at = 0;
  for (const mark of marks) {
    if (mark.start > at) spans.push({ start: at, end: mark.start, signal: -1 });
    spans.push(mark);
    at = mark.end;
  }
  if (at < text.length) spans.push({ start: at, end: text.length, signal: -1 });
  return spans;
}
