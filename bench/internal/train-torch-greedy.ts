/**
 * What the Python model answers for the held-out prompts: torch greedy decoding (python/lora_generate.py)
 * with the PEFT adapter over the same base GGUF (dequantised on load), on prompt tokens rendered by the
 * serving engine's own renderer, so both sides see identical prompt tokens. The answers come back as text,
 * detokenised by node-llama-cpp, for comparison with what the engine serves.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SharedPromptContext } from '../../src/contracts/shared-prompt-context.ts';
import { toEngineTool } from '../../src/providers/engines/engine-request.ts';
import { getSharedLlama } from '../../src/providers/engines/internal/llama-instance.ts';
import { pythonScriptPath, runPythonScript, type PythonEnvironment } from '../../src/providers/python/index.ts';
import { splitDatasetLine } from '../../src/select/few-shot-prompt.ts';
import type { FineTuneLine } from '../../src/curate/dataset/training-example.ts';
import { createTrainingExampleRenderer } from '../../src/train/backends/internal/render-training-examples.ts';

export async function generateWithTorch(options: {
  environment: PythonEnvironment;
  baseModelPath: string;
  hfAdapterDir: string;
  lines: readonly FineTuneLine[];
  /** What the adapter was trained without: left out of the prompts exactly as the engine leaves it out. */
  promptContext: SharedPromptContext | null;
  maxNewTokens: number;
  device: 'cpu' | 'cuda' | 'auto';
}): Promise<string[]> {
  const llama = await getSharedLlama(false);
  const model = await llama.loadModel({ modelPath: options.baseModelPath, gpuLayers: 0 });
  try {
    const renderer = createTrainingExampleRenderer(model);
    const prompts = options.lines.map((line) =>
      JSON.stringify({ tokens: renderer.renderPrompt(splitDatasetLine(line).prompt, (line.tools ?? []).flatMap(toEngineTool), options.promptContext) }),
    );
    const output = await runPythonScript(
      options.environment,
      pythonScriptPath('lora_generate.py'),
      ['--base', options.baseModelPath, '--adapter', options.hfAdapterDir, '--max-new-tokens', String(options.maxNewTokens), '--device', options.device],
      { stdin: `${prompts.join('\n')}\n` },
    );
    const texts = output
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => model.detokenize(readTokens(line) as never));
    if (texts.length !== prompts.length) throw new Error(`lora_generate.py answered ${texts.length} of ${prompts.length} prompts`);
    return texts;
  } finally {
    await model.dispose();
  }
}

function readTokens(line: string): number[] {
  const parsed = parseJson(line);
  const tokens = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? (parsed.value as { tokens?: unknown }).tokens : undefined;
  if (!Array.isArray(tokens) || !tokens.every((token) => Number.isInteger(token))) throw new Error(`lora_generate.py wrote an unexpected line: ${line.slice(0, 120)}`);
  return tokens as number[];
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Whether two answers say the same thing: equal as parsed JSON values (key order and whitespace aside, which
 * the engine's grammar may fix differently from unconstrained decoding), else equal as trimmed text.
 */
export function sameAnswer(left: string, right: string): boolean {
  const parsedLeft = parseJson(left);
  const parsedRight = parseJson(right);
  if (parsedLeft.ok && parsedRight.ok) return isDeepStrictEqual(parsedLeft.value, parsedRight.value);
  return left.trim() === right.trim();
}
