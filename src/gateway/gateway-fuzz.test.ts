/**
 * Property-based fuzzing (issue 9 §2): every route of a real gateway gets generated plausible and broken
 * requests — mutated OpenAI bodies, garbage bytes, hostile headers and encodings, odd queries and paths, broken
 * HTTP framing over a raw socket — and `understudy import` gets generated JSONL files. No 5xx for a client's
 * mistake, no hang, no crash, `/health` still answering, the importer's contract kept.
 *
 * The seed is random and printed; replay a failure with
 * `FUZZ_SEED=<seed> node --import tsx --test src/gateway/gateway-fuzz.test.ts`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzImporter } from '../capture/testing/fuzz-importer.ts';
import type { FuzzReport } from '../capture/testing/fuzz-report.ts';
import { fuzzGateway, unfuzzedRoutes } from './testing/fuzz-gateway.ts';
import { framingEndpoint } from './testing/internal/fuzz-request-arbitraries.ts';

const gatewayRuns = 40;
const importerRuns = 60;

function explain(report: FuzzReport): string {
  const failures = report.failures.slice(0, 10).map((failure) => `- ${failure.endpoint} → ${failure.status}: ${failure.problem}\n  answer: ${failure.bodyExcerpt}\n  input: ${failure.inputExcerpt}`);
  return [`seed ${report.seed} (replay: FUZZ_SEED=${report.seed})`, ...failures, ...report.counterexamples].join('\n');
}

test('a route without a fuzz generator is named, so a new endpoint cannot escape fuzzing', () => {
  assert.deepEqual(unfuzzedRoutes([{ method: 'GET', path: '/health' }, { method: 'POST', path: '/v1/brand-new' }]), ['POST /v1/brand-new']);
});

test('every gateway route: no 5xx for client mistakes, no hang or crash, OpenAI error bodies, health after each route', async (t) => {
  const report = await fuzzGateway({ numRuns: gatewayRuns });
  t.diagnostic(`gateway fuzz: seed ${report.seed}, ${report.inputs} inputs over ${Object.keys(report.perEndpoint).length} cases, RSS ${report.rssBeforeMb} → ${report.rssAfterMb} MB`);
  assert.equal(report.serverErrorsForClientMistakes, 0, explain(report));
  assert.equal(report.crashes, 0, explain(report));
  assert.equal(report.contractViolations, 0, explain(report));
  // Every route the app lists was fuzzed (fuzzGateway refuses to start otherwise), each with its full share.
  assert.ok(report.perEndpoint['POST /v1/chat/completions'] !== undefined && report.perEndpoint[framingEndpoint] !== undefined);
  for (const [endpoint, inputs] of Object.entries(report.perEndpoint)) assert.ok(inputs >= gatewayRuns, `${endpoint}: ${inputs} inputs`);
});

test('the JSONL importer: never an unexpected throw, bad lines reported by number, good lines beside them imported', async (t) => {
  const report = await fuzzImporter({ numRuns: importerRuns });
  t.diagnostic(`importer fuzz: seed ${report.seed}, ${report.inputs} files, ${report.perEndpoint['import lines'] ?? 0} lines, RSS ${report.rssBeforeMb} → ${report.rssAfterMb} MB`);
  assert.equal(report.crashes, 0, explain(report));
  assert.equal(report.contractViolations, 0, explain(report));
  assert.equal(report.inputs, importerRuns);
});
