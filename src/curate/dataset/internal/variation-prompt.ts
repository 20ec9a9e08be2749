/**
 * The one prompt `dataset augment` sends a teacher to get a new input for a task (step A of
 * `augment-dataset.ts`): a few of the task's real inputs, already redacted, and the request for ONE new input of
 * the same kind with other values. Short and explicit, so any instruction-following model answers it the same
 * way; the reply is read back with `readVariationReply`, which forgives the wrappers models like to add.
 *
 * The simulator's teacher recognises this prompt by its wording (`src/simulate/teacher/internal/
 * input-variation-skill.ts`): change the markers or the request sentence and that skill with them.
 */
import type { ChatCompletionRequest } from '../../../contracts/chat-completion.ts';

export const variationInputOpen = '<input>';
export const variationInputClose = '</input>';

const systemPrompt =
  'You write realistic new test inputs for a software task. Answer with the new input text only: no preamble, no quotes, no explanation.';

/** A chat request asking `model` for one new input like `inputs` (the final user messages of training examples). */
export function buildVariationRequest(model: string, inputs: readonly string[]): ChatCompletionRequest {
  const shown = inputs.map((input) => `${variationInputOpen}\n${input}\n${variationInputClose}`).join('\n\n');
  const user =
    `Here are ${inputs.length} example inputs that one task of an application receives, each between ${variationInputOpen} and ${variationInputClose}.\n\n` +
    `${shown}\n\n` +
    'Write ONE new input of the same kind and format, with different values: other names, email addresses, phone numbers, ' +
    'amounts, dates, places and ids. Keep the wording style, structure and length. Do not reuse any value from the examples. ' +
    'Reply with the new input only.';
  return {
    model,
    messages: [
      { role: 'system', content: systemPrompt },
      { role: 'user', content: user },
    ],
  };
}

/** The input a variation reply carries: trimmed, without a code fence or input markers around it; '' when none. */
export function readVariationReply(content: string | null | undefined): string {
  let text = (content ?? '').trim();
  const fenced = /^```[a-z]*\n([\s\S]*?)\n```$/u.exec(text);
  if (fenced) text = fenced[1]!.trim();
  if (text.startsWith(variationInputOpen) && text.endsWith(variationInputClose)) {
    text = text.slice(variationInputOpen.length, text.length - variationInputClose.length).trim();
  }
  return text;
}
