/**
 * The torch side of the "llama.cpp serves what torch trained" check in the LoRA tests: greedy answers of the
 * base GGUF with a PEFT adapter (python/lora_generate.py in the `train` environment) for chat prompts rendered
 * and detokenised by the serving model, so both sides see the same prompt tokens.
 */
import type { LlamaModel } from 'node-llama-cpp';
import type { ChatMessage } from '../../../contracts/chat-completion.ts';
import { pythonScriptPath, runPythonScript, type PythonEnvironment } from '../../../providers/python/index.ts';
import { createTrainingExampleRenderer } from './render-training-examples.ts';

export interface TorchGreedyOptions {
  environment: PythonEnvironment;
  /** The base GGUF, loaded by node-llama-cpp: it renders the prompts and detokenises the answers. */
  model: LlamaModel;
  modelPath: string;
  /** PEFT adapter directory from trainLoraAdapter (`hfAdapterDir`). */
  adapterDir: string;
  prompts: ChatMessage[][];
  maxNewTokens: number;
}

/** One greedy answer text per prompt, in order. */
export async function torchGreedyTexts(options: TorchGreedyOptions): Promise<string[]> {
  const renderer = createTrainingExampleRenderer(options.model);
  const stdout = await runPythonScript(
    options.environment,
    pythonScriptPath('lora_generate.py'),
    ['--base', options.modelPath, '--adapter', options.adapterDir, '--max-new-tokens', String(options.maxNewTokens), '--device', 'cpu'],
    { stdin: options.prompts.map((messages) => JSON.stringify({ tokens: renderer.renderPrompt(messages) })).join('\n') + '\n' },
  );
  return stdout
    .trim()
    .split('\n')
    .map((line) => options.model.detokenize((JSON.parse(line) as { tokens: number[] }).tokens as never));
}
