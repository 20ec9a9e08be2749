/**
 * An embedder over any OpenAI-compatible `POST /v1/embeddings` (OpenAI, vLLM, llama.cpp's server, Ollama,
 * LiteLLM…). Request and response follow OpenAI's API reference: `{ model, input: string[], encoding_format }`
 * → `{ object: 'list', data: [{ object: 'embedding', index, embedding }], model, usage }`. With
 * `encoding_format: 'base64'` (the default, as the official clients send) each embedding is little-endian
 * float32 bytes in base64, a quarter of the JSON size. Results are put back in input order by `index` and
 * L2-normalised. Server errors become `UnderstudyError`s carrying the server's own message.
 *
 * @example
 * const embedder = createOpenAiCompatibleEmbedder({ baseUrl: 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY, model: 'text-embedding-3-small' });
 */
import { request } from 'undici';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { Embedder } from '../embedder.ts';
import { l2Normalize } from './internal/l2-normalize.ts';

export interface OpenAiCompatibleEmbedderOptions {
  /** Up to and including `/v1`, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** Texts per request; default 64 (OpenAI accepts up to 2048 inputs per request). */
  batchSize?: number;
  /** Default `base64`; `float` for servers that only speak JSON arrays. */
  encodingFormat?: 'base64' | 'float';
  /** Per-request timeout in milliseconds; default 60 000. */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

const embeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.union([z.array(z.number()), z.string()]) })),
});

const errorBodySchema = z.object({ error: z.union([z.object({ message: z.string() }).passthrough(), z.string()]) });

export function createOpenAiCompatibleEmbedder(options: OpenAiCompatibleEmbedderOptions): Embedder {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const batchSize = options.batchSize ?? 64;
  const encodingFormat = options.encodingFormat ?? 'base64';
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UnderstudyError('invalid_request', `batchSize must be a positive integer, got ${batchSize}.`);

  async function embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
    let statusCode: number;
    let text: string;
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: options.model, input: texts, encoding_format: encodingFormat }),
        headersTimeout: options.timeoutMs ?? 60_000,
        bodyTimeout: options.timeoutMs ?? 60_000,
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const timedOut = error instanceof Error && /timeout/i.test(error.name + error.message);
      throw new UnderstudyError(timedOut ? 'upstream_timeout' : 'upstream_unreachable', `Embeddings request to ${url} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const body = safeParseJson(text);
    if (statusCode < 200 || statusCode >= 300) {
      const parsedError = errorBodySchema.safeParse(body);
      const serverMessage = parsedError.success ? (typeof parsedError.data.error === 'string' ? parsedError.data.error : parsedError.data.error.message) : text.slice(0, 300);
      const code = statusCode === 401 ? 'invalid_api_key' : statusCode === 404 ? 'model_not_found' : statusCode === 400 ? 'invalid_request' : 'upstream_error';
      throw new UnderstudyError(code, `Embeddings server ${url} answered HTTP ${statusCode}: ${serverMessage}`, { statusCode: statusCode >= 500 ? 502 : statusCode });
    }
    const parsed = embeddingsResponseSchema.safeParse(body);
    if (!parsed.success) throw new UnderstudyError('upstream_error', `Embeddings server ${url} sent an unexpected body: ${parsed.error.message}`);
    const results: Array<Float32Array | undefined> = new Array(texts.length);
    for (const item of parsed.data.data) {
      if (item.index >= texts.length) throw new UnderstudyError('upstream_error', `Embeddings server ${url} returned index ${item.index} for ${texts.length} inputs.`);
      results[item.index] = l2Normalize(typeof item.embedding === 'string' ? decodeBase64Float32(item.embedding) : item.embedding);
    }
    const dimensions = new Set(results.map((vector) => vector?.length));
    if (results.some((vector) => vector === undefined) || dimensions.size !== 1) {
      throw new UnderstudyError('upstream_error', `Embeddings server ${url} returned ${parsed.data.data.length} embeddings of mixed or missing sizes for ${texts.length} inputs.`);
    }
    return results as Float32Array[];
  }

  return {
    name: `openai:${options.model}`,
    async embed(texts) {
      const results: Float32Array[] = [];
      // Empty strings are rejected by OpenAI ("input cannot be an empty string"); they get the zero vector.
      const nonEmpty = texts.map((text, index) => ({ text, index })).filter((item) => item.text.trim() !== '');
      const vectors: Float32Array[] = [];
      for (let start = 0; start < nonEmpty.length; start += batchSize) {
        vectors.push(...(await embedBatch(nonEmpty.slice(start, start + batchSize).map((item) => item.text))));
      }
      const dimensions = vectors[0]?.length ?? 0;
      const byIndex = new Map(nonEmpty.map((item, position) => [item.index, vectors[position]]));
      for (let index = 0; index < texts.length; index++) results.push(byIndex.get(index) ?? new Float32Array(dimensions));
      return results;
    },
    async close() {},
  };
}

/** OpenAI's base64 embeddings are the raw little-endian float32 array. */
function decodeBase64Float32(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 4 !== 0) throw new UnderstudyError('upstream_error', `A base64 embedding has ${bytes.length} bytes, not a whole number of float32s.`);
  const values = new Float32Array(bytes.length / 4);
  for (let index = 0; index < values.length; index++) values[index] = bytes.readFloatLE(index * 4);
  return values;
}

function safeParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
