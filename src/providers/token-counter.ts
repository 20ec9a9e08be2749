/**
 * Token counts for calls whose upstream omitted `usage` (streams without `stream_options.include_usage`,
 * local servers, some hosted providers). Counts follow how OpenAI renders a chat request for the model:
 * per-message overhead, tool definitions in the TypeScript-like `namespace functions` form, tool calls.
 * Results are estimates (the record says `tokensEstimated: true`): they match OpenAI's reported
 * `prompt_tokens` exactly for text and function-definition requests (see the test's known counts), are
 * close for tool calls, and cannot see hidden reasoning tokens or exact image sizes.
 *
 * The BPE tables are large (o200k_base takes ~0.2 s to load), so each encoding is loaded on first use,
 * not at import: a gateway whose upstream always reports usage never pays for it. Loading is synchronous
 * (the CommonJS build through `createRequire`) so the record builder stays synchronous; call
 * `warmTokenCounter` at start-up to pay the cost before the first request instead.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { ChatCompletionRequest, ChatMessage } from '../contracts/chat-completion.ts';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Tokens OpenAI's chat format adds around every message (`<|start|>role<|message|>…<|end|>`). */
const messageOverhead = 3;
/** A `name` on a message costs one token beyond the name itself. */
const nameOverhead = 1;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
const replyPriming = 3;
/** Tool and function calls in a message: recipient and separators around name and arguments. */
const toolCallOverhead = 3;
/** Legacy `function` role messages render two tokens shorter than other roles. */
const functionRoleDiscount = 2;
/** Wrapper tokens around the rendered `namespace functions { … }` block. */
const toolDefinitionsOverhead = 9;
/** With tools present, the tool block joins the system message and saves its separators. */
const systemWithToolsDeduction = 4;
/** `tool_choice: "none"`. */
const toolChoiceNoneOverhead = 1;
/** `tool_choice: {function: {name}}` beyond the name itself. */
const forcedToolChoiceOverhead = 4;
/** OpenAI's price of a low-detail image for gpt-4o-class models. */
const lowDetailImageTokens = 85;
/** High/auto detail without known dimensions: priced as a 1024×1024 image (4 tiles × 170 + 85). */
const unknownSizeImageTokens = 765;

interface TextTokenizer {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}

const requireFromHere = createRequire(import.meta.url);
const tokenizers = new Map<EncodingName, TextTokenizer>();
/** User text may contain `<|endoftext|>`; the API treats it as plain text, and so must the count (not throw). */
const plainTextOptions = { disallowedSpecial: new Set<string>() };

function isTextTokenizer(value: unknown): value is TextTokenizer {
  return typeof value === 'object' && value !== null && 'countTokens' in value && typeof value.countTokens === 'function';
}

function loadTokenizer(name: EncodingName): TextTokenizer {
  const loaded = tokenizers.get(name);
  if (loaded) return loaded;
  const tokenizer: unknown = requireFromHere(`gpt-tokenizer/encoding/${name}`);
  if (!isTextTokenizer(tokenizer)) throw new Error(`gpt-tokenizer/encoding/${name} has no countTokens`);
  tokenizers.set(name, tokenizer);
  return tokenizer;
}

/**
 * o200k_base for the GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and o-series families (and gpt-oss, whose harmony
 * encoding counts text the same way); cl100k_base for everything else, including non-OpenAI models, for
 * which it is a reasonable approximation. A `provider/` prefix (`openai/gpt-4o`) is ignored.
 */
export function encodingNameFor(model: string): EncodingName {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return /^(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|chatgpt-4o|gpt-oss|o\d|codex-)/.test(name) ? 'o200k_base' : 'cl100k_base';
}

/** Loads the encoding a model needs now rather than on the first call that lacks usage. */
export function warmTokenCounter(model: string): void {
  loadTokenizer(encodingNameFor(model));
}

/**
 * BPE work grows with the square of a word's length (100 000 letters without a space took 8 s, 3 MB hours), so
 * runs without whitespace longer than this are counted in slices: real words are far shorter, and for a pasted
 * blob or an attack the count stays an estimate of the same size.
 */
const maxCountedRun = 256;
const longRunPattern = new RegExp(`\\S{${maxCountedRun + 1},}`, 'g');

/** Tokens in a plain string for a model's encoding. */
export function countTextTokens(text: string, model: string): number {
  if (text.length === 0) return 0;
  const tokenizer = loadTokenizer(encodingNameFor(model));
  // `search`, not `test`: a global pattern's `test` moves `lastIndex`, which `matchAll` would start from.
  if (text.search(longRunPattern) < 0) return tokenizer.countTokens(text, plainTextOptions);
  let total = 0;
  let counted = 0;
  for (const match of text.matchAll(longRunPattern)) {
    total += tokenizer.countTokens(text.slice(counted, match.index), plainTextOptions);
    const run = match[0];
    for (let start = 0; start < run.length; ) {
      let end = Math.min(run.length, start + maxCountedRun);
      // Never cut a surrogate pair in two.
      if (end < run.length && /[\ud800-\udbff]/.test(run[end - 1]!)) end += 1;
      total += tokenizer.countTokens(run.slice(start, end), plainTextOptions);
      start = end;
    }
    counted = match.index + run.length;
  }
  return total + tokenizer.countTokens(text.slice(counted), plainTextOptions);
}

interface FunctionDefinition {
  name: string;
  description?: string | undefined;
  parameters?: Record<string, unknown> | undefined;
}

const legacyFunctionsSchema = z.array(
  z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
);

const namedChoiceSchema = z.looseObject({ name: z.string() });

/**
 * Prompt tokens of a chat request as the model sees them: messages (text parts, images estimated, names,
 * tool calls), tool definitions, a forced tool choice, and a `json_schema` response format (counted as its
 * JSON text — OpenAI's exact rendering of it is not public).
 */
export function countPromptTokens(request: ChatCompletionRequest): number {
  const count = (text: string) => countTextTokens(text, request.model);
  const functions = functionDefinitionsOf(request);
  const hasFunctions = functions.length > 0;
  let total = replyPriming;
  let firstSystemSeen = false;
  for (const message of request.messages) {
    const isSystem = message.role === 'system' || message.role === 'developer';
    let text = messageText(message);
    if (hasFunctions && isSystem && !firstSystemSeen && text.length > 0 && !text.endsWith('\n')) {
      // OpenAI appends the tool block after the first system message, separated by a newline.
      text += '\n';
    }
    if (isSystem) firstSystemSeen = true;
    total += messageOverhead + count(message.role) + count(text) + imageTokens(message);
    if (message.name) total += count(message.name) + nameOverhead;
    for (const call of message.tool_calls ?? []) {
      if (call.function) total += count(call.function.name) + count(call.function.arguments) + toolCallOverhead;
    }
    const legacyCall = readRecord(message, 'function_call');
    if (legacyCall) {
      total += count(readString(legacyCall, 'name') ?? '') + count(readString(legacyCall, 'arguments') ?? '') + toolCallOverhead;
    }
    if (message.role === 'function') total -= functionRoleDiscount;
  }
  if (hasFunctions) {
    total += count(formatFunctionDefinitions(functions)) + toolDefinitionsOverhead;
    if (firstSystemSeen) total -= systemWithToolsDeduction;
  }
  total += toolChoiceTokens(request.tool_choice ?? request['function_call'], count);
  if (request.response_format?.type === 'json_schema' && request.response_format.json_schema.schema) {
    total += count(JSON.stringify(request.response_format.json_schema.schema));
  }
  return Math.max(total, 0);
}

/** What completion counting reads; a `ChatCompletion` fits, and so does a loosely validated stored response. */
export interface CountableCompletion {
  model?: string | undefined;
  choices?:
    | ReadonlyArray<{
        message?:
          | {
              content?: unknown;
              refusal?: unknown;
              tool_calls?: ReadonlyArray<{ function?: { name?: string | undefined; arguments?: string | undefined } | undefined }> | undefined;
              [key: string]: unknown;
            }
          | undefined;
      }>
    | undefined;
}

/**
 * Completion tokens of a response, summed over all choices as OpenAI bills `n > 1`: content, refusal,
 * visible reasoning text (`reasoning_content` / `reasoning`, as DeepSeek and vLLM return it) and tool calls.
 * Hidden reasoning tokens of o-series and GPT-5 models cannot be counted from the response.
 */
export function countCompletionTokens(response: CountableCompletion, model: string = response.model ?? ''): number {
  const count = (text: string) => countTextTokens(text, model);
  let total = 0;
  for (const choice of response.choices ?? []) {
    const message = choice.message;
    if (!message) continue;
    if (typeof message.content === 'string') total += count(message.content);
    if (typeof message.refusal === 'string') total += count(message.refusal);
    for (const key of ['reasoning_content', 'reasoning']) {
      const reasoning = message[key];
      if (typeof reasoning === 'string') total += count(reasoning);
    }
    for (const call of message.tool_calls ?? []) {
      total += count(call.function?.name ?? '') + count(call.function?.arguments ?? '') + toolCallOverhead;
    }
    const legacyCall = readRecord(message, 'function_call');
    if (legacyCall) {
      total += count(readString(legacyCall, 'name') ?? '') + count(readString(legacyCall, 'arguments') ?? '') + toolCallOverhead;
    }
  }
  return total;
}

function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += readString(part, 'text') ?? '';
    else if (part.type === 'refusal') text += readString(part, 'refusal') ?? '';
  }
  return text;
}

function imageTokens(message: ChatMessage): number {
  if (!Array.isArray(message.content)) return 0;
  let total = 0;
  for (const part of message.content) {
    if (part.type !== 'image_url') continue;
    const detail = readString(readRecord(part, 'image_url') ?? {}, 'detail');
    total += detail === 'low' ? lowDetailImageTokens : unknownSizeImageTokens;
  }
  return total;
}

function functionDefinitionsOf(request: ChatCompletionRequest): FunctionDefinition[] {
  const definitions: FunctionDefinition[] = [];
  for (const tool of request.tools ?? []) {
    if (tool.type === 'function' && tool.function) {
      definitions.push({ name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters });
    }
  }
  const legacy = legacyFunctionsSchema.safeParse(request['functions']);
  if (legacy.success) definitions.push(...legacy.data);
  return definitions;
}

function toolChoiceTokens(choice: unknown, count: (text: string) => number): number {
  if (choice === 'none') return toolChoiceNoneOverhead;
  if (typeof choice !== 'object' || choice === null) return 0;
  // `{type: "function", function: {name}}` (tools) or `{name}` (legacy function_call).
  const named = namedChoiceSchema.safeParse(readRecord(choice, 'function') ?? choice);
  return named.success ? count(named.data.name) + forcedToolChoiceOverhead : 0;
}

/**
 * Renders tool definitions the way OpenAI shows them to the model (a TypeScript namespace), which is what
 * makes tool-heavy prompt counts line up with the API's. Handles the JSON Schema subset tool parameters
 * use; anything else renders as `any`.
 */
export function formatFunctionDefinitions(functions: readonly FunctionDefinition[]): string {
  const lines = ['namespace functions {', ''];
  for (const definition of functions) {
    if (definition.description) lines.push(`// ${definition.description}`);
    const properties = readRecord(definition.parameters ?? {}, 'properties');
    if (!definition.parameters || !properties || Object.keys(properties).length === 0) {
      lines.push(`type ${definition.name} = () => any;`);
    } else {
      lines.push(`type ${definition.name} = (_: {`);
      const formatted = formatObjectProperties(definition.parameters, 0);
      if (formatted.length > 0) lines.push(formatted);
      lines.push('}) => any;');
    }
    lines.push('');
  }
  lines.push('} // namespace functions');
  return lines.join('\n');
}

function formatObjectProperties(schema: Record<string, unknown>, indent: number): string {
  const properties = readRecord(schema, 'properties');
  if (!properties) return '';
  const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((name) => typeof name === 'string') : []);
  const padding = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const property = asRecord(value) ?? {};
    const description = readString(property, 'description');
    // OpenAI keeps descriptions of top-level and first-level nested properties only.
    if (description && indent < 2) lines.push(`${padding}// ${description}`);
    lines.push(`${padding}${name}${required.has(name) ? '' : '?'}: ${formatType(property, indent)},`);
  }
  return lines.join('\n');
}

function formatType(schema: Record<string, unknown>, indent: number): string {
  const type = schema['type'];
  const values = Array.isArray(schema['enum']) ? schema['enum'] : undefined;
  if (Array.isArray(type)) return type.map((member) => formatType({ ...schema, type: member }, indent)).join(' | ');
  const alternatives = schema['anyOf'] ?? schema['oneOf'];
  if (type === undefined && Array.isArray(alternatives)) {
    return alternatives.map((member) => formatType(asRecord(member) ?? {}, indent)).join(' | ');
  }
  if (type === undefined && 'const' in schema) return JSON.stringify(schema['const']);
  switch (type) {
    case 'string':
      return values ? values.map((value) => JSON.stringify(value)).join(' | ') : 'string';
    case 'integer':
    case 'number':
      return values ? values.map((value) => String(value)).join(' | ') : 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const items = readRecord(schema, 'items');
      return items ? `${formatType(items, indent)}[]` : 'any[]';
    }
    case 'object':
      return `{\n${formatObjectProperties(schema, indent + 2)}\n${' '.repeat(indent)}}`;
    default:
      return values ? values.map((value) => JSON.stringify(value)).join(' | ') : 'any';
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function readRecord(value: object, key: string): Record<string, unknown> | undefined {
  return asRecord((value as Record<string, unknown>)[key]);
}

function readString(value: object, key: string): string | undefined {
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}
