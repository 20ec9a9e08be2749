// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUnderstudyError } from '../../contracts/errors.ts';
import { createModelsCommand, modelsFooter, parseModelsConstraints } from './models-command.ts';

/** Runs the command in-process and returns what it wrote to stdout. */
async function runModels(args: string[]): Promise<string> {
  const originalWrite = process.stdout.write.bind(process.stdout);
  let output = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    await createModelsCommand().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = originalWrite;
  }
  return output;
}

test('flag values become constraints', () => {
  assert.deepEqual(parseModelsConstraints({ maxMemory: '4GB', license: 'commercial', minContext: '8k', tools: true }), {
    maxMemoryBytes: 4e9,
    licence: 'commercial',
    minContextTokens: 8192,
    requireToolCalling: true,
  });
  assert.deepEqual(parseModelsConstraints({ license: 'ANY' }), { licence: 'any', requireToolCalling: false });
});

test('bad flag values are one-line invalid_request errors naming the flag', () => {
  const cases: Array<[Parameters<typeof parseModelsConstraints>[0], RegExp]> = [
    [{ maxMemory: '4XB', license: 'any' }, /^--max-memory: '4XB' is not a memory size/],
    [{ maxMemory: '4', license: 'any' }, /^--max-memory: .*use a number with a unit/],
    [{ minContext: 'long', license: 'any' }, /^--min-context: 'long' is not a token count/],
    [{ license: 'free' }, /^--license: 'free' is not one of commercial, any$/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => parseModelsConstraints(options), (error: unknown) => {
      assert.ok(isUnderstudyError(error, 'invalid_request'));
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  }
});

test('the table is sorted by parameters and ends with the provenance footer', async () => {
  const output = await runModels(['--max-memory', '4GB', '--license', 'commercial', '--tools']);
  const lines = output.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^MODEL\s+PARAMS\s+CONTEXT\s+LICENCE\s+COMMERCIAL\s+TOOLS\s+Q4 SIZE\s+MEMORY$/);
  assert.ok(lines.includes(modelsFooter));
  assert.match(output, /left out only because a figure they need is not recorded/);
  const rows = lines.slice(1).filter((line) => /^[a-z0-9]/.test(line) && !line.startsWith('published') && !line.startsWith('memory'));
  assert.ok(rows.length > 0);
  assert.ok(rows.every((row) => !row.includes('xlam')), 'no research-only licences');
});

test('--json gives entries with sources and the computed memory estimate marked as computed', async () => {
  const output = await runModels(['--min-context', '128k', '--json']);
  const parsed = JSON.parse(output) as {
    notice: string;
    models: Array<{ id: string; contextLength: { value: number; source: string }; memoryEstimate: { kind: string } }>;
    excluded: Array<{ id: string; reasons: string[] }>;
  };
  assert.match(parsed.notice, /not measured by Understudy/);
  assert.ok(parsed.models.length > 0);
  for (const model of parsed.models) {
    assert.ok(model.contextLength.value >= 131072, model.id);
    assert.match(model.contextLength.source, /^https:\/\//);
    assert.ok(model.memoryEstimate.kind === 'computed' || model.memoryEstimate.kind === 'unknown');
  }
  assert.ok(parsed.excluded.some((model) => model.reasons.includes('context length not recorded')));
});
