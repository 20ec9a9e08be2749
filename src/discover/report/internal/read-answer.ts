/**
 * The answer of one logged call, read once from the stored response: its text, its tool calls, whether it
 * was refused or cut off. Stored responses are whatever the provider sent (`unknown`), so they are parsed
 * here with a loose schema and everything downstream works on this typed value.
 */
import { z } from 'zod';
import type { CallRecord } from '../../../contracts/call-record.ts';

export interface AnswerToolCall {
  name: string;
  /** The arguments as sent (a JSON string, possibly invalid). */
  arguments: string;
}

export interface Answer {
  /** Message content, trimmed; null when the model sent none. */
  content: string | null;
  toolCalls: AnswerToolCall[];
  refused: boolean;
  /** `finish_reason: "length"`: the answer was cut off. */
  truncated: boolean;
}

const answerResponseSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        finish_reason: z.string().nullable().optional(),
        message: z
          .looseObject({
            content: z.union([z.string(), z.array(z.looseObject({ text: z.string().optional() }))]).nullable().optional(),
            refusal: z.string().nullable().optional(),
            tool_calls: z
              .array(z.looseObject({ function: z.looseObject({ name: z.string(), arguments: z.string().optional() }).optional() }))
              .nullable()
              .optional(),
          })
          .optional(),
      }),
    )
    .min(1),
});

const requestFormatSchema = z.looseObject({ response_format: z.looseObject({ type: z.string() }).optional() });

/** The first choice's answer, or null when the call has no readable response (errors, odd providers). */
export function readAnswer(call: CallRecord): Answer | null {
  const parsed = answerResponseSchema.safeParse(call.response);
  if (!parsed.success) return null;
  const choice = parsed.data.choices[0];
  if (!choice) return null;
  const message = choice.message ?? {};
  const rawContent = message.content;
  const text = typeof rawContent === 'string' ? rawContent : Array.isArray(rawContent) ? rawContent.map((part) => part.text ?? '').join('') : null;
  const content = text === null || text.trim().length === 0 ? null : text.trim();
  const toolCalls: AnswerToolCall[] = [];
  for (const toolCall of message.tool_calls ?? []) {
    if (toolCall.function) toolCalls.push({ name: toolCall.function.name, arguments: toolCall.function.arguments ?? '' });
  }
  const finishReason = choice.finish_reason ?? call.finishReason;
  return {
    content,
    toolCalls,
    refused: typeof message.refusal === 'string' && message.refusal.length > 0,
    truncated: finishReason === 'length',
  };
}

/** Whether the request asked for JSON (`response_format` `json_object` or `json_schema`). */
export function requestsJson(call: CallRecord): boolean {
  const parsed = requestFormatSchema.safeParse(call.request);
  const type = parsed.success ? parsed.data.response_format?.type : undefined;
  return type === 'json_object' || type === 'json_schema';
}

const fencedJson = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i;

/**
 * The JSON object or array in an answer's text, tolerating a Markdown code fence around it; undefined when
 * the text is not JSON. Scalars (`"yes"`, `3`) do not count: a bare label is text, not structured output.
 */
export function parseJsonAnswer(text: string): { value: unknown } | undefined {
  const unfenced = fencedJson.exec(text)?.[1] ?? text;
  const trimmed = unfenced.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return { value: JSON.parse(trimmed) as unknown };
  } catch {
    return undefined;
  }
}

/** A rough token count (about four characters a token) for answers logged without usage. */
export function roughTokenCount(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The text an answer's length is counted on: content plus each tool call's name and arguments. */
export function answerText(answer: Answer): string {
  return [answer.content ?? '', ...answer.toolCalls.map((toolCall) => `${toolCall.name}${toolCall.arguments}`)].join('');
}
