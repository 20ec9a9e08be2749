/**
 * Turns OpenAI chat fine-tuning lines into the token ids the training worker learns from, with the serving
 * engine's own prompt renderer and node-llama-cpp's tokenizer: the prompt is exactly what
 * `createLlamaCppEngine` feeds the model for the same messages and tools, and the answer is the text the
 * engine expects back (content, or a tool call as `{"name": …, "arguments": …}`, the shape its grammar
 * forces), followed by the model's end-of-turn token. One renderer and one tokenizer, so no train/serve skew.
 * Given a shared context (specialist-prompt.ts), the system prompt and tool descriptions every example shares
 * are left out exactly as the serving side leaves them out.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LlamaModel } from 'node-llama-cpp';
import { z } from 'zod';
import { chatMessageSchema, chatToolSchema, type ChatMessage } from '../../../contracts/chat-completion.ts';
import { UnderstudyError } from '../../../contracts/errors.ts';
import { createLlamaPromptRenderer } from '../../../providers/engines/internal/llama-prompt.ts';
import type { SharedPromptContext } from '../../../contracts/shared-prompt-context.ts';
import type { EngineTool } from '../../../providers/engines/specialist-engine.ts';
import { leaveOutSharedContext, specialistPrompt } from '../../../providers/engines/specialist-prompt.ts';

/** One line of an OpenAI chat fine-tuning file; the last message is the answer to learn. */
export const trainingLineSchema = z.looseObject({
  messages: z.array(chatMessageSchema).min(2),
  tools: z.array(chatToolSchema).optional(),
});
export type TrainingLine = z.infer<typeof trainingLineSchema>;

export interface TokenizedExample {
  prompt_tokens: number[];
  completion_tokens: number[];
}

export interface TrainingExampleRenderer {
  /** With a context, the shared parts are left out where the line has them (a line that differs keeps all). */
  render(line: TrainingLine, context?: SharedPromptContext | null): TokenizedExample;
  /** The prompt tokens alone, for comparing generations (same context rule). */
  renderPrompt(messages: ChatMessage[], tools?: EngineTool[], context?: SharedPromptContext | null): number[];
}

/** The tools of a training line in the engine's shape. */
export function trainingLineTools(line: Pick<TrainingLine, 'tools'>): EngineTool[] {
  return (line.tools ?? []).flatMap((tool): EngineTool[] => (tool.function === undefined ? [] : [{ type: 'function', function: tool.function }]));
}

export function createTrainingExampleRenderer(model: LlamaModel): TrainingExampleRenderer {
  const renderer = createLlamaPromptRenderer(model);
  // The GGUF's EOS: in chat-tuned GGUFs the template's end of turn (`<|im_end|>` for SmolLM2); llama.cpp
  // stops on it like on every end-of-generation token, and python/lora_generate.py stops on it too.
  const endToken = model.tokens.eos ?? model.tokens.eot;
  const renderPrompt = (messages: ChatMessage[], tools?: EngineTool[], context: SharedPromptContext | null = null): number[] => {
    const shown = tools !== undefined && tools.length > 0 ? tools : undefined;
    if (context === null || specialistPrompt('chat-template', context).mismatch(messages, shown) !== null) return renderer.render(messages, shown).tokens.map(Number);
    const left = leaveOutSharedContext({ messages, ...(shown === undefined ? {} : { tools: shown }) }, context);
    return renderer.render(left.messages, left.showTools === false ? undefined : shown).tokens.map(Number);
  };
  return {
    renderPrompt,
    render(line, context = null) {
      const answer = line.messages.at(-1);
      if (answer?.role !== 'assistant') {
        throw new UnderstudyError('invalid_request', 'The last message of a training example must be the assistant answer.');
      }
      const tools = trainingLineTools(line);
      const answerText = assistantText(answer);
      if (answerText.length === 0) throw new UnderstudyError('invalid_request', 'The assistant answer of a training example is empty.');
      const completion = model.tokenize(answerText).map(Number);
      if (endToken !== null) completion.push(Number(endToken));
      return { prompt_tokens: renderPrompt(line.messages.slice(0, -1), tools, context), completion_tokens: completion };
    },
  };
}

/** The same text the engine's prompt renderer shows for an earlier assistant turn. */
function assistantText(message: ChatMessage): string {
  const content = typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  const calls = (message.tool_calls ?? []).flatMap((call) =>
    call.function === undefined ? [] : [`{"name": ${JSON.stringify(call.function.name)}, "arguments": ${call.function.arguments}}`],
  );
  return [content, ...calls].filter((part) => part.length > 0).join('\n');
}

/** Reads a JSONL file of training lines, reporting the file and line of the first bad one. */
export async function* readTrainingLines(filePath: string): AsyncGenerator<TrainingLine> {
  const lines = createInterface({ input: createReadStream(filePath, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new UnderstudyError('import_invalid', `${filePath}:${number} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = trainingLineSchema.safeParse(json);
    if (!parsed.success) throw new UnderstudyError('import_invalid', `${filePath}:${number} is not a chat fine-tuning example: ${parsed.error.message}`);
    yield parsed.data;
  }
}
