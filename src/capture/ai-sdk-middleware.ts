/**
 * The listener for agents built on the Vercel AI SDK (v6): a LanguageModelV3 middleware that logs every
 * `doGenerate` / `doStream` of the wrapped model as a CallRecord, translated into the OpenAI chat format
 * so AI SDK calls and gateway calls are stored alike. Works with any provider the AI SDK supports.
 *
 * Per-call tags: `providerOptions: { understudy: { task, episodeId, endUserId } }` on the AI SDK call, or
 * the gateway's `x-understudy-task` / `x-understudy-episode` headers; both override the middleware options.
 * Each attempt of the AI SDK's retries is its own call, as it is at the provider.
 *
 * @example
 * const model = wrapLanguageModel({ model: openai('gpt-4o-mini'), middleware: understudyMiddleware({ sink, task: 'triage' }) });
 * await generateText({ model, prompt: 'Classify this ticket: …' });
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionToolCall } from '../contracts/chat-completion.ts';
import { buildCallRecord } from './build-call-record.ts';
import { collectContent, toChatCompletion, toChatRequest, toFinishReason, toUsage, type GeneratedOutput } from './internal/ai-sdk-to-openai.ts';
import { clean, resolveCallTags, type CallTags } from './resolve-call-tags.ts';
import {
  appendSafely,
  defaultProjectId,
  errorMessageOf,
  resolvePricing,
  withOptionTags,
  type FailureOutcome,
  type SdkCaptureOptions,
} from './internal/sdk-capture.ts';
import { errorClassForStatus } from '../contracts/call-record.ts';

export type UnderstudyMiddlewareOptions = SdkCaptureOptions;

interface CallOutcome {
  status: 'ok' | FailureOutcome['status'];
  errorClass: FailureOutcome['errorClass'] | null;
  errorMessage: string | null;
  httpStatus: number | null;
  response: ChatCompletion | null;
  ttftMs: number | null;
}

function propertyOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * AI SDK errors are recognised by shape (`statusCode`, `name`) because `@ai-sdk/provider` is only a type
 * dependency of this package and an agent may bundle its own copy anyway.
 */
function classifyError(error: unknown, duringStream: boolean): FailureOutcome {
  const errorMessage = errorMessageOf(error);
  const name = propertyOf(error, 'name');
  if (name === 'AbortError') return { status: 'cancelled', errorClass: 'client_cancelled', errorMessage, httpStatus: null };
  if (name === 'TimeoutError') return { status: 'error', errorClass: 'upstream_timeout', errorMessage, httpStatus: null };
  const statusCode = propertyOf(error, 'statusCode');
  if (!duringStream && typeof statusCode === 'number') {
    return { status: 'error', errorClass: errorClassForStatus(statusCode), errorMessage, httpStatus: statusCode };
  }
  if (duringStream) return { status: 'error', errorClass: 'stream_interrupted', errorMessage, httpStatus: 200 };
  // An APICallError without a status is a request that never got an answer (DNS, refused, reset).
  if (name === 'AI_APICallError') return { status: 'error', errorClass: 'upstream_unreachable', errorMessage, httpStatus: null };
  return { status: 'error', errorClass: 'upstream_invalid_response', errorMessage, httpStatus: null };
}

/** `openai.chat` → `openai`: the AI SDK's provider ids carry the API flavour after a dot. */
function providerName(model: LanguageModelV3): string {
  return model.provider.split('.')[0] ?? model.provider;
}

/** `providerOptions.understudy` first, then the gateway's `x-understudy-*` headers. */
function perCallTags(params: LanguageModelV3CallOptions): CallTags {
  const fromOptions = params.providerOptions?.understudy ?? {};
  const headers = params.headers ?? {};
  return resolveCallTags({
    headers: { get: (name) => headers[name] },
    request: {},
    override: { task: clean(fromOptions.task), episodeId: clean(fromOptions.episodeId), endUserId: clean(fromOptions.endUserId) },
  });
}

/** A stream part that carries output: the moment a user would see the first token. */
function carriesOutput(part: LanguageModelV3StreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'tool-input-start' || part.type === 'tool-input-delta' || part.type === 'tool-call';
}

/** Creates the middleware; pass it to `wrapLanguageModel({ model, middleware })`. */
export function understudyMiddleware(options: UnderstudyMiddlewareOptions): LanguageModelV3Middleware {
  const projectId = options.projectId ?? defaultProjectId;
  const pricing = resolvePricing(options);

  function startCall(model: LanguageModelV3, params: LanguageModelV3CallOptions, stream: boolean) {
    const call = {
      id: randomUUID(),
      request: toChatRequest(model.modelId, params, stream),
      tags: withOptionTags(perCallTags(params), options),
      provider: options.provider ?? providerName(model),
      modelId: model.modelId,
      startedAt: Date.now(),
      startedAtMonotonic: performance.now(),
    };
    const finish = (outcome: CallOutcome): void => {
      const latencyMs = performance.now() - call.startedAtMonotonic;
      appendSafely(options.sink, () =>
        buildCallRecord(
          {
            id: call.id,
            source: 'sdk',
            projectId,
            request: call.request,
            response: outcome.response,
            tags: call.tags,
            provider: call.provider,
            status: outcome.status,
            errorClass: outcome.errorClass,
            errorMessage: outcome.errorMessage,
            httpStatus: outcome.httpStatus,
            startedAt: call.startedAt,
            latencyMs,
            ttftMs: outcome.ttftMs ?? (stream || outcome.status !== 'ok' ? null : latencyMs),
            stream,
          },
          pricing,
        ),
      );
    };
    return { call, finish };
  }

  return {
    specificationVersion: 'v3',

    async wrapGenerate({ doGenerate, params, model }) {
      const { call, finish } = startCall(model, params, false);
      try {
        const result = await doGenerate();
        const output: GeneratedOutput = {
          ...collectContent(result.content),
          finishReason: toFinishReason(result.finishReason),
          usage: toUsage(result.usage),
          metadata: result.response ?? {},
        };
        finish({
          status: 'ok',
          errorClass: null,
          errorMessage: null,
          // The AI SDK does not surface the HTTP status of a success; every provider answers 200 there.
          httpStatus: 200,
          response: toChatCompletion(output, call.modelId, `chatcmpl-${call.id}`),
          ttftMs: null,
        });
        return result;
      } catch (error) {
        finish({ ...classifyError(error, false), response: null, ttftMs: null });
        throw error;
      }
    },

    async wrapStream({ doStream, params, model }) {
      const { call, finish } = startCall(model, params, true);
      let result: Awaited<ReturnType<typeof doStream>>;
      try {
        result = await doStream();
      } catch (error) {
        finish({ ...classifyError(error, false), response: null, ttftMs: null });
        throw error;
      }

      let text = '';
      const toolCalls: ChatCompletionToolCall[] = [];
      const output: GeneratedOutput = { text: '', toolCalls, finishReason: null, usage: undefined, metadata: {} };
      let ttftMs: number | null = null;
      let streamError: unknown;
      let settled = false;
      const settle = (outcome: Omit<CallOutcome, 'response' | 'ttftMs'>) => {
        if (settled) return;
        settled = true;
        output.text = text;
        const sawOutput = text.length > 0 || toolCalls.length > 0 || output.finishReason !== null;
        finish({ ...outcome, ttftMs, response: sawOutput ? toChatCompletion(output, call.modelId, `chatcmpl-${call.id}`) : null });
      };
      const observe = (part: LanguageModelV3StreamPart): void => {
        if (ttftMs === null && carriesOutput(part)) ttftMs = performance.now() - call.startedAtMonotonic;
        switch (part.type) {
          case 'text-delta':
            text += part.delta;
            break;
          case 'tool-call':
            if (!part.providerExecuted) {
              toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } });
            }
            break;
          case 'response-metadata':
            output.metadata = { id: part.id, timestamp: part.timestamp, modelId: part.modelId };
            break;
          case 'finish':
            output.finishReason = toFinishReason(part.finishReason);
            output.usage = toUsage(part.usage);
            break;
          case 'error':
            streamError ??= part.error;
            break;
        }
      };

      // A pull-through stream rather than a TransformStream: its `cancel` tells a consumer that stopped
      // reading apart from a source that failed, which a transformer cannot.
      const reader = result.stream.getReader();
      const observed = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(controller) {
          let next: ReadableStreamReadResult<LanguageModelV3StreamPart>;
          try {
            next = await reader.read();
          } catch (error) {
            settle(classifyError(error, true));
            controller.error(error);
            return;
          }
          if (next.done) {
            if (streamError === undefined) settle({ status: 'ok', errorClass: null, errorMessage: null, httpStatus: 200 });
            else settle(classifyError(streamError, true));
            controller.close();
            return;
          }
          observe(next.value);
          controller.enqueue(next.value);
        },
        async cancel(reason) {
          settle({ status: 'cancelled', errorClass: 'client_cancelled', errorMessage: 'The stream was not read to its end.', httpStatus: 200 });
          await reader.cancel(reason);
        },
      });
      return { ...result, stream: observed };
    },
  };
}
