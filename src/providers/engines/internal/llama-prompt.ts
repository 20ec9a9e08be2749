/**
 * Renders OpenAI chat messages into the tokens a GGUF model expects. A model that ships a chat template is
 * prompted by running that Jinja template itself (node-llama-cpp's `JinjaTemplateChatWrapper`): its
 * `resolveChatWrapper` "auto" mode swaps in a look-alike built-in wrapper, which for SmolLM2 drops the
 * template's default system prompt and doubles `<|im_start|>` (its BOS), and the 135M model then answers
 * noticeably worse. If the template cannot be run, the auto-resolved wrapper is used instead. A model
 * without a template (base and micro models such as stories260K) gets a plain prompt: the message texts
 * joined by blank lines after BOS, i.e. a raw completion.
 */
import { JinjaTemplateChatWrapper, resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatMessage } from '../../../contracts/chat-completion.ts';
import { UnderstudyError } from '../../../contracts/errors.ts';
import type { EngineTool } from '../specialist-engine.ts';

export interface RenderedPrompt {
  tokens: Token[];
  /** Token sequences that end the answer besides end-of-generation tokens (from the chat wrapper). */
  stopTokenSequences: Token[][];
  /** Plain-text stop strings (from the chat wrapper). */
  stopTexts: string[];
}

/** A model's prompt renderer: `null` wrapper means the plain-prompt fallback. */
export interface LlamaPromptRenderer {
  readonly chatWrapper: ChatWrapper | null;
  render(messages: ChatMessage[], tools: EngineTool[] | undefined): RenderedPrompt;
}

export function createLlamaPromptRenderer(model: LlamaModel): LlamaPromptRenderer {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  const chatWrapper = typeof template === 'string' ? createTemplateWrapper(model, template) : null;
  return {
    chatWrapper,
    render(messages, tools) {
      const withTools = tools === undefined || tools.length === 0 ? messages : withToolInstructions(messages, tools);
      if (chatWrapper === null) return renderPlain(model, withTools);
      return renderWithWrapper(model, chatWrapper, withTools);
    },
  };
}

function createTemplateWrapper(model: LlamaModel, template: string): ChatWrapper {
  try {
    return new JinjaTemplateChatWrapper({ template });
  } catch {
    return resolveChatWrapper(model);
  }
}

function renderPlain(model: LlamaModel, messages: ChatMessage[]): RenderedPrompt {
  const text = messages.map(messageText).filter((part) => part.length > 0).join('\n\n');
  const bos = model.tokens.bos;
  const prefix = model.tokens.shouldPrependBosToken && bos !== null ? [bos] : [];
  const tokens = [...prefix, ...model.tokenize(text)];
  if (tokens.length === 0) throw new UnderstudyError('invalid_request', 'The prompt is empty and the model has no BOS token to start from.');
  return { tokens, stopTokenSequences: [], stopTexts: [] };
}

function renderWithWrapper(model: LlamaModel, chatWrapper: ChatWrapper, messages: ChatMessage[]): RenderedPrompt {
  const chatHistory: ChatHistoryItem[] = messages.map(toHistoryItem);
  // An empty model turn at the end makes the wrapper emit the assistant prefix the answer continues from.
  chatHistory.push({ type: 'model', response: [] });
  const state = chatWrapper.generateContextState({ chatHistory });
  const stopTokenSequences: Token[][] = [];
  const stopTexts: string[] = [];
  for (const trigger of state.stopGenerationTriggers) {
    if (trigger.values.every((value) => typeof value === 'string')) stopTexts.push(trigger.toString());
    else stopTokenSequences.push(trigger.tokenize(model.tokenizer));
  }
  return {
    tokens: state.contextText.tokenize(model.tokenizer),
    stopTokenSequences: stopTokenSequences.filter((sequence) => sequence.length > 0),
    stopTexts: stopTexts.filter((text) => text.length > 0),
  };
}

function toHistoryItem(message: ChatMessage): ChatHistoryItem {
  const text = messageText(message);
  switch (message.role) {
    case 'system':
    case 'developer':
      return { type: 'system', text };
    case 'user':
      return { type: 'user', text };
    case 'assistant': {
      // Earlier tool calls are shown in the same JSON shape the engine constrains new calls to.
      const calls = (message.tool_calls ?? []).flatMap((call) =>
        call.function === undefined ? [] : [`{"name": ${JSON.stringify(call.function.name)}, "arguments": ${call.function.arguments}}`],
      );
      return { type: 'model', response: [[text, ...calls].filter((part) => part.length > 0).join('\n')] };
    }
    case 'tool':
    case 'function':
      // Small models' templates rarely have a tool role; a labelled user turn keeps the result in context.
      return { type: 'user', text: `Tool result${message.name === undefined ? '' : ` (${message.name})`}:\n${text}` };
  }
}

function messageText(message: ChatMessage): string {
  const content = message.content;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      throw new UnderstudyError('invalid_request', `Message content part of type "${part.type}" is not supported by the llama.cpp engine (text only).`, { param: 'messages' });
    })
    .join('');
}

/**
 * Tools are offered in the prompt (appended to the first system message, or as a new one) because the
 * output is forced to `{"name", "arguments"}` JSON by a grammar rather than the template's own
 * function-call syntax, which differs per model and most small models never learned.
 */
function withToolInstructions(messages: ChatMessage[], tools: EngineTool[]): ChatMessage[] {
  const catalog = tools.map((tool) => ({
    name: tool.function.name,
    ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
    parameters: tool.function.parameters ?? { type: 'object', properties: {} },
  }));
  const instructions =
    `You can call these tools:\n${JSON.stringify(catalog)}\n` +
    'Answer with exactly one tool call as JSON: {"name": <tool name>, "arguments": <arguments object>}.';
  const [first, ...rest] = messages;
  if (first !== undefined && (first.role === 'system' || first.role === 'developer')) {
    const firstText = messageText(first);
    return [{ ...first, content: firstText.length > 0 ? `${firstText}\n\n${instructions}` : instructions }, ...rest];
  }
  return [{ role: 'system', content: instructions }, ...messages];
}
