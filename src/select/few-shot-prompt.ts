/**
 * Prompts for trying a base model on a task before any training. Zero-shot sends the task's own messages as
 * the agent sent them. Few-shot puts worked examples from the *training* split between the system message
 * and the real conversation: each example becomes a user turn (the example's last prompt message) and an
 * assistant turn (the teacher's answer — its text, or for a tool call the `{"name","arguments"}` JSON that
 * the engine's tool grammar makes the model write), so the model sees answers in the form it must produce.
 */
import type { ChatMessage } from '../contracts/chat-completion.ts';
import type { FineTuneLine, FineTuneMessage } from '../curate/dataset/training-example.ts';

/** A dataset line split into what the model is asked and the answer it should give. */
export interface PromptAndAnswer {
  prompt: ChatMessage[];
  answer: FineTuneMessage;
}

/** The prompt (every message before the last) and the reference answer (the last, an assistant message). */
export function splitDatasetLine(line: FineTuneLine): PromptAndAnswer {
  const answer = line.messages.at(-1);
  if (answer === undefined || answer.role !== 'assistant') throw new Error('a dataset line must end with the assistant answer');
  return { prompt: line.messages.slice(0, -1).map(toChatMessage), answer };
}

/** The answer as the text a base model writes for it (tool calls as the tool grammar's JSON). */
export function answerAsText(answer: FineTuneMessage): string {
  const toolCall = answer.tool_calls?.[0];
  if (toolCall !== undefined) {
    let parsedArguments: unknown = toolCall.function.arguments;
    try {
      parsedArguments = JSON.parse(toolCall.function.arguments);
    } catch {
      // Unparseable arguments are shown as the raw string: the example still teaches the call's name.
    }
    return JSON.stringify({ name: toolCall.function.name, arguments: parsedArguments });
  }
  return contentText(answer.content);
}

/**
 * The task's messages with `examples` worked in after the system message.
 *
 * @example
 * withFewShotExamples(splitDatasetLine(line).prompt, dataset.train.slice(0, 3));
 */
export function withFewShotExamples(prompt: readonly ChatMessage[], examples: readonly FineTuneLine[]): ChatMessage[] {
  const [first, ...rest] = prompt;
  const system = first !== undefined && (first.role === 'system' || first.role === 'developer') ? [first] : [];
  const conversation = system.length > 0 ? rest : [...prompt];
  const turns: ChatMessage[] = [];
  for (const example of examples) {
    const { prompt: examplePrompt, answer } = splitDatasetLine(example);
    const question = examplePrompt.at(-1);
    turns.push({ role: 'user', content: question === undefined ? '' : chatContentText(question) });
    turns.push({ role: 'assistant', content: answerAsText(answer) });
  }
  return [...system, ...turns, ...conversation];
}

function contentText(content: FineTuneMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  return '';
}

function chatContentText(message: ChatMessage): string {
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '')).join('');
  return '';
}

function toChatMessage(message: FineTuneMessage): ChatMessage {
  return message as unknown as ChatMessage;
}
