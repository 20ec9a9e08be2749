import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallRecord } from '../contracts/call-record.ts';
import { createPricingTable } from '../providers/pricing-table.ts';
import { computeEconomics } from './compute-economics.ts';
import { renderEconomicsTable } from './render-economics.ts';

const pricing = createPricingTable(
  { big: { inputPerMillion: 2, outputPerMillion: 8 } },
  { pricingFile: { version: 1, retrieved: '2025-11-30', source: {}, models: {} } },
);

function call(id: string, task: string | null, route: CallRecord['route'], costUsd: number | null, latencyMs: number): CallRecord {
  return {
    version: 1,
    id,
    source: 'gateway',
    projectId: 'project',
    endUserId: null,
    episodeId: null,
    task,
    route,
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    httpStatus: 200,
    model: 'big',
    responseModel: null,
    provider: 'openai',
    stream: false,
    startedAt: 1_700_000_000_000,
    latencyMs,
    ttftMs: latencyMs,
    tokensIn: 1000,
    tokensOut: 500,
    tokensEstimated: false,
    costUsd,
    finishReason: 'stop',
    request: {},
    response: null,
  };
}

test('renderEconomicsTable: aligned rows per task, the overall row, and the basis', () => {
  const economics = computeEconomics({
    calls: [
      call('a', 'extract', 'llm', 0.01, 1200),
      call('b', 'extract', 'specialist', 0.0001, 100),
      call('c', null, 'llm', 0.002, 900),
    ],
    observations: [],
    pricing,
    usdPerHour: 3.6,
  });
  const text = renderEconomicsTable(economics);
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  assert.match(header, /^Task\s+Calls\s+SLM\s+Esc\s+LLM \$\s+SLM \$\s+Total \$\s+Baseline \$\s+Saved/);
  const extract = lines.find((line) => line.startsWith('extract'));
  const unclassified = lines.find((line) => line.startsWith('(unclassified)'));
  const overall = lines.find((line) => line.startsWith('All tasks'));
  assert.ok(extract && unclassified && overall);
  // Right-aligned columns end where their titles end.
  const savedEnd = header.indexOf('Saved') + 'Saved'.length;
  assert.match(extract.slice(0, savedEnd), /50%\s+0\.0%\s+\$0\.01\s+\$0\.0001\s+\$0\.01\s+\$0\.016\s+37%$/);
  assert.match(extract, /1\.2s→100ms/);
  assert.match(unclassified, /\s–\s/); // no escalation rate without specialist calls
  assert.match(overall, /^All tasks\s+3\s/);
  assert.match(text, /\$3\.6\/h × specialist busy seconds/);
  assert.match(text, /retrieved 2025-11-30/);
  assert.match(text, /1 priced from tokens/);
  // Task ids read as their names where the caller knows them; the unclassified row keeps its label.
  const named = renderEconomicsTable(economics, { taskNames: new Map([['extract', 'extract-order-fields']]) }).split('\n');
  assert.ok(named.some((line) => /^extract-order-fields\s+2\s/.test(line)), named.join('\n'));
  assert.ok(named.some((line) => line.startsWith('(unclassified)')));
});
