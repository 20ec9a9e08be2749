/**
 * Text normalisations shared by the metrics. Each one removes a difference that carries no meaning for the
 * agent reading the answer, and nothing more.
 */

/**
 * Unicode NFC (so "é" typed as one code point or as "e" + combining accent compare equal), trimmed, every run
 * of whitespace (newlines and tabs included) collapsed to one space.
 */
export function normaliseText(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/**
 * A short label: `normaliseText`, lower-cased, trailing punctuation dropped ("Refund." = "refund"). Leading
 * punctuation is kept: "-1" and "1" are different labels.
 */
export function normaliseLabel(text: string): string {
  return normaliseText(text).toLowerCase().replace(/[\p{P}\s]+$/u, '');
}

/**
 * The Berkeley Function Calling Leaderboard's `standardize_string` (ast_checker.py): remove spaces and
 * `, . / - _ * ^`, lower-case, and turn single quotes into double quotes — so "San Francisco, CA" equals
 * "san francisco ca". We add NFC first and treat every whitespace character as a space. Kept to BFCL's exact
 * character set so our tool-call agreement means what BFCL's does.
 */
export function standardiseString(text: string): string {
  return text.normalize('NFC').replace(/[\s,./\-_*^]/gu, '').toLowerCase().replace(/'/gu, '"');
}
