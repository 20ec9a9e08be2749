/**
 * The decoding loop, driven token by token on a context sequence (rather than through `LlamaChatSession`)
 * so that each generated token's probability is available: `evaluateWithMetadata(…, {confidence: true})`
 * reports the probability llama.cpp's sampler gave the chosen token after the grammar mask and the
 * temperature were applied; its natural log is the token's logprob. Stops on an end-of-generation token,
 * on a stop sequence of the chat template or grammar, or after `maxTokens`.
 */
import type { LlamaGrammarEvaluationState, LlamaModel, Token } from 'node-llama-cpp';
import type { EngineTokenLogprob } from '../specialist-engine.ts';
import type { PooledContext } from './llama-context-pool.ts';
import type { RenderedPrompt } from './llama-prompt.ts';

export interface GenerateOptions {
  prompt: RenderedPrompt;
  maxTokens: number;
  temperature: number;
  grammarEvaluationState?: LlamaGrammarEvaluationState;
  /** Extra plain-text stop strings, e.g. the JSON grammar's four trailing newlines. */
  extraStopTexts: string[];
  signal?: AbortSignal;
}

export interface GenerateOutcome {
  text: string;
  /** 'length' when `maxTokens` was reached before any stop condition. */
  stoppedBy: 'stop' | 'length';
  completionTokens: number;
  logprobs: EngineTokenLogprob[];
}

export async function generateWithSequence(model: LlamaModel, pooled: PooledContext, options: GenerateOptions): Promise<GenerateOutcome> {
  const { sequence } = pooled;
  const promptTokens = options.prompt.tokens;
  // Reuse the evaluated prefix shared with the previous request; at least one token must be evaluated anew
  // to get logits for the first generated token.
  const shared = Math.min(sequence.compareContextTokens(promptTokens).firstDifferentIndex, promptTokens.length - 1);
  if (shared < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }]);

  const stopTexts = [...options.prompt.stopTexts, ...options.extraStopTexts];
  const generated: Token[] = [];
  const tokenTexts: string[] = [];
  const probabilities: number[] = [];
  let text = '';
  let stopAt: { tokens: number; textLength: number } | null = null;

  const iterator = sequence.evaluateWithMetadata(
    promptTokens.slice(shared),
    { confidence: true },
    { temperature: options.temperature, grammarEvaluationState: options.grammarEvaluationState },
  );
  for await (const output of iterator) {
    options.signal?.throwIfAborted();
    generated.push(output.token);
    probabilities.push(output.confidence);
    const previousLength = text.length;
    text = model.detokenize(generated);
    tokenTexts.push(text.slice(previousLength));

    const tokenStop = options.prompt.stopTokenSequences.find((stop) => endsWith(generated, stop));
    if (tokenStop !== undefined) {
      const kept = generated.length - tokenStop.length;
      stopAt = { tokens: kept, textLength: model.detokenize(generated.slice(0, kept)).length };
      break;
    }
    const textStop = firstStopText(text, stopTexts);
    if (textStop !== null) {
      stopAt = { tokens: tokensBefore(tokenTexts, textStop), textLength: textStop };
      break;
    }
    if (generated.length >= options.maxTokens) break;
  }
  // The iterator also ends by itself on an end-of-generation token (not yielded).
  const stoppedBy = stopAt !== null || generated.length < options.maxTokens ? 'stop' : 'length';
  const keptTokens = stopAt?.tokens ?? generated.length;
  return {
    text: stopAt === null ? text : text.slice(0, stopAt.textLength),
    stoppedBy,
    completionTokens: generated.length,
    logprobs: tokenTexts.slice(0, keptTokens).map((token, index) => ({
      token,
      logprob: Math.log(Math.max(probabilities[index] ?? 0, Number.MIN_VALUE)),
    })),
  };
}

function endsWith(tokens: Token[], suffix: Token[]): boolean {
  if (suffix.length > tokens.length) return false;
  const offset = tokens.length - suffix.length;
  return suffix.every((token, index) => tokens[offset + index] === token);
}

function firstStopText(text: string, stopTexts: string[]): number | null {
  let first: number | null = null;
  for (const stop of stopTexts) {
    const index = text.indexOf(stop);
    if (index >= 0 && (first === null || index < first)) first = index;
  }
  return first;
}

/** Number of leading tokens whose text starts before `textLength` (tokens that contribute to the answer). */
function tokensBefore(tokenTexts: string[], textLength: number): number {
  let offset = 0;
  let count = 0;
  for (const tokenText of tokenTexts) {
    if (offset >= textLength) break;
    offset += tokenText.length;
    count += 1;
  }
  return count;
}
