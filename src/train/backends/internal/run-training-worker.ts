/**
 * Runs python/train_lora.py and turns its stdout protocol (one JSON event per line) into typed events.
 * Cancelling sends SIGTERM and waits for the worker to write its checkpoint and exit, rather than killing it,
 * so an aborted job can resume where it stopped.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';
import type { PythonEnvironment } from '../../../providers/python/index.ts';

const artifactsSchema = z.object({ hf_adapter_dir: z.string(), gguf_adapter_path: z.string(), checkpoint_path: z.string(), merged_model_path: z.string().nullable() });
const metricsSchema = z.object({
  train_loss: z.number(),
  first_loss: z.number(),
  eval_loss: z.number().nullable(),
  // null when a finished job is run again: no step ran in this process.
  seconds_per_step: z.number().nullable(),
});

export const workerEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('started'), device: z.string(), torch: z.string(), examples: z.number(), total_steps: z.number(), resumed_from_step: z.number(), load_seconds: z.number() }).loose(),
  z.object({ event: z.literal('progress'), step: z.number(), total_steps: z.number(), epoch: z.number(), loss: z.number(), learning_rate: z.number(), seconds_per_step: z.number(), eta_s: z.number() }),
  z.object({ event: z.literal('checkpoint'), step: z.number(), path: z.string() }),
  z.object({ event: z.literal('stopped'), step: z.number(), total_steps: z.number(), checkpoint: z.string() }),
  z.object({ event: z.literal('done'), artifacts: artifactsSchema, metrics: metricsSchema, steps: z.number() }),
  z.object({ event: z.literal('failed'), message: z.string() }),
]);
export type WorkerEvent = z.infer<typeof workerEventSchema>;

export interface WorkerOutcome {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  events: WorkerEvent[];
  stderrTail: string;
}

export function runTrainingWorker(
  environment: PythonEnvironment,
  scriptPath: string,
  configPath: string,
  onEvent: (event: WorkerEvent) => void,
  signal: AbortSignal | undefined,
): Promise<WorkerOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(environment.pythonPath, [scriptPath, '--config', configPath], {
      cwd: path.dirname(scriptPath),
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', TOKENIZERS_PARALLELISM: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: WorkerEvent[] = [];
    const stderrLines: string[] = [];
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const event = parseEvent(line);
        if (event === undefined) continue;
        events.push(event);
        onEvent(event);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrLines.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
      if (stderrLines.length > 200) stderrLines.splice(0, stderrLines.length - 200);
    });
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted === true) onAbort();
    child.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (exitCode, exitSignal) => {
      signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode, exitSignal, events, stderrTail: stderrLines.slice(-15).join('\n') });
    });
  });
}

function parseEvent(line: string): WorkerEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = workerEventSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
