/**
 * `npm run bench:engine` — the embedded llama.cpp engine on a structured task: SmolLM2-135M-Instruct (Q4_1)
 * extracts {name, email, order_id} from seeded support messages, on CPU, once with the JSON-schema grammar
 * and once without it. Reports tokens/s, per-call latency p50/p95, the grammar's latency overhead, how often
 * the answer is valid against the schema (with the grammar, and without it for contrast) and zero-shot
 * exact-match accuracy with the grammar.
 *
 * tokens_per_s is completion tokens / total call time, prompt evaluation included (the system prompt is
 * shared, so the engine's prefix reuse evaluates only the message each call).
 *
 * Environment: BENCH_CASES (default 30), BENCH_SEED (default 7), BENCH_THREADS (comma list, default "2";
 * the first value gives the BENCH line, e.g. "2,1" also measures one thread).
 * The last line is `BENCH {json}` for machines. Exit code 1 when the model cannot be obtained.
 */
import path from 'node:path';
import { z } from 'zod';
import { locateSmolLm2 } from '../src/providers/engines/internal/llama-test-models.ts';
import { createLlamaCppEngine } from '../src/providers/engines/llama-cpp-engine.ts';
import { createExtractionCases } from './internal/engine-extraction-cases.ts';
import { runExtractionPass, type ExtractionCallRecord } from './internal/engine-extraction-run.ts';
import { medianOf, percentileOfSorted } from './internal/latency-summary.ts';

const settingsSchema = z.object({
  BENCH_CASES: z.coerce.number().int().min(1).default(30),
  BENCH_SEED: z.coerce.number().int().default(7),
  BENCH_THREADS: z
    .string()
    .default('2')
    .transform((value) => value.split(',').map((part) => Number(part.trim())))
    .pipe(z.array(z.number().int().min(1)).min(1)),
});

interface ModeSummary {
  tokensPerSecond: number;
  p50: number;
  p95: number;
  msPerToken: number;
  schemaValidRate: number;
  schemaValidLenientRate: number;
  exactRate: number;
  fieldAccuracy: number;
}

function summarize(records: ExtractionCallRecord[]): ModeSummary {
  const latencies = records.map((record) => record.latencyMs).sort((left, right) => left - right);
  const totalMs = latencies.reduce((sum, value) => sum + value, 0);
  const totalTokens = records.reduce((sum, record) => sum + record.completionTokens, 0);
  return {
    tokensPerSecond: totalTokens / (totalMs / 1000),
    p50: medianOf(latencies),
    p95: percentileOfSorted(latencies, 0.95),
    msPerToken: totalMs / totalTokens,
    schemaValidRate: records.filter((record) => record.schemaValid).length / records.length,
    schemaValidLenientRate: records.filter((record) => record.schemaValidLenient).length / records.length,
    exactRate: records.filter((record) => record.exact).length / records.length,
    fieldAccuracy: records.reduce((sum, record) => sum + record.fieldsCorrect, 0) / (records.length * 3),
  };
}

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

async function main(): Promise<number> {
  const settings = settingsSchema.parse(process.env);
  const location = await locateSmolLm2();
  if (location.verdict === 'missing') {
    process.stderr.write(`bench:engine — ${location.reason}\n`);
    return 1;
  }
  const cases = createExtractionCases(settings.BENCH_CASES, settings.BENCH_SEED);
  process.stdout.write(`bench:engine — ${path.basename(location.modelPath)}, ${cases.length} extraction cases (seed ${settings.BENCH_SEED}), threads ${settings.BENCH_THREADS.join(', ')}\n`);

  let headline: Record<string, unknown> | undefined;
  for (const threads of settings.BENCH_THREADS) {
    const engine = await createLlamaCppEngine({ modelPath: location.modelPath, threads, contextPoolSize: 1 });
    try {
      // Warm-up: first-call costs (graph allocation, grammar compilation) are not what a served call pays.
      await runExtractionPass(engine, cases.slice(0, 1), true);
      await runExtractionPass(engine, cases.slice(0, 1), false);
      const withGrammar = summarize(await runExtractionPass(engine, cases, true));
      const withoutGrammar = summarize(await runExtractionPass(engine, cases, false));
      for (const [label, summary] of [['grammar', withGrammar], ['no grammar', withoutGrammar]] as const) {
        process.stdout.write(
          `threads ${threads} ${label.padEnd(10)}  ${summary.tokensPerSecond.toFixed(1).padStart(6)} tok/s  p50 ${summary.p50.toFixed(0).padStart(5)} ms  ` +
            `p95 ${summary.p95.toFixed(0).padStart(5)} ms  ${summary.msPerToken.toFixed(1)} ms/token  schema-valid ${(summary.schemaValidRate * 100).toFixed(0)}% (first {…}: ${(summary.schemaValidLenientRate * 100).toFixed(0)}%)  ` +
            `exact ${(summary.exactRate * 100).toFixed(0)}%  fields ${(summary.fieldAccuracy * 100).toFixed(0)}%\n`,
        );
      }
      const ratios = {
        grammar_overhead_ratio: round(withGrammar.p50 / withoutGrammar.p50),
        grammar_overhead_per_token_ratio: round(withGrammar.msPerToken / withoutGrammar.msPerToken),
      };
      process.stdout.write(`threads ${threads} grammar overhead: p50 ×${ratios.grammar_overhead_ratio}, per token ×${ratios.grammar_overhead_per_token_ratio}\n`);
      headline ??= {
        model: path.basename(location.modelPath),
        threads,
        cases: cases.length,
        tokens_per_s: round(withGrammar.tokensPerSecond, 1),
        call_p50_ms: round(withGrammar.p50, 1),
        call_p95_ms: round(withGrammar.p95, 1),
        ...ratios,
        schema_valid_rate: round(withGrammar.schemaValidRate),
        schema_valid_rate_without_grammar: round(withoutGrammar.schemaValidRate),
        schema_valid_rate_without_grammar_first_object: round(withoutGrammar.schemaValidLenientRate),
        zero_shot_exact: round(withGrammar.exactRate),
        zero_shot_field_accuracy: round(withGrammar.fieldAccuracy),
        zero_shot_exact_without_grammar: round(withoutGrammar.exactRate),
      };
    } finally {
      await engine.close();
    }
  }
  process.stdout.write(`BENCH ${JSON.stringify(headline)}\n`);
  return 0;
}

process.exitCode = await main();
