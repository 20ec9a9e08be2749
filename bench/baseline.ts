/**
 * `npm run bench:baseline` — how well the embedded default base model (SmolLM2-135M-Instruct Q4_1, in
 * node-llama-cpp with its own chat template and the JSON-schema / tool-call grammar) does each simulator
 * task zero-shot and few-shot, before any training. These accuracies are the baseline every specialist
 * must beat. Calls come from real agent episodes (evaluation split); few-shot examples from the training
 * split. Scoring is the simulator's: exact text, JSON deep-equality, tool name + arguments, SQL by
 * execution. Open-ended tasks have no single answer and are left out.
 *
 * Env: BENCH_BASELINE_CALLS (calls per task, default 4), BENCH_BASELINE_SHOTS (examples, default 2).
 * Ends with `BENCH {json}`.
 */
import type { ChatCompletion } from '../src/contracts/chat-completion.ts';
import { locateSmolLm2 } from '../src/providers/engines/internal/llama-test-models.ts';
import { createLlamaCppEngine } from '../src/providers/engines/llama-cpp-engine.ts';
import type { EngineRequest, EngineResult, SpecialistEngine } from '../src/providers/engines/specialist-engine.ts';
import { querySqlMatcher } from '../src/simulate/driver/query-sql-matcher.ts';
import { scoreAnswer } from '../src/simulate/driver/score-answer.ts';
import { resolveSimulatedAgents } from '../src/simulate/driver/simulated-agents.ts';
import type { GeneratedCall } from '../src/simulate/simulated-task.ts';
import { collectSimulatedCalls, type CollectedCall } from './internal/collect-simulated-calls.ts';
import type { FineTuneLine } from '../src/curate/dataset/training-example.ts';
import { withFewShotExamples } from '../src/select/few-shot-prompt.ts';

const callsPerTask = Number(process.env.BENCH_BASELINE_CALLS ?? 4);
const shots = Number(process.env.BENCH_BASELINE_SHOTS ?? 2);

interface ModeResult {
  correct: number;
  scored: number;
  latencies: number[];
}

function engineRequest(call: GeneratedCall, messages = call.request.messages): EngineRequest {
  const format = call.request.response_format;
  return {
    messages,
    tools: call.request.tools?.flatMap((tool) => (tool.function ? [{ type: 'function' as const, function: { name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters } }] : [])),
    responseFormat:
      format?.type === 'json_schema' ? { type: 'json_schema', name: format.json_schema.name, schema: format.json_schema.schema ?? { type: 'object' } } : format?.type === 'json_object' ? { type: 'json_object' } : undefined,
    maxTokens: 160,
  };
}

function asCompletion(result: EngineResult): ChatCompletion {
  return {
    id: 'baseline',
    object: 'chat.completion',
    created: 0,
    model: 'smollm2-135m-instruct',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.content,
          ...(result.toolCalls.length > 0 ? { tool_calls: result.toolCalls.map((call, index) => ({ id: `call_${index}`, type: 'function' as const, function: call })) } : {}),
        },
        finish_reason: result.finishReason,
      },
    ],
  };
}

async function runMode(engine: SpecialistEngine, calls: readonly CollectedCall[], examples: readonly CollectedCall[] | null): Promise<ModeResult> {
  const result: ModeResult = { correct: 0, scored: 0, latencies: [] };
  for (const { call } of calls) {
    const messages = examples ? withFewShotExamples(call.request.messages, examples.map(asDatasetLine)) : call.request.messages;
    let completion: ChatCompletion;
    try {
      const answer = await engine.complete(engineRequest(call, messages));
      result.latencies.push(answer.latencyMs);
      completion = asCompletion(answer);
    } catch (error) {
      // A prompt too long for the context, or a schema the grammar cannot express: a wrong answer, not a crash.
      process.stderr.write(`  ${call.task}: ${(error as Error).message.slice(0, 160)}\n`);
      result.scored += 1;
      continue;
    }
    const score = scoreAnswer(call.expected, completion, { sqlMatcher: querySqlMatcher });
    if (score.correct === null) continue;
    result.scored += 1;
    if (score.correct) result.correct += 1;
  }
  return result;
}

/** A collected call as a dataset line: its messages, then the teacher's answer. */
function asDatasetLine(collected: CollectedCall): FineTuneLine {
  const message = collected.completion.choices[0]?.message;
  const answer = { role: 'assistant' as const, content: message?.content ?? null, ...(message?.tool_calls ? { tool_calls: message.tool_calls.map((call) => ({ id: call.id, type: 'function' as const, function: call.function })) } : {}) };
  return { messages: [...(collected.call.request.messages as FineTuneLine['messages']), answer] };
}

const median = (values: number[]) => (values.length === 0 ? 0 : [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!);

const located = await locateSmolLm2();
if (located.verdict !== 'found') {
  console.error(`bench:baseline needs SmolLM2-135M-Instruct: ${located.reason}`);
  process.exit(1);
}
const agents = resolveSimulatedAgents('query,support,toolloop');
const evaluation = await collectSimulatedCalls({ agents, episodesPerAgent: 40, split: 'eval', seed: 'baseline' });
const training = await collectSimulatedCalls({ agents, episodesPerAgent: 10, split: 'train', seed: 'baseline-shots' });
const engine = await createLlamaCppEngine({ modelPath: located.modelPath, contextSize: 8192, threads: 2, contextPoolSize: 1 });
const started = performance.now();
const rows: Array<{ task: string; calls: number; zeroShot: number; fewShot: number; zeroP50: number; fewP50: number }> = [];
for (const [task, calls] of [...evaluation].sort(([left], [right]) => left.localeCompare(right))) {
  if (calls[0]?.call.openEnded) continue;
  const sample = calls.filter((entry) => !entry.call.openEnded).slice(0, callsPerTask);
  const examples = (training.get(task) ?? []).filter((entry) => !entry.call.openEnded).slice(0, shots);
  const zero = await runMode(engine, sample, null);
  const few = await runMode(engine, sample, examples);
  rows.push({
    task,
    calls: zero.scored,
    zeroShot: zero.scored === 0 ? 0 : zero.correct / zero.scored,
    fewShot: few.scored === 0 ? 0 : few.correct / few.scored,
    zeroP50: median(zero.latencies),
    fewP50: median(few.latencies),
  });
  process.stderr.write(`  ${task}: zero-shot ${zero.correct}/${zero.scored}, ${shots}-shot ${few.correct}/${few.scored}\n`);
}
await engine.close();

const pad = (text: string, width: number) => text.padEnd(width);
console.log(`\nSmolLM2-135M-Instruct (Q4_1, llama.cpp, 2 threads, grammar on) on simulator tasks — evaluation split, ${callsPerTask} calls per task, ${shots}-shot examples from training`);
console.log(`${pad('task', 26)}${pad('calls', 7)}${pad('zero-shot', 11)}${pad(`${shots}-shot`, 9)}${pad('p50 zero', 10)}p50 few`);
for (const row of rows) {
  console.log(`${pad(row.task, 26)}${pad(String(row.calls), 7)}${pad(`${(row.zeroShot * 100).toFixed(0)}%`, 11)}${pad(`${(row.fewShot * 100).toFixed(0)}%`, 9)}${pad(`${row.zeroP50.toFixed(0)} ms`, 10)}${row.fewP50.toFixed(0)} ms`);
}
const macro = (pick: (row: (typeof rows)[number]) => number) => (rows.length === 0 ? 0 : rows.reduce((sum, row) => sum + pick(row), 0) / rows.length);
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  `BENCH ${JSON.stringify({
    model: 'SmolLM2-135M-Instruct.Q4_1',
    calls_per_task: callsPerTask,
    shots,
    zero_shot_accuracy: Number(macro((row) => row.zeroShot).toFixed(3)),
    few_shot_accuracy: Number(macro((row) => row.fewShot).toFixed(3)),
    tasks: Object.fromEntries(rows.map((row) => [row.task, { zero_shot: Number(row.zeroShot.toFixed(3)), few_shot: Number(row.fewShot.toFixed(3)), calls: row.calls }])),
  })}`,
);
