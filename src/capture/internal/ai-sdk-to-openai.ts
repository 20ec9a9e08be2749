/**
 * Translates AI SDK language-model calls (LanguageModelV3 prompt, tools, results) into the OpenAI chat
 * wire format, so calls captured through the AI SDK are stored exactly like calls captured at the gateway
 * and every later stage (discovery, datasets, training) reads one format.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3DataContent,
  LanguageModelV3FilePart,
  LanguageModelV3FinishReason,
  LanguageModelV3Message,
  LanguageModelV3ResponseMetadata,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { ChatCompletion, ChatCompletionRequest, ChatCompletionToolCall, CompletionUsage } from '../../contracts/chat-completion.ts';

type JsonObject = Record<string, unknown>;
/** A chat message in the OpenAI wire shape; loose because its fields differ by role. */
type ChatMessage = JsonObject;

function dataUrl(data: LanguageModelV3DataContent, mediaType: string): string {
  if (data instanceof URL) return data.href;
  if (typeof data === 'string') {
    // The AI SDK passes inline data as base64; a string that is already a URL stays as it is.
    return /^(https?|data):/.test(data) ? data : `data:${mediaType};base64,${data}`;
  }
  return `data:${mediaType};base64,${Buffer.from(data).toString('base64')}`;
}

/** Images as `image_url`, other files as OpenAI `file` parts, the way OpenAI-compatible providers send them. */
function filePart(part: LanguageModelV3FilePart): JsonObject {
  const mediaType = part.mediaType === 'image/*' ? 'image/jpeg' : part.mediaType;
  if (mediaType.startsWith('image/')) return { type: 'image_url', image_url: { url: dataUrl(part.data, mediaType) } };
  return { type: 'file', file: { filename: part.filename ?? 'file', file_data: dataUrl(part.data, mediaType) } };
}

function toolOutputText(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'Tool execution denied.';
    case 'content':
      return output.value.map((part) => (part.type === 'text' ? part.text : JSON.stringify(part))).join('\n');
  }
}

function toOpenAIMessage(message: LanguageModelV3Message): ChatMessage[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user': {
      const [only] = message.content;
      if (message.content.length === 1 && only?.type === 'text') return [{ role: 'user', content: only.text }];
      const parts = message.content.map((part) => (part.type === 'text' ? { type: 'text', text: part.text } : filePart(part)));
      return [{ role: 'user', content: parts }];
    }
    case 'assistant': {
      let text = '';
      const toolCalls: ChatCompletionToolCall[] = [];
      const toolResults: ChatMessage[] = [];
      for (const part of message.content) {
        if (part.type === 'text') text += part.text;
        else if (part.type === 'tool-call') {
          const argumentsText = typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {});
          toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: argumentsText } });
        } else if (part.type === 'tool-result') {
          // Results of provider-executed tools sit in the assistant turn; OpenAI's format keeps them as tool turns.
          toolResults.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolOutputText(part.output) });
        }
        // Reasoning and file parts of earlier assistant turns have no place in a chat request.
      }
      const assistant: ChatMessage = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null };
      if (toolCalls.length > 0) assistant['tool_calls'] = toolCalls;
      return [assistant, ...toolResults];
    }
    case 'tool':
      return message.content.flatMap((part): ChatMessage[] =>
        part.type === 'tool-result' ? [{ role: 'tool', tool_call_id: part.toolCallId, content: toolOutputText(part.output) }] : [],
      );
  }
}

/** The chat request an OpenAI-compatible provider would have been sent for these call options. */
export function toChatRequest(modelId: string, params: LanguageModelV3CallOptions, stream: boolean): ChatCompletionRequest {
  const request: JsonObject = { model: modelId, messages: params.prompt.flatMap(toOpenAIMessage) };
  const tools = (params.tools ?? []).flatMap((tool) =>
    tool.type === 'function'
      ? [
          {
            type: 'function',
            function: {
              name: tool.name,
              ...(tool.description === undefined ? {} : { description: tool.description }),
              parameters: tool.inputSchema,
              ...(tool.strict === undefined ? {} : { strict: tool.strict }),
            },
          },
        ]
      : [],
  );
  if (tools.length > 0) request.tools = tools;
  const choice = params.toolChoice;
  if (choice && tools.length > 0) {
    request.tool_choice = choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type;
  }
  const format = params.responseFormat;
  if (format?.type === 'json') {
    request.response_format = format.schema
      ? {
          type: 'json_schema',
          json_schema: {
            name: format.name ?? 'response',
            ...(format.description === undefined ? {} : { description: format.description }),
            schema: format.schema,
          },
        }
      : { type: 'json_object' };
  }
  const optional: Array<[string, unknown]> = [
    ['max_tokens', params.maxOutputTokens],
    ['temperature', params.temperature],
    ['top_p', params.topP],
    ['stop', params.stopSequences],
    ['seed', params.seed],
    ['presence_penalty', params.presencePenalty],
    ['frequency_penalty', params.frequencyPenalty],
  ];
  for (const [name, value] of optional) if (value !== undefined) request[name] = value;
  if (stream) request.stream = true;
  // Built field by field from the typed call options above, in the shape the contract schema describes.
  return request as ChatCompletionRequest;
}

/** OpenAI's finish reasons; `error`/`other` keep the provider's raw reason where it gave one. */
export function toFinishReason(reason: LanguageModelV3FinishReason): string {
  switch (reason.unified) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return reason.raw ?? reason.unified;
  }
}

/** Usage in OpenAI's shape, or undefined when the provider reported none (our side then counts tokens). */
export function toUsage(usage: LanguageModelV3Usage | undefined): CompletionUsage | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  if (input === undefined && output === undefined) return undefined;
  const result: CompletionUsage = {
    prompt_tokens: input ?? 0,
    completion_tokens: output ?? 0,
    total_tokens: (input ?? 0) + (output ?? 0),
  };
  if (usage?.inputTokens.cacheRead !== undefined) result.prompt_tokens_details = { cached_tokens: usage.inputTokens.cacheRead };
  if (usage?.outputTokens.reasoning !== undefined) result.completion_tokens_details = { reasoning_tokens: usage.outputTokens.reasoning };
  return result;
}

/** What one model call produced, gathered from a generate result or from stream parts. */
export interface GeneratedOutput {
  text: string;
  toolCalls: ChatCompletionToolCall[];
  finishReason: string | null;
  usage: CompletionUsage | undefined;
  metadata: LanguageModelV3ResponseMetadata;
}

/** Collects text and tool calls from a generate result's content parts. */
export function collectContent(content: LanguageModelV3Content[]): Pick<GeneratedOutput, 'text' | 'toolCalls'> {
  let text = '';
  const toolCalls: ChatCompletionToolCall[] = [];
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call' && !part.providerExecuted) {
      toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } });
    }
  }
  return { text, toolCalls };
}

/** The `chat.completion` the client would have received from an OpenAI-compatible endpoint. */
export function toChatCompletion(output: GeneratedOutput, fallbackModel: string, fallbackId: string): ChatCompletion {
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: output.text.length > 0 || output.toolCalls.length === 0 ? output.text : null,
  };
  if (output.toolCalls.length > 0) message.tool_calls = output.toolCalls;
  const completion: ChatCompletion = {
    id: output.metadata.id ?? fallbackId,
    object: 'chat.completion',
    created: Math.floor((output.metadata.timestamp?.getTime() ?? Date.now()) / 1000),
    model: output.metadata.modelId ?? fallbackModel,
    choices: [{ index: 0, message, finish_reason: output.finishReason, logprobs: null }],
  };
  if (output.usage) completion.usage = output.usage;
  return completion;
}
