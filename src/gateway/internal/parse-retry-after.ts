/**
 * How long a provider asks us to wait before the next attempt, from its response headers. OpenAI sends
 * `retry-after-ms` (milliseconds, may be fractional) beside the standard `Retry-After` (RFC 9110: delay in
 * seconds or an HTTP date); the millisecond header is the more precise and wins when both are present.
 */

/**
 * @returns the wait in milliseconds (never negative), or undefined when neither header is present or readable.
 * @example parseRetryAfterMs({ 'retry-after': '2' }) // 2000
 */
export function parseRetryAfterMs(headers: Record<string, string | string[] | undefined>, now: number = Date.now()): number | undefined {
  const milliseconds = parseNumber(firstValue(headers['retry-after-ms']));
  if (milliseconds !== undefined) return Math.ceil(milliseconds);
  const value = firstValue(headers['retry-after']);
  if (value === undefined) return undefined;
  const seconds = parseNumber(value);
  if (seconds !== undefined) return Math.ceil(seconds * 1000);
  // An HTTP date names a day of the week first; a bare number was handled above.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed;
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
