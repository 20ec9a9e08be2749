/**
 * Knowing exactly where planted values sit. A redactor is scored span by span, so every planted value's
 * offsets must be exact in the string as sent — message content, or a tool call's JSON `arguments`, where
 * the value appears the way JSON writes it (quotes and newlines escaped).
 */
import type { PiiKind, PiiSpan } from '../simulated-task.ts';

/** A value a generator planted, before we know where it landed. */
export interface PlantedValue {
  kind: PiiKind;
  value: string;
  /** Country of a phone number, IBAN, address or national id (ISO 3166-1 alpha-2); absent for the other kinds. */
  country?: string;
}

/** A planted value and its place: `text.slice(start, end) === value`, with `value` as written in that text. */
export interface PlantedSpan extends PlantedValue {
  start: number;
  end: number;
}

/**
 * Builds a string piece by piece, remembering where each planted value starts and ends.
 *
 * @example
 * const text = new PlantedText().append('Hi, I am ').plant('person_name', 'Léa Dubois').append('.');
 * text.spans(); // [{ kind: 'person_name', value: 'Léa Dubois', start: 9, end: 19 }]
 */
export class PlantedText {
  #text = '';
  readonly #spans: PlantedSpan[] = [];

  append(text: string): this {
    this.#text += text;
    return this;
  }

  /** Appends a planted value and records its span; `country` as in `PiiSpan`. */
  plant(kind: PiiKind, value: string, country?: string): this {
    const start = this.#text.length;
    this.#text += value;
    this.#spans.push(withCountry({ kind, value, start, end: this.#text.length }, country));
    return this;
  }

  get text(): string {
    return this.#text;
  }

  /** Copies of the spans, in the order planted (which is also the order of their offsets). */
  spans(): PlantedSpan[] {
    return this.#spans.map((span) => ({ ...span }));
  }

  /** The planted values without offsets, to find them again after the text is embedded elsewhere. */
  planted(): PlantedValue[] {
    return this.#spans.map(({ kind, value, country }) => withCountry({ kind, value }, country));
  }
}

function withCountry<T extends object>(base: T, country: string | undefined): T & { country?: string } {
  return country === undefined ? base : { ...base, country };
}

/**
 * The forms a value takes in text: raw; inside a JSON string (`JSON.stringify(value).slice(1, -1)`);
 * with non-ASCII as `\uXXXX` (Python's `json.dumps` default); and escaped twice, for JSON carried inside a
 * JSON string (a tool argument holding a serialised object).
 */
export function writtenForms(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1);
  const asciiEscaped = escaped.replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const escapedTwice = JSON.stringify(escaped).slice(1, -1);
  return [...new Set([value, escaped, asciiEscaped, escapedTwice])];
}

const wordCharacter = /[\p{L}\p{N}]/u;

/** Whether `index` directly follows a JSON escape such as `\n` or `\u00e9` (a backslash run of odd length). */
function followsEscape(text: string, index: number): boolean {
  const unicodeStart = index - 6;
  const escapeStart = unicodeStart >= 0 && /^\\u[0-9a-fA-F]{4}$/.test(text.slice(unicodeStart, index)) ? unicodeStart : index - 2;
  if (escapeStart < 0 || text[escapeStart] !== '\\') return false;
  let backslashes = 0;
  for (let cursor = escapeStart; cursor >= 0 && text[cursor] === '\\'; cursor -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

/**
 * Whether a match stands on its own: a value starting (ending) with a letter or digit must not continue a
 * word before (after) it, so "Li" is not found inside "Linda". A JSON escape before it counts as a boundary.
 */
function standsAlone(text: string, start: number, end: number): boolean {
  const first = text[start] ?? '';
  const last = text[end - 1] ?? '';
  const before = text[start - 1];
  const after = text[end];
  if (before !== undefined && wordCharacter.test(first) && wordCharacter.test(before) && !followsEscape(text, start)) return false;
  if (after !== undefined && wordCharacter.test(last) && wordCharacter.test(after)) return false;
  return true;
}

/**
 * Every place each planted value occurs in `text`, raw or JSON-escaped, ordered by offset. Each span's
 * `value` is the value as written there, so `text.slice(start, end) === value` always holds. An occurrence
 * inside a longer planted value's occurrence is left out (the longer span covers it).
 *
 * @example
 * const argumentsText = JSON.stringify({ note: 'call "Ana Silva"\nat home' });
 * locatePlanted(argumentsText, [{ kind: 'person_name', value: 'Ana Silva' }]); // one span, at offset 16
 */
export function locatePlanted(text: string, planted: ReadonlyArray<PlantedValue>): PlantedSpan[] {
  const found = new Map<string, PlantedSpan>();
  for (const item of planted) {
    if (item.value.length === 0) continue;
    for (const form of writtenForms(item.value)) {
      for (let start = text.indexOf(form); start !== -1; start = text.indexOf(form, start + 1)) {
        const end = start + form.length;
        if (!standsAlone(text, start, end)) continue;
        const key = `${item.kind}:${start}:${end}`;
        if (!found.has(key)) found.set(key, withCountry({ kind: item.kind, value: form, start, end }, item.country));
      }
    }
  }
  const spans = [...found.values()];
  // A value found inside a longer planted value (a name inside an address) is reported once, by the longer
  // one: masking the longer span masks both, and counting both would score one miss as two.
  const outermost = spans.filter(
    (span) => !spans.some((other) => other.start <= span.start && other.end >= span.end && other.end - other.start > span.end - span.start),
  );
  return outermost.sort((left, right) => left.start - right.start || left.end - right.end);
}

/**
 * Spans as the ground-truth contract records them, for one message's content or one tool call's arguments.
 * `toolCallIndex` is kept only for `tool_arguments`, where it says which call of the message.
 */
export function toPiiSpans(
  spans: ReadonlyArray<PlantedSpan>,
  messageIndex: number,
  location: PiiSpan['location'],
  toolCallIndex?: number,
): PiiSpan[] {
  return spans.map((span) => {
    const piiSpan: PiiSpan = { kind: span.kind, value: span.value, messageIndex, location, start: span.start, end: span.end };
    if (span.country !== undefined) piiSpan.country = span.country;
    if (location === 'tool_arguments' && toolCallIndex !== undefined) piiSpan.toolCallIndex = toolCallIndex;
    return piiSpan;
  });
}
