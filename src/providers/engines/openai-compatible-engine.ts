/**
 * A specialist served by any OpenAI-compatible local server: Ollama, vLLM (multi-LoRA: each adapter is served
 * under its own model name, so `request.adapter` picks the model name), llama.cpp `llama-server`, LM Studio.
 * It speaks plain `POST /chat/completions` without streaming: the router needs the whole answer before it can
 * validate it, and one body is cheaper to parse than a stream.
 *
 * undici's dispatcher (as in `upstream-client.ts`) keeps one keep-alive pool per engine; failures become
 * `UnderstudyError`s that name the URL so "is the server running?" is answered by the message itself.
 *
 * @example
 * const engine = createOpenAICompatibleEngine({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen3:1.7b' });
 * const result = await engine.complete({ messages: [{ role: 'user', content: 'Hi' }], logprobs: true });
 * await engine.close();
 */
import { Agent, errors as undiciErrors } from 'undici';
import { UnderstudyError } from '../../contracts/errors.ts';
import { buildOpenAIChatBody, type OpenAICompatibleSupports } from './internal/openai-chat-body.ts';
import { readInstructedJson, readOpenAIChatResult, readProviderMessage, type AnswerOrigin } from './internal/openai-chat-result.ts';
import type { EngineRequest, EngineResult, SpecialistEngine } from './specialist-engine.ts';

export type { OpenAICompatibleSupports } from './internal/openai-chat-body.ts';

export interface OpenAICompatibleEngineOptions {
  /** Base URL including the API prefix, e.g. `http://127.0.0.1:11434/v1` (Ollama) or `http://127.0.0.1:8000/v1` (vLLM). */
  baseUrl: string;
  /** Served model name; a request's `adapter` overrides it. */
  model: string;
  /** Sent as a bearer token; local servers usually need none (vLLM `--api-key`, LM Studio may). */
  apiKey?: string;
  /** Limit for the answer's headers and for each gap in its body. Default 120 s: small models on CPU are slow. */
  timeoutMs?: number;
  /** What the runtime understands; each flag defaults to true. */
  supports?: Partial<OpenAICompatibleSupports>;
}

const defaultTimeoutMs = 120_000;

interface ParsedBaseUrl {
  origin: string;
  /** Path prefix without a trailing slash, e.g. `/v1`. */
  basePath: string;
}

function parseBaseUrl(baseUrl: string): ParsedBaseUrl {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new UnderstudyError('config_invalid', `Invalid engine base URL '${baseUrl}': expected e.g. http://127.0.0.1:11434/v1`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnderstudyError('config_invalid', `Invalid engine base URL '${baseUrl}': only http and https are supported`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

function toNetworkError(error: unknown, url: string, timeoutMs: number, answerStarted: boolean): UnderstudyError {
  if (error instanceof UnderstudyError) return error;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new UnderstudyError('upstream_timeout', `Specialist server at ${url} did not answer within ${timeoutMs} ms`, { cause: error });
  }
  const message = error instanceof Error ? error.message || error.name : String(error);
  if (answerStarted) {
    return new UnderstudyError('upstream_unreachable', `Specialist server at ${url} dropped the connection mid-answer: ${message}`, { cause: error });
  }
  return new UnderstudyError('upstream_unreachable', `Specialist server at ${url} is unreachable (is it running?): ${message}`, { cause: error });
}

/** Creates the engine; nothing is sent until the first `complete`. Throws `config_invalid` on a bad base URL. */
export function createOpenAICompatibleEngine(options: OpenAICompatibleEngineOptions): SpecialistEngine {
  const { origin, basePath } = parseBaseUrl(options.baseUrl);
  const endpoint = `${origin}${basePath}/chat/completions`;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const supports: OpenAICompatibleSupports = {
    jsonSchema: options.supports?.jsonSchema ?? true,
    logprobs: options.supports?.logprobs ?? true,
    tools: options.supports?.tools ?? true,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });

  async function complete(request: EngineRequest): Promise<EngineResult> {
    const servedModel = request.adapter ?? options.model;
    const answerOrigin: AnswerOrigin = { url: endpoint, model: servedModel };
    if (request.tools && request.tools.length > 0 && !supports.tools) {
      throw new UnderstudyError('invalid_request', `Engine for "${servedModel}" at ${endpoint} is configured without tool support`);
    }
    if (request.showTools === false && request.tools !== undefined && request.tools.length > 0) {
      // A chat-completions server describes every tool it is given in the prompt; it cannot be told not to.
      throw new UnderstudyError('invalid_request', `Engine for "${servedModel}" at ${endpoint} cannot leave the tools out of the prompt (a specialist trained without them is served by the embedded engine)`);
    }
    const body = JSON.stringify(buildOpenAIChatBody(request, servedModel, supports));
    const startedAt = performance.now();
    let status = 0;
    let bodyText: string;
    try {
      const response = await agent.request({
        origin,
        path: `${basePath}/chat/completions`,
        method: 'POST',
        headers,
        body,
        signal: request.signal,
      });
      status = response.statusCode;
      bodyText = await response.body.text();
    } catch (error) {
      // A caller's own abort is not a server fault: it stays the abort error the caller expects.
      if (request.signal?.aborted) throw error;
      throw toNetworkError(error, endpoint, timeoutMs, status !== 0);
    }
    const latencyMs = performance.now() - startedAt;
    if (status < 200 || status >= 300) {
      throw new UnderstudyError('upstream_error', `Specialist server at ${endpoint} answered ${status} for model "${servedModel}": ${readProviderMessage(bodyText)}`);
    }
    const result = readOpenAIChatResult(bodyText, answerOrigin);
    const format = request.responseFormat;
    if (format && format.type !== 'text' && !supports.jsonSchema && result.toolCalls.length === 0) {
      return { ...result, content: readInstructedJson(result.content, answerOrigin), latencyMs };
    }
    return { ...result, latencyMs };
  }

  return {
    kind: 'openai-compatible',
    model: options.model,
    complete,
    close: () => agent.close(),
  };
}
