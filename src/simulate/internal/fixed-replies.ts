/**
 * Response bodies of the fixed upstream, in the OpenAI wire format (chat.completion, chat.completion.chunk,
 * embedding list, model list, error). Pure functions of the request, so the server stays a thin router and
 * every reply a test sees is reproducible.
 */
import { randomBytes } from 'node:crypto';
import { exampleFromJsonSchema } from './example-from-json-schema.ts';

/** The fields of a chat request the stand-in reacts to, read leniently from the client's JSON. */
export interface FixedChatRequest {
  model: string;
  messages: unknown[];
  stream: boolean;
  includeUsage: boolean;
  choiceCount: number;
  logprobs: boolean;
  topLogprobs: number;
  tools: unknown[];
  toolChoice: unknown;
  responseFormat: Record<string, unknown> | null;
}

export const defaultReplyText =
  'This is a fixed reply from the understudy stand-in upstream. It answers every chat request the same way.';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a request body without throwing: the stand-in answers malformed JSON with a 400, like OpenAI. */
export function parseJsonObject(text: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Reads a chat request; returns an error message when OpenAI would reject it with a 400. */
export function readChatRequest(body: JsonObject): FixedChatRequest | string {
  if (typeof body.model !== 'string' || body.model.length === 0) return 'you must provide a model parameter';
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return "Invalid 'messages': empty array. Expected an array with minimum length 1.";
  }
  const streamOptions = isObject(body.stream_options) ? body.stream_options : null;
  return {
    model: body.model,
    messages: body.messages,
    stream: body.stream === true,
    includeUsage: streamOptions?.include_usage === true,
    choiceCount: typeof body.n === 'number' && body.n >= 1 ? Math.min(Math.floor(body.n), 128) : 1,
    logprobs: body.logprobs === true,
    topLogprobs: typeof body.top_logprobs === 'number' ? Math.min(Math.max(0, body.top_logprobs), 20) : 0,
    tools: Array.isArray(body.tools) ? body.tools : [],
    toolChoice: body.tool_choice,
    responseFormat: isObject(body.response_format) ? body.response_format : null,
  };
}

/** What every choice of one reply says: plain text, or one call of a function tool. */
export type PlannedReply =
  | { kind: 'text'; content: string; pieces: string[] }
  | { kind: 'tool'; name: string; argumentsText: string };

function splitIntoTokens(text: string): string[] {
  // Word-with-leading-space pieces look like BPE tokens and reassemble to the exact text.
  return text.match(/\s*\S+/g) ?? [text];
}

function splitEvenly(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces.length > 0 ? pieces : [''];
}

function chooseTool(request: FixedChatRequest): JsonObject | null {
  if (request.tools.length === 0 || request.toolChoice === 'none') return null;
  const functions = request.tools
    .map((tool) => (isObject(tool) && isObject(tool.function) ? tool.function : null))
    .filter((entry): entry is JsonObject => entry !== null && typeof entry.name === 'string');
  const forced = isObject(request.toolChoice) && isObject(request.toolChoice.function) ? request.toolChoice.function : null;
  if (forced) return functions.find((entry) => entry.name === forced.name) ?? null;
  return functions[0] ?? null;
}

/** The plain-text reply, split once per server rather than once per request. */
export function planTextReply(replyText: string): PlannedReply {
  return { kind: 'text', content: replyText, pieces: splitIntoTokens(replyText) };
}

/** Decides the reply: a tool call when tools are offered, a schema example for json_schema, text otherwise. */
export function planReply(request: FixedChatRequest, textReply: PlannedReply): PlannedReply {
  const tool = chooseTool(request);
  if (tool) {
    const argumentsText = JSON.stringify(tool.parameters === undefined ? {} : exampleFromJsonSchema(tool.parameters));
    return { kind: 'tool', name: String(tool.name), argumentsText };
  }
  const format = request.responseFormat;
  if (format?.type === 'json_schema') {
    const schema = isObject(format.json_schema) ? format.json_schema.schema : undefined;
    const content = JSON.stringify(exampleFromJsonSchema(schema ?? {}));
    return { kind: 'text', content, pieces: splitEvenly(content, 8) };
  }
  if (format?.type === 'json_object') {
    const content = '{"result":"ok"}';
    return { kind: 'text', content, pieces: splitEvenly(content, 8) };
  }
  return textReply;
}

/** Mints ids that are unique per process and per server, shaped like OpenAI's. */
export function createIdMinter(): { completion(): string; toolCall(): string; request(): string } {
  const prefix = randomBytes(9).toString('base64url');
  let counter = 0;
  return {
    completion: () => `chatcmpl-${prefix}${(counter++).toString(36)}`,
    toolCall: () => `call_${prefix}${(counter++).toString(36)}`,
    request: () => `req_${prefix}${(counter++).toString(36)}`,
  };
}

/** A cheap, deterministic stand-in for prompt tokenisation (about four characters per token). */
export function countPromptTokens(messages: unknown[]): number {
  let characters = 0;
  for (const message of messages) {
    if (!isObject(message)) continue;
    if (typeof message.content === 'string') characters += message.content.length;
    else if (Array.isArray(message.content)) {
      for (const part of message.content) if (isObject(part) && typeof part.text === 'string') characters += part.text.length;
    }
  }
  return Math.max(1, Math.ceil(characters / 4) + 3 * messages.length);
}

function completionTokensOf(reply: PlannedReply): number {
  return reply.kind === 'text' ? reply.pieces.length : Math.max(1, Math.ceil(reply.argumentsText.length / 4)) + 5;
}

/** OpenAI's usage object, detail blocks included, as current models send it. */
export function buildUsage(promptTokens: number, completionTokens: number): JsonObject {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function tokenLogprobs(pieces: string[], topLogprobs: number): JsonObject[] {
  return pieces.map((token, position) => {
    const logprob = -0.001 * ((position % 7) + 1);
    const alternatives = Array.from({ length: topLogprobs }, (_, rank) => {
      const alternative = rank === 0 ? token : `${token}${rank}`;
      return { token: alternative, logprob: rank === 0 ? logprob : logprob - 2 - rank, bytes: [...Buffer.from(alternative)] };
    });
    return { token, logprob, bytes: [...Buffer.from(token)], top_logprobs: alternatives };
  });
}

const systemFingerprint = 'fp_understudy';

/** Identity of one response: the same id/created/model on the body or on every chunk of a stream. */
export interface ReplyIdentity {
  id: string;
  created: number;
  model: string;
}

/** A non-streaming `chat.completion` with `request.choiceCount` identical choices. */
export function buildChatCompletion(
  request: FixedChatRequest,
  reply: PlannedReply,
  identity: ReplyIdentity,
  mintToolCallId: () => string,
  includeUsage: boolean,
): JsonObject {
  const choices = Array.from({ length: request.choiceCount }, (_, index) => {
    const message =
      reply.kind === 'text'
        ? { role: 'assistant', content: reply.content, refusal: null, annotations: [] }
        : {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: mintToolCallId(), type: 'function', function: { name: reply.name, arguments: reply.argumentsText } },
            ],
            refusal: null,
            annotations: [],
          };
    const logprobs =
      request.logprobs && reply.kind === 'text'
        ? { content: tokenLogprobs(reply.pieces, request.topLogprobs), refusal: null }
        : null;
    return { index, message, logprobs, finish_reason: reply.kind === 'text' ? 'stop' : 'tool_calls' };
  });
  const body: JsonObject = { id: identity.id, object: 'chat.completion', created: identity.created, model: identity.model, choices };
  if (includeUsage) {
    body.usage = buildUsage(countPromptTokens(request.messages), completionTokensOf(reply) * request.choiceCount);
  }
  body.service_tier = 'default';
  body.system_fingerprint = systemFingerprint;
  return body;
}

function serverSentEvent(payload: JsonObject | string): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/**
 * The SSE events of a streamed reply, `data: [DONE]` included. Per choice: a role chunk, content (or
 * tool-call argument) deltas, a finish chunk; then the usage chunk (`choices: []`) when the client asked
 * for `stream_options.include_usage`. As OpenAI does, every chunk carries `usage: null` in that mode.
 */
export function buildChatStreamEvents(
  request: FixedChatRequest,
  reply: PlannedReply,
  identity: ReplyIdentity,
  mintToolCallId: () => string,
  includeUsage: boolean,
): string[] {
  const events: string[] = [];
  const chunk = (choices: JsonObject[]): JsonObject => {
    const body: JsonObject = {
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      service_tier: 'default',
      system_fingerprint: systemFingerprint,
      choices,
    };
    if (request.includeUsage) body.usage = null;
    return body;
  };
  for (let index = 0; index < request.choiceCount; index++) {
    if (reply.kind === 'text') {
      events.push(serverSentEvent(chunk([{ index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }])));
      const logprobs = request.logprobs ? tokenLogprobs(reply.pieces, request.topLogprobs) : null;
      reply.pieces.forEach((piece, position) => {
        const pieceLogprobs = logprobs ? { content: [logprobs[position]], refusal: null } : null;
        events.push(serverSentEvent(chunk([{ index, delta: { content: piece }, logprobs: pieceLogprobs, finish_reason: null }])));
      });
    } else {
      const opening = { index: 0, id: mintToolCallId(), type: 'function', function: { name: reply.name, arguments: '' } };
      events.push(
        serverSentEvent(chunk([{ index, delta: { role: 'assistant', content: null, tool_calls: [opening], refusal: null }, logprobs: null, finish_reason: null }])),
      );
      for (const fragment of splitEvenly(reply.argumentsText, 8)) {
        const delta = { tool_calls: [{ index: 0, function: { arguments: fragment } }] };
        events.push(serverSentEvent(chunk([{ index, delta, logprobs: null, finish_reason: null }])));
      }
    }
    const finishReason = reply.kind === 'text' ? 'stop' : 'tool_calls';
    events.push(serverSentEvent(chunk([{ index, delta: {}, logprobs: null, finish_reason: finishReason }])));
  }
  if (request.includeUsage && includeUsage) {
    const usageChunk = chunk([]);
    usageChunk.usage = buildUsage(countPromptTokens(request.messages), completionTokensOf(reply) * request.choiceCount);
    events.push(serverSentEvent(usageChunk));
  }
  events.push(serverSentEvent('[DONE]'));
  return events;
}

/** FNV-1a: a stable seed per input so the same text always embeds to the same vector. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let position = 0; position < text.length; position++) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function deterministicVector(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let state = hashText(text) || 1;
  let squaredLength = 0;
  for (let position = 0; position < dimensions; position++) {
    // xorshift32: cheap, deterministic, well spread in [-1, 1].
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const value = ((state >>> 0) / 0xffffffff) * 2 - 1;
    vector[position] = value;
    squaredLength += value * value;
  }
  // Unit length, as OpenAI's embeddings are, so cosine and dot product agree.
  const length = Math.sqrt(squaredLength) || 1;
  for (let position = 0; position < dimensions; position++) vector[position] = (vector[position] ?? 0) / length;
  return vector;
}

function embeddingInputs(input: unknown): string[] | null {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((entry) => typeof entry === 'string')) return input;
  // Token arrays: one input (number[]) or many (number[][]); their text is their ids.
  if (input.every((entry) => typeof entry === 'number')) return [input.join(' ')];
  if (input.every((entry) => Array.isArray(entry))) return input.map((entry: unknown[]) => entry.join(' '));
  return null;
}

/** An embedding list; `encoding_format: "base64"` (the official client's default) gets little-endian float32. */
export function buildEmbeddingList(body: JsonObject, defaultDimensions: number): JsonObject | string {
  if (typeof body.model !== 'string' || body.model.length === 0) return 'you must provide a model parameter';
  const inputs = embeddingInputs(body.input);
  if (!inputs) return "'input' must be a string, an array of strings or an array of token arrays";
  const dimensions = typeof body.dimensions === 'number' && body.dimensions >= 1 ? Math.floor(body.dimensions) : defaultDimensions;
  const base64 = body.encoding_format === 'base64';
  let promptTokens = 0;
  const data = inputs.map((text, index) => {
    promptTokens += Math.max(1, Math.ceil(text.length / 4));
    const vector = deterministicVector(text, dimensions);
    const embedding = base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
}

/** `GET /v1/models`: a list object of model objects. */
export function buildModelList(models: string[], created: number): JsonObject {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'understudy' })) };
}

/** OpenAI's error envelope; `type`/`code` follow what the API sends for each status. */
export function buildErrorBody(status: number, message?: string): JsonObject {
  if (status === 429) {
    return { error: { message: message ?? 'Rate limit reached (simulated).', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
  }
  if (status >= 500) {
    const fallback =
      status === 503 ? 'The engine is currently overloaded, please try again later.' : 'The server had an error while processing your request. Sorry about that!';
    return { error: { message: message ?? fallback, type: 'server_error', param: null, code: null } };
  }
  const code = status === 401 ? 'invalid_api_key' : null;
  return { error: { message: message ?? 'Invalid request (simulated).', type: 'invalid_request_error', param: null, code } };
}
