/**
 * Recognises an assistant answer that is a refusal written as text (older models, or providers without the
 * `refusal` field). Deliberately conservative: only short answers that *open* with a stock refusal phrase
 * count, so an answer that merely mentions "I can't" further in, or a long answer with a caveat, is kept.
 */

const maxRefusalLength = 400;

const refusalOpenings: readonly RegExp[] = [
  /^(?:i[’']m|i am)\s+(?:really\s+|very\s+)?sorry,?\s+(?:but\s+)?i\s+(?:can(?:not|[’']t)|am\s+(?:not\s+able|unable)|won[’']t)\b/i,
  /^sorry,?\s+(?:but\s+)?i\s+(?:can(?:not|[’']t)|am\s+(?:not\s+able|unable)|won[’']t)\b/i,
  /^i\s+(?:can(?:not|[’']t)|am\s+(?:not\s+able|unable)\s+to|won[’']t)\s+(?:help|assist|comply|provide|do)\b[^.]{0,40}\b(?:with|that|this)\b/i,
  /^as an ai(?: language model)?,?\s+i\s+(?:can(?:not|[’']t)|am\s+(?:not\s+able|unable))\b/i,
];

export function isRefusalText(content: string): boolean {
  const text = content.trim();
  if (text.length === 0 || text.length > maxRefusalLength) return false;
  return refusalOpenings.some((pattern) => pattern.test(text));
}
