/**
 * Pulls a model into a local Ollama server through its HTTP API (`POST /api/pull`, streamed NDJSON, see
 * https://github.com/ollama/ollama/blob/main/docs/api.md#pull-a-model). Ollama keeps the weights in its own
 * store, checks each layer's digest and resumes interrupted pulls itself; we turn its per-layer progress
 * lines into one byte count for a progress bar.
 */
import { request } from 'undici';
import { z } from 'zod';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { DownloadProgress } from './download-file.ts';

export interface PullOllamaModelOptions {
  /** Ollama model name, e.g. `smollm2:135m`. */
  model: string;
  /** Default `OLLAMA_HOST`, else http://127.0.0.1:11434. */
  host?: string;
  onProgress?: (progress: DownloadProgress & { status: string }) => void;
  signal?: AbortSignal;
}

export interface PullOllamaModelResult {
  model: string;
  /** Normalised base URL of the Ollama server that now holds the model. */
  host: string;
}

/** One NDJSON line of a pull: a status, per-layer progress while downloading, or an error. */
const pullLineSchema = z.object({
  status: z.string().optional(),
  digest: z.string().optional(),
  total: z.number().optional(),
  completed: z.number().optional(),
  error: z.string().optional(),
});

/**
 * Ollama's own reading of `OLLAMA_HOST`: scheme optional (http), port optional (11434), and the listen-all
 * address `0.0.0.0` means this machine.
 */
export function resolveOllamaHost(host: string | undefined = process.env.OLLAMA_HOST): string {
  const raw = host === undefined || host.trim() === '' ? '127.0.0.1:11434' : host.trim();
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  if (url.port === '') url.port = url.protocol === 'https:' ? '443' : '11434';
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  return url.origin;
}

/**
 * @example
 * await pullOllamaModel({ model: 'smollm2:135m', onProgress: ({ receivedBytes, totalBytes }) => bar.update(receivedBytes) });
 */
export async function pullOllamaModel(options: PullOllamaModelOptions): Promise<PullOllamaModelResult> {
  const host = resolveOllamaHost(options.host);
  const url = `${host}/api/pull`;
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: options.model, stream: true }),
      signal: options.signal,
      // A pull can sit on one status line (verifying a large layer) for a long time.
      bodyTimeout: 0,
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    throw new UnderstudyError('upstream_unreachable', `Could not reach Ollama at ${host} to pull ${options.model}: ${describe(error)}. Is \`ollama serve\` running?`, {
      cause: error,
    });
  }

  const layers = new Map<string, { total: number; completed: number }>();
  let lastStatus = '';
  let buffered = '';
  const handleLine = (line: string): void => {
    if (line.trim() === '') return;
    let parsed: z.infer<typeof pullLineSchema>;
    try {
      const result = pullLineSchema.safeParse(JSON.parse(line));
      if (!result.success) throw result.error;
      parsed = result.data;
    } catch (error) {
      throw new UnderstudyError('upstream_error', `Ollama sent an unreadable pull progress line for ${options.model}: ${line.slice(0, 200)}`, { cause: error });
    }
    if (parsed.error !== undefined) {
      const code = /not found|does not exist|file does not exist/i.test(parsed.error) ? 'not_found' : 'upstream_error';
      throw new UnderstudyError(code, `Ollama could not pull ${options.model}: ${parsed.error}`);
    }
    lastStatus = parsed.status ?? lastStatus;
    if (parsed.digest !== undefined && parsed.total !== undefined) {
      layers.set(parsed.digest, { total: parsed.total, completed: parsed.completed ?? 0 });
    }
    let receivedBytes = 0;
    let totalBytes = 0;
    for (const layer of layers.values()) {
      receivedBytes += layer.completed;
      totalBytes += layer.total;
    }
    options.onProgress?.({ status: lastStatus, receivedBytes, totalBytes: layers.size === 0 ? undefined : totalBytes });
  };

  try {
    for await (const chunk of response.body) {
      buffered += (chunk as Buffer).toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) handleLine(line);
    }
    handleLine(buffered);
  } catch (error) {
    response.body.destroy();
    if (error instanceof UnderstudyError || options.signal?.aborted === true) throw error;
    throw new UnderstudyError('upstream_unreachable', `The connection to Ollama at ${host} dropped while pulling ${options.model}: ${describe(error)}`, {
      cause: error,
    });
  }
  if (response.statusCode === 404) throw new UnderstudyError('not_found', `Ollama at ${host} has no pull API (${url} answered 404).`);
  if (response.statusCode !== 200) throw new UnderstudyError('upstream_error', `Ollama answered HTTP ${response.statusCode} to a pull of ${options.model}.`);
  if (lastStatus !== 'success') {
    throw new UnderstudyError('upstream_error', `Ollama's pull of ${options.model} ended without success (last status: ${lastStatus || 'none'}).`);
  }
  return { model: options.model, host };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
