/**
 * Held-out evaluation for `bench:train`: the base model zero-shot and few-shot, and the base with the trained
 * GGUF adapter, all in the embedded llama.cpp engine with the task's JSON-schema grammar, on the dataset's
 * value-disjoint test split. It reuses model selection's runner (`runSelection`), handing it the test split
 * in place of validation, so the baselines and the specialist are prompted and scored exactly as
 * `understudy select` would; a recording wrapper keeps the specialist's answers for the torch comparison.
 */
import type { SharedPromptContext } from '../../src/contracts/shared-prompt-context.ts';
import type { LoadedDataset } from '../../src/curate/dataset/read-dataset.ts';
import { selectionScorer } from '../../src/evaluate/index.ts';
import { toEngineTool } from '../../src/providers/engines/engine-request.ts';
import { createLlamaCppEngine } from '../../src/providers/engines/llama-cpp-engine.ts';
import type { EngineRequest, EngineResult, SpecialistEngine } from '../../src/providers/engines/specialist-engine.ts';
import { specialistPrompt } from '../../src/providers/engines/specialist-prompt.ts';
import { splitDatasetLine } from '../../src/select/few-shot-prompt.ts';
import { runSelection, type CandidateRun } from '../../src/select/run-selection.ts';

export interface EngineSettings {
  modelPath: string;
  threads: number;
  contextSize: number;
}

export interface HeldOutEvaluation {
  zeroShot: CandidateRun;
  fewShot: CandidateRun;
  specialist: CandidateRun;
  /** The specialist's served answer per held-out example, in test-split order; null where the engine threw. */
  specialistAnswers: Array<EngineResult | null>;
}

/** Records every result in call order; runSelection calls one example at a time. */
function recordingEngine(engine: SpecialistEngine, results: Array<EngineResult | null>): SpecialistEngine {
  return {
    kind: engine.kind,
    model: engine.model,
    async complete(request: EngineRequest) {
      try {
        const result = await engine.complete(request);
        results.push(result);
        return result;
      } catch (error) {
        results.push(null);
        throw error;
      }
    },
    close: () => engine.close(),
  };
}

export async function evaluateHeldOut(options: {
  dataset: LoadedDataset;
  examples: number;
  shots: number;
  adapterPath: string;
  /** What the adapter was trained without (the specialist is prompted without it; the baselines see whole prompts). */
  promptContext: SharedPromptContext | null;
  engine: EngineSettings;
  onProgress?: (line: string) => void;
}): Promise<HeldOutEvaluation> {
  const heldOut: LoadedDataset = { ...options.dataset, validation: options.dataset.test.slice(0, options.examples) };
  const open = () => createLlamaCppEngine({ modelPath: options.engine.modelPath, threads: options.engine.threads, contextSize: options.engine.contextSize, contextPoolSize: 1 });
  const specialistAnswers: Array<EngineResult | null> = [];
  const { runs, unreachable } = await runSelection({
    dataset: heldOut,
    limit: options.examples,
    shots: options.shots,
    scorer: selectionScorer,
    candidates: [
      { id: 'base', label: 'SmolLM2-135M-Instruct Q4_1', origin: 'local-file', modes: ['zero-shot', 'few-shot'], usdPerHour: null, open },
      {
        id: 'specialist',
        label: 'SmolLM2-135M-Instruct Q4_1 + LoRA',
        origin: 'specialist',
        modes: ['specialist'],
        adapter: options.adapterPath,
        prepareRequest: specialistPrompt('chat-template', options.promptContext).prepare,
        usdPerHour: null,
        open: async () => recordingEngine(await open(), specialistAnswers),
      },
    ],
    onProgress: (progress) => {
      if (progress.done === progress.total) options.onProgress?.(`${progress.candidateId} ${progress.mode}: ${progress.total} held-out examples done`);
    },
  });
  const pick = (mode: CandidateRun['mode']): CandidateRun => {
    const run = runs.find((candidate) => candidate.mode === mode);
    if (run === undefined) throw new Error(`no ${mode} run: ${unreachable.map((entry) => `${entry.label}: ${entry.reason}`).join('; ') || 'no held-out examples'}`);
    return run;
  };
  return { zeroShot: pick('zero-shot'), fewShot: pick('few-shot'), specialist: pick('specialist'), specialistAnswers };
}

/**
 * The adapter's greedy text without a grammar, for a token-for-token comparison with torch (which decodes
 * unconstrained): the same prompts, the same adapter, no response format.
 */
export async function generateWithoutGrammar(options: {
  dataset: LoadedDataset;
  examples: number;
  adapterPath: string;
  promptContext: SharedPromptContext | null;
  maxTokens: number;
  engine: EngineSettings;
}): Promise<string[]> {
  const engine = await createLlamaCppEngine({ modelPath: options.engine.modelPath, threads: options.engine.threads, contextSize: options.engine.contextSize, contextPoolSize: 1 });
  try {
    const texts: string[] = [];
    for (const line of options.dataset.test.slice(0, options.examples)) {
      const { prompt } = splitDatasetLine(line);
      // The specialist's own prompt (tools left out when it learned them), with no grammar. A task whose tools stay
      // in the prompt is decoded under its tool grammar here: the engine describes tools only together with it.
      const tools = (line.tools ?? []).flatMap(toEngineTool);
      const prepared = specialistPrompt('chat-template', options.promptContext).prepare({ messages: prompt, ...(tools.length > 0 ? { tools } : {}) });
      const shown = prepared.showTools === false ? undefined : prepared.tools;
      const result = await engine.complete({ messages: prepared.messages, adapter: options.adapterPath, maxTokens: options.maxTokens, ...(shown === undefined ? {} : { tools: shown }) });
      texts.push(result.content ?? '');
    }
    return texts;
  } finally {
    await engine.close();
  }
}
