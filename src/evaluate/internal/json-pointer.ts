/** RFC 6901 JSON pointer segments: "~" → "~0", "/" → "~1". The document root is "". */
export function appendPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replace(/~/gu, '~0').replace(/\//gu, '~1')}`;
}
