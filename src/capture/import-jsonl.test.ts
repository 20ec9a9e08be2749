import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isUnderstudyError } from '../contracts/errors.ts';
import { createPricingTable } from '../providers/pricing-table.ts';
import { countCompletionTokens, countPromptTokens } from '../providers/token-counter.ts';
import { chatCompletionRequestSchema } from '../contracts/chat-completion.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { importJsonl, importRecordId, parseImportLine, type ImportProgress } from './import-jsonl.ts';

const pricing = createPricingTable();
let directory: string;
let store: Store;

before(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'understudy-import-'));
  store = await openStore({ dataDir: path.join(directory, 'data') });
});

after(async () => {
  await store.close();
  await rm(directory, { recursive: true, force: true });
});

/** A call as the official client sends and receives it, with usage. */
const triageLine = {
  request: {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Classify the support ticket as billing, shipping or other. Answer with one word.' },
      { role: 'user', content: 'I was charged twice for order 8812.' },
    ],
    temperature: 0,
  },
  response: {
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    object: 'chat.completion',
    created: 1741569952,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'billing', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 36,
      completion_tokens: 1,
      total_tokens: 37,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
  },
  metadata: { task: 'ticket-triage', episode_id: 'run-42', end_user_id: 'customer-17', started_at: '2025-03-10T01:25:51.500Z', latency_ms: 412, provider: 'openai' },
};

/** A tool call without usage (as some OpenAI-compatible servers answer): tokens must be counted. */
const toolLine = {
  request: {
    model: 'gpt-4.1-nano',
    messages: [{ role: 'user', content: 'Where is order 8812?' }],
    tools: [
      {
        type: 'function',
        function: {
          name: 'lookup_order',
          description: 'Look an order up by id',
          parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'], additionalProperties: false },
          strict: true,
        },
      },
    ],
    user: 'customer-99',
    metadata: { understudy_task: 'order-lookup' },
  },
  response: {
    id: 'chatcmpl-C1aaT00l',
    object: 'chat.completion',
    created: 1750000000,
    model: 'gpt-4.1-nano-2025-04-14',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_Qx1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"8812"}' } }],
          refusal: null,
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
  },
  metadata: { started_at: 1750000000123 },
};

const rateLimitedLine = {
  request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Summarise this ticket thread.' }] },
  response: {
    error: {
      message: 'Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 29812, Requested 1200.',
      type: 'tokens',
      param: null,
      code: 'rate_limit_exceeded',
    },
  },
  metadata: { http_status: 429, started_at: '2025-05-01T12:00:00Z', latency_ms: 95 },
};

function generatedLine(index: number) {
  return {
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Classify ticket #${index}: "refund please"` }] },
    response: {
      id: `chatcmpl-gen${index}`,
      object: 'chat.completion',
      created: 1750000000 + index,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'billing', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 20, completion_tokens: 1, total_tokens: 21 },
    },
    metadata: { task: 'ticket-triage' },
  };
}

const generatedCount = 1200;

async function writeFixture(name: string, lines: string[]): Promise<string> {
  const file = path.join(directory, name);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

function mainFixtureLines(): string[] {
  return [
    JSON.stringify(triageLine),
    JSON.stringify(toolLine),
    '{"request": {"model": "gpt-4o", "messages": [', // malformed JSON
    JSON.stringify({ request: { model: 'gpt-4o', messages: 'hello' }, response: null }), // wrong type
    JSON.stringify(rateLimitedLine),
    '',
    JSON.stringify({ request: triageLine.request }), // response key missing
    JSON.stringify({ ...triageLine, metadata: { ...triageLine.metadata, latency_ms: 'fast' } }), // wrong-typed metadata
    // The first line again, keys in another order and pretty spacing: the same call.
    JSON.stringify({ metadata: triageLine.metadata, response: triageLine.response, request: triageLine.request }, null, 0),
    ...Array.from({ length: generatedCount }, (_, index) => JSON.stringify(generatedLine(index))),
  ];
}

test('imports a realistic log: counts, stored fields, progress; re-import adds nothing', async () => {
  const file = await writeFixture('calls.jsonl', mainFixtureLines());
  const progress: ImportProgress[] = [];
  const summary = await importJsonl({ file, store, pricing, projectId: 'support-bot', onProgress: (update) => progress.push(update) });

  const valid = 3 + generatedCount;
  assert.equal(summary.lines, 8 + generatedCount, 'blank lines are not counted');
  assert.equal(summary.invalid, 4);
  assert.equal(summary.imported, valid);
  assert.equal(summary.duplicates, 1, 'the repeated first line');
  assert.deepEqual(
    summary.errors.map((error) => error.line),
    [3, 4, 7, 8],
  );
  assert.match(summary.errors[0]?.message ?? '', /not valid JSON/);
  assert.match(summary.errors[1]?.message ?? '', /^request\.messages: /);
  assert.match(summary.errors[2]?.message ?? '', /^response: missing/);
  assert.match(summary.errors[3]?.message ?? '', /^metadata\.latency_ms: /);
  assert.ok(progress.length >= 3, 'progress after each batch and at the end');
  const last = progress.at(-1);
  assert.equal(last?.bytesRead, last?.totalBytes);
  assert.equal(last?.imported, valid);
  assert.equal(last?.skipped, 5);
  assert.equal(await store.calls.count({ projectId: 'support-bot' }), valid);

  const triage = await store.calls.get(importRecordId('support-bot', triageLine));
  assert.ok(triage);
  assert.equal(triage.source, 'import');
  assert.equal(triage.status, 'ok');
  assert.equal(triage.httpStatus, 200);
  assert.equal(triage.task, 'ticket-triage');
  assert.equal(triage.episodeId, 'run-42');
  assert.equal(triage.endUserId, 'customer-17');
  assert.equal(triage.provider, 'openai');
  assert.equal(triage.startedAt, Date.parse('2025-03-10T01:25:51.500Z'));
  assert.equal(triage.latencyMs, 412);
  assert.equal(triage.ttftMs, 412);
  assert.equal(triage.tokensIn, 36);
  assert.equal(triage.tokensOut, 1);
  assert.equal(triage.tokensEstimated, false);
  assert.ok(Math.abs((triage.costUsd ?? 0) - (36 * 0.15 + 1 * 0.6) / 1_000_000) < 1e-12);
  assert.equal(triage.model, 'gpt-4o-mini');
  assert.equal(triage.responseModel, 'gpt-4o-mini-2024-07-18');
  assert.equal(triage.finishReason, 'stop');
  assert.deepEqual(triage.request, triageLine.request);
  assert.deepEqual(triage.response, triageLine.response);

  const tool = await store.calls.get(importRecordId('support-bot', toolLine));
  assert.ok(tool);
  assert.equal(tool.task, 'order-lookup', 'from request.metadata.understudy_task');
  assert.equal(tool.endUserId, 'customer-99', 'from request.user');
  assert.equal(tool.episodeId, null);
  assert.equal(tool.startedAt, 1750000000123);
  assert.equal(tool.tokensEstimated, true);
  assert.equal(tool.tokensIn, countPromptTokens(chatCompletionRequestSchema.parse(toolLine.request)));
  assert.equal(tool.tokensOut, countCompletionTokens(toolLine.response));
  assert.ok(Math.abs((tool.costUsd ?? 0) - ((tool.tokensIn ?? 0) * 0.1 + (tool.tokensOut ?? 0) * 0.4) / 1_000_000) < 1e-12);
  assert.equal(tool.finishReason, 'tool_calls');

  const limited = await store.calls.get(importRecordId('support-bot', rateLimitedLine));
  assert.ok(limited);
  assert.equal(limited.status, 'error');
  assert.equal(limited.errorClass, 'upstream_429');
  assert.equal(limited.httpStatus, 429);
  assert.match(limited.errorMessage ?? '', /^Rate limit reached/);
  assert.equal(limited.response, null);
  assert.equal(limited.tokensOut, null);
  assert.ok((limited.tokensIn ?? 0) > 0);
  assert.equal(limited.costUsd, 0, 'failed calls are not billed');

  const totals = await store.calls.summarize({ projectId: 'support-bot', task: 'ticket-triage' });
  assert.equal(totals.calls, 1 + generatedCount);
  assert.equal(totals.tokensIn, 36 + 20 * generatedCount);

  const again = await importJsonl({ file, store, pricing, projectId: 'support-bot' });
  assert.equal(again.imported, 0);
  assert.equal(again.duplicates, valid + 1);
  assert.equal(again.invalid, 4);
  assert.equal(await store.calls.count({ projectId: 'support-bot' }), valid);
});

test('the same log into another project is imported again (ids include the project)', async () => {
  const file = await writeFixture('small.jsonl', [JSON.stringify(triageLine), JSON.stringify(toolLine)]);
  const summary = await importJsonl({ file, store, pricing, projectId: 'other-project' });
  assert.equal(summary.imported, 2);
  assert.equal(await store.calls.count({ projectId: 'other-project' }), 2);
});

test('strict: stops at the first invalid line; lines before it stay imported', async () => {
  const lines = [
    JSON.stringify(generatedLine(5001)),
    JSON.stringify(generatedLine(5002)),
    '\uFEFF{oops',
    JSON.stringify(generatedLine(5003)),
  ];
  const file = await writeFixture('strict.jsonl', lines);
  await assert.rejects(
    importJsonl({ file, store, pricing, projectId: 'strict-project', strict: true }),
    (error: unknown) => isUnderstudyError(error, 'import_invalid') && /^line 3: not valid JSON/.test(error.message),
  );
  assert.equal(await store.calls.count({ projectId: 'strict-project' }), 2);
  assert.equal(await store.calls.get(importRecordId('strict-project', generatedLine(5003))), undefined);
});

test('a BOM, CRLF line ends, epoch seconds and a missing file', async () => {
  const line = { ...generatedLine(7001), metadata: { started_at: 1750000000, stream: true } };
  const file = path.join(directory, 'windows.jsonl');
  await writeFile(file, `\uFEFF${JSON.stringify(line)}\r\n\r\n`);
  const summary = await importJsonl({ file, store, pricing, projectId: 'windows' });
  assert.deepEqual([summary.lines, summary.imported, summary.invalid], [1, 1, 0]);
  const record = await store.calls.get(importRecordId('windows', line));
  assert.equal(record?.startedAt, 1750000000 * 1000);
  assert.equal(record?.stream, true);
  assert.equal(record?.ttftMs, null);

  await assert.rejects(importJsonl({ file: path.join(directory, 'missing.jsonl'), store, pricing, projectId: 'x' }), (error: unknown) =>
    isUnderstudyError(error, 'import_invalid'),
  );
});

test('parseImportLine: minimal completions get defaults; odd error bodies still classify', () => {
  const context = { projectId: 'p', pricing, importedAt: 1_700_000_000_000 };
  const minimal = parseImportLine(
    JSON.stringify({
      request: { model: 'llama-3.1-8b-instant', messages: [{ role: 'user', content: 'hi' }] },
      response: { model: 'llama-3.1-8b-instant', choices: [{ message: { content: 'Hello!' } }] },
    }),
    context,
  );
  assert.ok(minimal.ok);
  assert.equal(minimal.record.startedAt, 1_700_000_000_000, 'import time when nothing says when');
  assert.deepEqual(minimal.record.response, {
    id: '',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'llama-3.1-8b-instant',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: null }],
  });
  assert.ok(minimal.record.costUsd !== null && minimal.record.costUsd > 0);

  const serverError = parseImportLine(
    JSON.stringify({ request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, response: { error: { message: 'The server had an error', type: 'server_error' } } }),
    context,
  );
  assert.ok(serverError.ok);
  assert.equal(serverError.record.errorClass, 'upstream_5xx');

  const badChoice = parseImportLine(
    JSON.stringify({ request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, response: { model: 'gpt-4o', choices: [{}] } }),
    context,
  );
  assert.deepEqual(badChoice, { ok: false, message: 'response.choices.0.message: Invalid input: expected object, received undefined' });
});

test('a last line that ends inside a UTF-8 sequence is reported as invalid, not lost (found by the importer fuzzer, seed 1344543568)', async () => {
  const file = path.join(directory, 'cut-utf8.jsonl');
  await writeFile(file, Buffer.concat([Buffer.from(`${JSON.stringify(generatedLine(7101))}\n`), Buffer.from([0xc0])]));
  const summary = await importJsonl({ file, store, pricing, projectId: 'cut-utf8' });
  assert.deepEqual([summary.lines, summary.imported, summary.invalid], [2, 1, 1]);
  assert.equal(summary.errors[0]?.line, 2);
});
