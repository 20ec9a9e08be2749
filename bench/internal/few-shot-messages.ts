/**
 * Few-shot prompting for a base model: after the system message, each example becomes a user turn (the
 * example's last message as it was sent) and an assistant turn (the teacher's correct answer — its text,
 * or for a tool call the `{"name","arguments"}` JSON the engine's tool grammar produces), then the real
 * conversation follows. Examples come from the training split only.
 */
import type { ChatMessage } from '../../src/contracts/chat-completion.ts';
import type { CollectedCall } from './collect-simulated-calls.ts';

export function withFewShotExamples(messages: readonly ChatMessage[], examples: readonly CollectedCall[]): ChatMessage[] {
  const [first, ...rest] = messages;
  const system = first?.role === 'system' || first?.role === 'developer' ? [first] : [];
  const conversation = system.length > 0 ? rest : [...messages];
  const turns: ChatMessage[] = [];
  for (const example of examples) {
    const last = example.call.request.messages.at(-1);
    const question = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
    turns.push({ role: 'user', content: question });
    turns.push({ role: 'assistant', content: answerText(example) });
  }
  return [...system, ...turns, ...conversation];
}

function answerText(example: CollectedCall): string {
  const message = example.completion.choices[0]?.message;
  const toolCall = message?.tool_calls?.[0];
  if (toolCall) return JSON.stringify({ name: toolCall.function.name, arguments: JSON.parse(toolCall.function.arguments) as unknown });
  return message?.content ?? '';
}
