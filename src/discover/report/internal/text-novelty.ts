/**
 * How open-ended free-text answers are: the share of their words found neither in the call's own prompt nor
 * in the task's recurring phrasing (words used by at least `recurringShare` of the answers). Templated replies
 * and summaries copy names and ids from the prompt and wrap them in fixed phrases (low novelty); research
 * notes and chat bring new content each time (high novelty). Word-set distance alone cannot tell these apart:
 * slot values make templated answers look as different from one another as open prose.
 */
import { z } from 'zod';

const wordPattern = /[\p{L}\p{N}_]+/gu;
const recurringShare = 0.3;

function words(text: string): string[] {
  return text.toLowerCase().match(wordPattern) ?? [];
}

const promptMessagesSchema = z.looseObject({
  messages: z.array(z.looseObject({ content: z.unknown().optional(), tool_calls: z.unknown().optional() })),
});

/** Every word the model was shown: message contents and earlier tool calls (their arguments included). */
export function promptWordsOf(request: Record<string, unknown>): Set<string> {
  const parsed = promptMessagesSchema.safeParse(request);
  if (!parsed.success) return new Set();
  const texts: string[] = [];
  for (const message of parsed.data.messages) {
    if (typeof message.content === 'string') texts.push(message.content);
    else if (message.content !== undefined && message.content !== null) texts.push(JSON.stringify(message.content));
    if (message.tool_calls !== undefined) texts.push(JSON.stringify(message.tool_calls));
  }
  return new Set(words(texts.join('\n')));
}

/** Novel-word share over all answers, 0–1; null when there is no answer text. */
export function measureTextNovelty(answers: ReadonlyArray<{ answer: string; promptWords: ReadonlySet<string> }>): number | null {
  const answerWords = answers.map(({ answer }) => [...new Set(words(answer))]);
  const answersWithText = answerWords.filter((list) => list.length > 0).length;
  if (answersWithText === 0) return null;
  const usedBy = new Map<string, number>();
  for (const list of answerWords) for (const word of list) usedBy.set(word, (usedBy.get(word) ?? 0) + 1);
  let novel = 0;
  let total = 0;
  answers.forEach(({ promptWords }, index) => {
    for (const word of answerWords[index] ?? []) {
      total += 1;
      if (!promptWords.has(word) && (usedBy.get(word) ?? 0) / answersWithText < recurringShare) novel += 1;
    }
  });
  return novel / total;
}
