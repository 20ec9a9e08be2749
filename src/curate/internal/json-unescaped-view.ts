/**
 * A string with JSON string escapes decoded (`\n`, `\"`, `\\`, `\/`, `\uXXXX` …) and, for every decoded UTF-16
 * unit, the raw range it came from, so a span found in the decoded text maps back to the original string.
 */
export interface JsonUnescapedView {
  decoded: string;
  /** `rawStart[i]` / `rawEnd[i]`: the raw range of decoded unit `i`. */
  rawStart: number[];
  rawEnd: number[];
}

const simpleEscapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };

/** Decodes escapes wherever they appear; a backslash that starts no valid escape is kept as it is. */
export function createJsonUnescapedView(raw: string): JsonUnescapedView {
  let decoded = '';
  const rawStart: number[] = [];
  const rawEnd: number[] = [];
  let index = 0;
  while (index < raw.length) {
    const character = raw[index] ?? '';
    if (character === '\\') {
      const next = raw[index + 1] ?? '';
      const simple = simpleEscapes[next];
      if (simple !== undefined) {
        decoded += simple;
        rawStart.push(index);
        rawEnd.push(index + 2);
        index += 2;
        continue;
      }
      const hex = raw.slice(index + 2, index + 6);
      if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(hex)) {
        decoded += String.fromCharCode(Number.parseInt(hex, 16));
        rawStart.push(index);
        rawEnd.push(index + 6);
        index += 6;
        continue;
      }
    }
    decoded += character;
    rawStart.push(index);
    rawEnd.push(index + 1);
    index += 1;
  }
  return { decoded, rawStart, rawEnd };
}

/** Maps a decoded `[start, end)` span back to the raw string. */
export function mapToRaw(view: JsonUnescapedView, start: number, end: number): { start: number; end: number } {
  return { start: view.rawStart[start] ?? start, end: view.rawEnd[end - 1] ?? end };
}

/** Whether the text holds anything worth decoding. */
export function hasJsonEscapes(text: string): boolean {
  return /\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})/.test(text);
}
