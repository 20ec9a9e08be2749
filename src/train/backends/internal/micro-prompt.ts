/**
 * The micro specialist's prompt format, the "compact task prompt": only the request's final user message, as
 * the embedded engine's plain renderer (llama-prompt.ts, used for models without a chat template) turns one
 * message into text — its text parts joined, nothing added. The system prompt is dropped because a micro
 * model serves exactly one task, so the instruction is constant and would only spend its small byte context;
 * earlier turns are dropped for the same reason. The model learns to start its answer right where that text
 * ends, because the engine appends nothing after the last message.
 *
 * So at serving time the runner must send `compactTaskPrompt(messages)` (the final user message alone), not
 * the whole conversation: the plain renderer would join every message with blank lines and the model has
 * never seen that.
 */
import type { FineTuneContent, FineTuneLine } from '../../../curate/dataset/training-example.ts';

/** One training example of a micro specialist: the prompt text the engine renders and the answer to learn. */
export interface MicroTrainingText {
  prompt: string;
  completion: string;
}

export { compactTaskPrompt } from '../../../providers/engines/task-prompt.ts';

/**
 * The prompt and answer text of one dataset line, or null when the line has no user message or its answer
 * is not plain text (micro specialists do not learn tool calls yet).
 */
export function toMicroTrainingText(line: FineTuneLine): MicroTrainingText | null {
  const answer = line.messages.at(-1);
  if (answer === undefined || answer.role !== 'assistant' || (answer.tool_calls?.length ?? 0) > 0) return null;
  const completion = contentText(answer.content);
  const lastUser = line.messages.slice(0, -1).reverse().find((message) => message.role === 'user');
  if (completion === null || completion.length === 0 || lastUser === undefined) return null;
  const prompt = contentText(lastUser.content);
  return prompt === null || prompt.length === 0 ? null : { prompt, completion };
}

/** Text as the plain renderer reads it: a string, or the text parts joined; null for anything else. */
function contentText(content: FineTuneContent | null | undefined): string | null {
  if (content === undefined || content === null) return null;
  if (typeof content === 'string') return content;
  const parts: string[] = [];
  for (const part of content) {
    if (part.type !== 'text' || typeof part.text !== 'string') return null;
    parts.push(part.text);
  }
  return parts.join('');
}
