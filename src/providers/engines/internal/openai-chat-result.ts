/**
 * Reads a chat completions answer from an OpenAI-compatible local server into an engine result. The body is
 * untrusted text from another process, so it is parsed once here with zod; shapes differ a little between
 * runtimes (tool arguments as an object, no `usage`, unknown finish reasons) and those are normalised here so
 * nothing above this file knows which runtime answered.
 */
import { z } from 'zod';
import { UnderstudyError } from '../../../contracts/errors.ts';
import type { EngineResult, EngineTokenLogprob } from '../specialist-engine.ts';

const toolCallSchema = z.looseObject({
  function: z.looseObject({
    name: z.string(),
    // OpenAI sends a JSON string; a few runtimes have sent the parsed object.
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  }),
});

const completionSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: z.string().nullable().optional(),
          tool_calls: z.array(toolCallSchema).nullable().optional(),
        }),
        finish_reason: z.string().nullable().optional(),
        logprobs: z
          .looseObject({ content: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).nullable().optional() })
          .nullable()
          .optional(),
      }),
    )
    .min(1),
  usage: z
    .looseObject({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
    .nullable()
    .optional(),
});

/** The error bodies seen from these servers: OpenAI's `{error:{message}}`, vLLM's older `{message}`, Ollama's `{error:"…"}`. */
const errorBodySchema = z.looseObject({
  error: z.union([z.string(), z.looseObject({ message: z.string() })]).optional(),
  message: z.string().optional(),
});

/** Where the answer came from, for error messages a person can act on. */
export interface AnswerOrigin {
  url: string;
  model: string;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The provider's own words from an error body, or a short excerpt of the body when it is not JSON. */
export function readProviderMessage(bodyText: string): string {
  const parsed = errorBodySchema.safeParse(parseJsonText(bodyText));
  if (parsed.success) {
    const { error, message } = parsed.data;
    const found = typeof error === 'string' ? error : (error?.message ?? message);
    if (found !== undefined) return found;
  }
  const excerpt = bodyText.trim().replace(/\s+/g, ' ').slice(0, 200);
  return excerpt === '' ? '(empty body)' : excerpt;
}

function toFinishReason(reported: string | null | undefined, hasToolCalls: boolean): EngineResult['finishReason'] {
  // Some runtimes report 'stop' after a tool call; the calls themselves are the better evidence.
  if (hasToolCalls) return 'tool_calls';
  return reported === 'length' ? 'length' : 'stop';
}

/** Maps a 2xx body to an engine result (without latency, which the caller measures). */
export function readOpenAIChatResult(bodyText: string, origin: AnswerOrigin): Omit<EngineResult, 'latencyMs'> {
  const json = parseJsonText(bodyText);
  const parsed = completionSchema.safeParse(json);
  if (!parsed.success) {
    const what = json === undefined ? 'a body that is not JSON' : 'JSON that is not a chat completion';
    throw new UnderstudyError('upstream_error', `Server at ${origin.url} answered model "${origin.model}" with ${what}: ${readProviderMessage(bodyText)}`);
  }
  const completion = parsed.data;
  const choice = completion.choices[0];
  if (!choice) throw new UnderstudyError('upstream_error', `Server at ${origin.url} answered with no choices`);
  const toolCalls = (choice.message.tool_calls ?? []).map((call) => {
    const argumentsValue = call.function.arguments;
    return {
      name: call.function.name,
      arguments: typeof argumentsValue === 'string' ? argumentsValue : JSON.stringify(argumentsValue ?? {}),
    };
  });
  const logprobEntries = choice.logprobs?.content;
  const logprobs: EngineTokenLogprob[] | null = logprobEntries ? logprobEntries.map((entry) => ({ token: entry.token, logprob: entry.logprob })) : null;
  return {
    content: choice.message.content ?? null,
    toolCalls,
    finishReason: toFinishReason(choice.finish_reason, toolCalls.length > 0),
    // A server that omits usage reports zero rather than a guess; callers that need counts tokenise themselves.
    tokens: { prompt: completion.usage?.prompt_tokens ?? 0, completion: completion.usage?.completion_tokens ?? 0 },
    logprobs,
  };
}

/**
 * Extracts the JSON object from a reply obtained by prompt instruction alone (no `response_format`). Small
 * models often wrap it in a Markdown code fence; that wrapper is removed, anything else is an error.
 */
export function readInstructedJson(content: string | null, origin: AnswerOrigin): string {
  const trimmed = (content ?? '').trim();
  const fenced = /^```(?:json)?\s*\n?([\s\S]*?)\n?```$/i.exec(trimmed);
  const candidate = fenced?.[1] !== undefined ? fenced[1].trim() : trimmed;
  const value = parseJsonText(candidate);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UnderstudyError(
      'upstream_error',
      `Model "${origin.model}" at ${origin.url} was asked for a JSON object but answered: ${candidate.slice(0, 120) || '(empty)'}`,
    );
  }
  return candidate;
}
