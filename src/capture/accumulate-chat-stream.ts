/**
 * Reassembles a streamed chat completion (`chat.completion.chunk` events) into the `chat.completion` the
 * client would have received without streaming, so stored calls look the same however they were made and
 * training data never has to know about streams.
 */
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionToolCall,
  CompletionUsage,
} from '../contracts/chat-completion.ts';

type ChunkChoice = ChatCompletionChunk['choices'][number];

interface ToolCallDraft {
  id: string;
  type: string;
  name: string;
  arguments: string;
}

interface ChoiceDraft {
  index: number;
  content: string | null;
  refusal: string | null;
  toolCalls: Map<number, ToolCallDraft>;
  /** Deprecated `function_call` deltas, still sent by some OpenAI-compatible servers. */
  functionCall: { name: string; arguments: string } | null;
  finishReason: string | null;
  logprobContent: unknown[] | null;
  logprobRefusal: unknown[] | null;
  /** Delta fields we do not model (`reasoning_content`, `reasoning`, `annotations`, `audio`, …). */
  extra: Record<string, unknown>;
}

/** Delta fields handled explicitly; every other delta field goes to `extra`. */
const modelledDeltaFields = new Set(['role', 'content', 'refusal', 'tool_calls', 'function_call']);

/**
 * Feed every parsed `data:` event in order, then call `result()`.
 *
 * - content and refusal are concatenated per choice; `n > 1` choices are kept apart by `index`;
 * - tool calls merge by their `index`: id, type and name are taken once, arguments are concatenated;
 * - the last non-null `finish_reason` of a choice wins;
 * - `logprobs.content` / `logprobs.refusal` arrays are concatenated;
 * - usage comes from the chunk that carries it (the final, choice-less chunk of
 *   `stream_options.include_usage`);
 * - other delta fields are merged generically: strings concatenate (DeepSeek's `reasoning_content`),
 *   arrays concatenate, anything else keeps its last value.
 *
 * `result()` can be called at any time, e.g. to log the partial answer of an interrupted stream.
 */
export class ChatStreamAccumulator {
  private id = '';
  private model = '';
  private created = 0;
  private systemFingerprint: string | null | undefined;
  private serviceTier: unknown;
  private usage: CompletionUsage | null | undefined;
  private readonly choices = new Map<number, ChoiceDraft>();
  private chunks = 0;

  /** Number of chunks pushed so far. */
  get chunkCount(): number {
    return this.chunks;
  }

  push(chunk: ChatCompletionChunk): void {
    this.chunks += 1;
    if (!this.id && typeof chunk.id === 'string') this.id = chunk.id;
    if (!this.model && typeof chunk.model === 'string') this.model = chunk.model;
    if (!this.created && typeof chunk.created === 'number') this.created = chunk.created;
    if (chunk.system_fingerprint != null) this.systemFingerprint = chunk.system_fingerprint;
    else if (this.systemFingerprint === undefined && chunk.system_fingerprint === null) this.systemFingerprint = null;
    if (chunk.service_tier !== undefined && chunk.service_tier !== null) this.serviceTier = chunk.service_tier;
    if (chunk.usage) this.usage = chunk.usage;
    else if (chunk.usage === null && this.usage === undefined) this.usage = null;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) this.pushChoice(choice);
  }

  private pushChoice(choice: ChunkChoice): void {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    let draft = this.choices.get(index);
    if (!draft) {
      draft = {
        index,
        content: null,
        refusal: null,
        toolCalls: new Map(),
        functionCall: null,
        finishReason: null,
        logprobContent: null,
        logprobRefusal: null,
        extra: {},
      };
      this.choices.set(index, draft);
    }
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string') draft.content = (draft.content ?? '') + delta.content;
    if (typeof delta.refusal === 'string') draft.refusal = (draft.refusal ?? '') + delta.refusal;
    for (const call of delta.tool_calls ?? []) {
      const callIndex = typeof call.index === 'number' ? call.index : draft.toolCalls.size;
      let toolCall = draft.toolCalls.get(callIndex);
      if (!toolCall) {
        toolCall = { id: '', type: '', name: '', arguments: '' };
        draft.toolCalls.set(callIndex, toolCall);
      }
      if (!toolCall.id && call.id) toolCall.id = call.id;
      if (!toolCall.type && call.type) toolCall.type = call.type;
      if (!toolCall.name && call.function?.name) toolCall.name = call.function.name;
      if (call.function?.arguments) toolCall.arguments += call.function.arguments;
    }
    const functionCall = delta['function_call'];
    if (typeof functionCall === 'object' && functionCall !== null) {
      const name = 'name' in functionCall && typeof functionCall.name === 'string' ? functionCall.name : '';
      const partial = 'arguments' in functionCall && typeof functionCall.arguments === 'string' ? functionCall.arguments : '';
      draft.functionCall ??= { name: '', arguments: '' };
      if (!draft.functionCall.name && name) draft.functionCall.name = name;
      draft.functionCall.arguments += partial;
    }
    for (const [key, value] of Object.entries(delta)) {
      if (modelledDeltaFields.has(key) || value === undefined || value === null) continue;
      const previous = draft.extra[key];
      if (typeof value === 'string' && typeof previous === 'string') draft.extra[key] = previous + value;
      else if (Array.isArray(value) && Array.isArray(previous)) draft.extra[key] = [...previous, ...value];
      else draft.extra[key] = value;
    }
    if (choice.finish_reason) draft.finishReason = choice.finish_reason;
    if (choice.logprobs) {
      if (Array.isArray(choice.logprobs.content)) {
        draft.logprobContent = [...(draft.logprobContent ?? []), ...choice.logprobs.content];
      }
      if (Array.isArray(choice.logprobs.refusal)) {
        draft.logprobRefusal = [...(draft.logprobRefusal ?? []), ...choice.logprobs.refusal];
      }
    }
  }

  /** The reassembled completion, in the shape of a non-streaming response. */
  result(): ChatCompletion {
    const choices = [...this.choices.values()].sort((left, right) => left.index - right.index).map(toChoice);
    const completion: ChatCompletion = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
    };
    if (this.serviceTier !== undefined) completion['service_tier'] = this.serviceTier;
    if (this.systemFingerprint !== undefined) completion.system_fingerprint = this.systemFingerprint;
    if (this.usage !== undefined) completion.usage = this.usage;
    return completion;
  }
}

function toChoice(draft: ChoiceDraft): ChatCompletionChoice {
  const message: ChatCompletionChoice['message'] = {
    ...draft.extra,
    role: 'assistant',
    content: draft.content,
    refusal: draft.refusal,
  };
  if (draft.toolCalls.size > 0) {
    message.tool_calls = [...draft.toolCalls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]): ChatCompletionToolCall => ({
        id: call.id,
        // Only function tools exist in Chat Completions; a missing type means the server omitted it.
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
  }
  if (draft.functionCall) message['function_call'] = { ...draft.functionCall };
  const logprobs =
    draft.logprobContent || draft.logprobRefusal ? { content: draft.logprobContent, refusal: draft.logprobRefusal } : null;
  return { index: draft.index, message, finish_reason: draft.finishReason, logprobs };
}
