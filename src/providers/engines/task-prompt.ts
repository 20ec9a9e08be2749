/**
 * The compact task prompt: the prompt format of specialists trained from scratch by Understudy (micro
 * specialists), which serve one task and were trained on the request's final user message alone, rendered by
 * the engine's plain renderer (no chat template). The system prompt is constant for a one-task model and
 * earlier turns were never seen in training, so both are dropped before the request reaches the engine.
 */
import type { ChatMessage } from '../../contracts/chat-completion.ts';
import { UnderstudyError } from '../../contracts/errors.ts';

/** The messages to send a task-prompt specialist: the final user message only. */
export function compactTaskPrompt(messages: readonly ChatMessage[]): ChatMessage[] {
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  if (lastUser === undefined) throw new UnderstudyError('invalid_request', 'A task-prompt specialist needs a user message to answer.', { param: 'messages' });
  return [lastUser];
}
