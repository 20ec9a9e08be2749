/**
 * What discovery reads from one logged call, parsed defensively (records may come from old imports or
 * broken clients): the sentences of the instruction-bearing messages (system, developer, user) with their
 * role, the call-site parameters that belong to a template (temperature, max_tokens, tools offered,
 * response_format), the system text (to tell a conversation from a copied payload), and whether the
 * conversation carries tool results (language-model agency). A call that cannot be read yields a reason.
 */
import { createHash } from 'node:crypto';

export interface CallFeatures {
  callId: string;
  /** Episode (trace) id, or the call id when the call has none. */
  episode: string;
  declaredTask: string | null;
  /** Normalised sentences prefixed with their role (`s:` system/developer, `u:` user), deduplicated. */
  sentences: string[];
  /** Template-level parameters: `p:temperature=0`, `t:<tool names>`, `r:<response format>`. */
  structure: string[];
  systemText: string;
  toolNames: string[];
  responseFormat: string | null;
  /** The request carries tool results or assistant tool calls: the model is driving a loop. */
  toolLoop: boolean;
  /** Last action taken in the answer: a tool name or `reply`, for language-model agency breakdowns. */
  action: string | null;
  /** Digest of the whole prompt (every message); null unless asked for (`conversationKeys`). */
  promptKey: string | null;
  /**
   * Digest of the messages before the prompt's last assistant turn: the prompt of the earlier call this one
   * continues (a chat's next turn, a conversation resumed after an answer). Null without an assistant turn.
   */
  continuesKey: string | null;
}

export type CallFeaturesResult = { ok: true; features: CallFeatures } | { ok: false; reason: string };

/** Longer messages are cut here: a template's skeleton lives in the first part of a prompt. */
const maxCharsPerMessage = 20_000;
const maxSentenceChars = 400;
const templateParameters = ['temperature', 'max_tokens', 'max_completion_tokens', 'top_p', 'n', 'parallel_tool_calls'] as const;

export interface ExtractCallFeaturesOptions {
  /** Digest the prompt for `promptKey` / `continuesKey` (discovery does; the router's hot path does not). */
  conversationKeys?: boolean;
}

export function extractCallFeatures(
  record: { id: string; episodeId: string | null; task: string | null; request: unknown; response: unknown },
  options: ExtractCallFeaturesOptions = {},
): CallFeaturesResult {
  const request = record.request;
  if (!isObject(request)) return { ok: false, reason: 'request is not an object' };
  const messages = request['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return { ok: false, reason: 'no messages' };
  const sentences = new Set<string>();
  const prompt = options.conversationKeys ? createHash('sha1') : null;
  let continuesKey: string | null = null;
  let systemText = '';
  let toolLoop = false;
  let readable = 0;
  let junk = 0;
  for (const message of messages) {
    if (!isObject(message)) continue;
    const role = message['role'];
    if (prompt !== null && role === 'assistant') continuesKey = prompt.copy().digest('base64');
    prompt?.update(`${String(role)}\u0000${contentText(message['content']).slice(0, maxCharsPerMessage)}\u0000${Array.isArray(message['tool_calls']) ? safeJson(message['tool_calls']) : ''}\u0001`);
    if (role === 'tool' || role === 'function' || (role === 'assistant' && Array.isArray(message['tool_calls']))) toolLoop = true;
    if (role !== 'system' && role !== 'developer' && role !== 'user') continue;
    const text = contentText(message['content']).slice(0, maxCharsPerMessage);
    if (text.length === 0) continue;
    if (looksLikeJunk(text)) {
      junk += 1;
      continue;
    }
    readable += 1;
    const prefix = role === 'user' ? 'u:' : 's:';
    if (prefix === 's:') systemText += `${text}\n`;
    for (const sentence of splitSentences(text)) sentences.add(prefix + sentence);
  }
  if (readable === 0) return { ok: false, reason: junk > 0 ? 'binary or non-UTF-8 content' : 'no readable text' };

  const structure: string[] = [];
  for (const name of templateParameters) {
    const value = request[name];
    if (typeof value === 'number' || typeof value === 'boolean') structure.push(`p:${name}=${value}`);
  }
  const toolNames = readToolNames(request['tools']);
  if (toolNames.length > 0) structure.push(`t:${toolNames.join(',')}`);
  const responseFormat = readResponseFormat(request['response_format']);
  if (responseFormat !== null) structure.push(`r:${responseFormat}`);
  return {
    ok: true,
    features: {
      callId: record.id,
      episode: record.episodeId ?? `call:${record.id}`,
      declaredTask: record.task,
      sentences: [...sentences],
      structure,
      systemText,
      toolNames,
      responseFormat,
      toolLoop,
      action: readAction(record.response),
      promptKey: prompt?.digest('base64') ?? null,
      continuesKey,
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, maxCharsPerMessage);
  } catch {
    return '';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const part of content) if (isObject(part) && typeof part['text'] === 'string') parts.push(part['text']);
  return parts.join('\n');
}

/** Replacement characters (bad UTF-8 decoded) or control characters in more than 2% of the text. */
function looksLikeJunk(text: string): boolean {
  let bad = 0;
  const limit = Math.min(text.length, 4000);
  for (let index = 0; index < limit; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0xfffd || (code < 32 && code !== 9 && code !== 10 && code !== 13)) bad += 1;
  }
  return bad > limit * 0.02;
}

/**
 * Lines, then sentences within a line; lower-cased, digits masked, whitespace collapsed. Very long
 * "sentences" (data, code) are cut: their start still identifies a fixed header.
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    for (const piece of line.split(/(?<=[.!?:;])\s+/)) {
      const normalised = piece.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
      if (normalised.length > 0) out.push(normalised.slice(0, maxSentenceChars));
    }
  }
  return out;
}

function readToolNames(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names = new Set<string>();
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    const fn = tool['function'];
    if (isObject(fn) && typeof fn['name'] === 'string') names.add(fn['name']);
  }
  return [...names].sort();
}

/** `json_schema:<sorted top-level keys>` (schema names are often generated), `json_object`, or null. */
function readResponseFormat(format: unknown): string | null {
  if (!isObject(format) || typeof format['type'] !== 'string' || format['type'] === 'text') return null;
  if (format['type'] !== 'json_schema') return format['type'];
  const spec = format['json_schema'];
  const schema = isObject(spec) ? spec['schema'] : undefined;
  const properties = isObject(schema) && isObject(schema['properties']) ? Object.keys(schema['properties']).sort() : [];
  return `json_schema:${properties.join(',')}`;
}

function readAction(response: unknown): string | null {
  if (!isObject(response) || !Array.isArray(response['choices'])) return null;
  const choice = response['choices'][0];
  if (!isObject(choice) || !isObject(choice['message'])) return null;
  const calls = choice['message']['tool_calls'];
  if (Array.isArray(calls) && calls.length > 0) {
    const names = calls.map((call) => (isObject(call) && isObject(call['function']) && typeof call['function']['name'] === 'string' ? call['function']['name'] : '?'));
    return [...new Set(names)].sort().join('+');
  }
  return 'reply';
}
