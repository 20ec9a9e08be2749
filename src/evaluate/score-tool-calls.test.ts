import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AssistantAnswer } from './assistant-answer.ts';
import type { ScoreContext } from './score-context.ts';
import { scoreToolCalls } from './score-tool-calls.ts';

// OpenAI `tools` as a request carries them.
const tools: ScoreContext['tools'] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' },
          days: { type: 'integer', minimum: 1 },
          detail: { type: 'boolean' },
        },
        required: ['city'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'calculate_area',
      parameters: {
        type: 'object',
        properties: { base: { type: 'number' }, height: { type: 'number' }, shape: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
        required: ['base', 'height'],
      },
    },
  },
];

function calls(...list: Array<[string, Record<string, unknown> | string]>): AssistantAnswer {
  return { content: null, toolCalls: list.map(([name, args]) => ({ name, arguments: typeof args === 'string' ? args : JSON.stringify(args) })) };
}

interface Case {
  name: string;
  reference: AssistantAnswer;
  candidate: AssistantAnswer;
  context?: Partial<ScoreContext>;
  correct: boolean;
  valid: boolean;
  reason?: RegExp;
}

// A table written from the BFCL AST rules (ast_checker.py): each row says what BFCL would decide.
const cases: Case[] = [
  { name: 'identical call', reference: calls(['get_weather', { city: 'Paris' }]), candidate: calls(['get_weather', { city: 'Paris' }]), correct: true, valid: true },
  {
    name: 'argument order does not matter',
    reference: calls(['get_weather', { city: 'Paris', unit: 'fahrenheit' }]),
    candidate: calls(['get_weather', { unit: 'fahrenheit', city: 'Paris' }]),
    correct: true,
    valid: true,
  },
  {
    name: 'wrong function name',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['calculate_area', { base: 1, height: 2 }]),
    correct: false,
    valid: true,
    reason: /called calculate_area instead of get_weather/,
  },
  {
    name: 'missing required parameter',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', {}]),
    correct: false,
    valid: false,
    reason: /missing required parameter city/,
  },
  {
    name: 'optional parameter omitted by both',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', { city: 'Paris' }]),
    correct: true,
    valid: true,
  },
  {
    name: 'optional parameter omitted by the candidate, reference gave the default',
    reference: calls(['get_weather', { city: 'Paris', unit: 'celsius' }]),
    candidate: calls(['get_weather', { city: 'Paris' }]),
    correct: true,
    valid: true,
  },
  {
    name: 'optional parameter given by the candidate as the default, reference omitted it',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', { city: 'Paris', unit: 'celsius' }]),
    correct: true,
    valid: true,
  },
  {
    name: 'optional parameter omitted by the candidate, reference gave a non-default value',
    reference: calls(['get_weather', { city: 'Paris', unit: 'fahrenheit' }]),
    candidate: calls(['get_weather', { city: 'Paris' }]),
    correct: false,
    valid: true,
    reason: /unit: expected "fahrenheit", got "celsius"/,
  },
  {
    name: 'optional parameter without default omitted by the candidate',
    reference: calls(['get_weather', { city: 'Paris', days: 3 }]),
    candidate: calls(['get_weather', { city: 'Paris' }]),
    correct: false,
    valid: true,
    reason: /optional parameter days omitted/,
  },
  {
    name: 'optional parameter added by the candidate that the reference left out (no default)',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', { city: 'Paris', days: 3 }]),
    correct: false,
    valid: true,
    reason: /unexpected parameter days/,
  },
  {
    name: 'omission accepted when acceptable values hold "" (BFCL convention)',
    reference: calls(['get_weather', { city: 'Paris', days: 3 }]),
    candidate: calls(['get_weather', { city: 'Paris' }]),
    context: { acceptableValues: { 'get_weather.days': [''] } },
    correct: true,
    valid: true,
  },
  {
    name: 'string normalisation: case, spaces, commas, periods',
    reference: calls(['get_weather', { city: 'San Francisco, CA' }]),
    candidate: calls(['get_weather', { city: 'san francisco ca.' }]),
    correct: true,
    valid: true,
  },
  {
    name: 'string normalisation: hyphens, underscores, slashes',
    reference: calls(['get_weather', { city: 'Saint-Étienne' }]),
    candidate: calls(['get_weather', { city: 'saint_e\u0301tienne' }]),
    correct: true,
    valid: true,
  },
  {
    name: 'different strings stay different',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', { city: 'Lyon' }]),
    correct: false,
    valid: true,
    reason: /city: expected "Paris", got "Lyon"/,
  },
  {
    name: 'numbers: integer equals float form',
    reference: calls(['calculate_area', { base: 10, height: 5.0 }]),
    candidate: calls(['calculate_area', '{"base": 10.0, "height": 5}']),
    correct: true,
    valid: true,
  },
  {
    name: 'numbers: a numeric string is not a number',
    reference: calls(['calculate_area', { base: 10, height: 5 }]),
    candidate: calls(['calculate_area', { base: '10', height: 5 }]),
    correct: false,
    valid: false,
  },
  {
    name: 'acceptable value set',
    reference: calls(['calculate_area', { base: 10, height: 5, shape: 'triangle' }]),
    candidate: calls(['calculate_area', { base: 10, height: 5, shape: 'right triangle' }]),
    context: { acceptableValues: { 'calculate_area.shape': ['right triangle', 'isosceles triangle'] } },
    correct: true,
    valid: true,
  },
  {
    name: 'value outside the acceptable set',
    reference: calls(['calculate_area', { base: 10, height: 5, shape: 'triangle' }]),
    candidate: calls(['calculate_area', { base: 10, height: 5, shape: 'square' }]),
    context: { acceptableValues: { 'calculate_area.shape': ['right triangle'] } },
    correct: false,
    valid: true,
  },
  {
    name: 'lists compare positionally with standardised strings',
    reference: calls(['calculate_area', { base: 1, height: 1, tags: ['Red', 'Blue'] }]),
    candidate: calls(['calculate_area', { base: 1, height: 1, tags: ['red', 'blue'] }]),
    correct: true,
    valid: true,
  },
  {
    name: 'lists in another order differ',
    reference: calls(['calculate_area', { base: 1, height: 1, tags: ['red', 'blue'] }]),
    candidate: calls(['calculate_area', { base: 1, height: 1, tags: ['blue', 'red'] }]),
    correct: false,
    valid: true,
  },
  {
    name: 'parallel calls in another order',
    reference: calls(['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Tokyo' }], ['calculate_area', { base: 2, height: 3 }]),
    candidate: calls(['calculate_area', { base: 2, height: 3 }], ['get_weather', { city: 'tokyo' }], ['get_weather', { city: 'Paris' }]),
    correct: true,
    valid: true,
  },
  {
    name: 'parallel calls where greedy first fit would fail but a matching exists',
    // Reference call 0 accepts both candidates (acceptable set), call 1 accepts only "Paris": first fit pairs 0 with
    // Paris and leaves call 1 unmatched; a maximum matching pairs 0 with Lyon.
    reference: calls(['get_weather', { city: 'Lyon' }], ['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Lyon' }]),
    context: { acceptableValues: { 'get_weather.city': ['Paris'] } },
    correct: true,
    valid: true,
  },
  {
    name: 'parallel calls: one missing',
    reference: calls(['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Tokyo' }]),
    candidate: calls(['get_weather', { city: 'Tokyo' }]),
    correct: false,
    valid: true,
    reason: /expected 2 tool call\(s\), got 1/,
  },
  {
    name: 'parallel calls: a duplicate does not stand in for a different call',
    reference: calls(['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Tokyo' }]),
    candidate: calls(['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Paris' }]),
    correct: false,
    valid: true,
  },
  {
    name: 'arguments not valid JSON',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', '{"city": "Paris"']),
    correct: false,
    valid: false,
    reason: /not valid JSON/,
  },
  {
    name: 'tool not offered',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: calls(['get_weather', { city: 'Paris' }], ['send_email', { to: 'x' }]),
    correct: false,
    valid: false,
    reason: /tool "send_email" was not offered/,
  },
  {
    name: 'arguments violating the parameters schema (enum) are invalid and wrong',
    reference: calls(['get_weather', { city: 'Paris', unit: 'celsius' }]),
    candidate: calls(['get_weather', { city: 'Paris', unit: 'kelvin' }]),
    correct: false,
    valid: false,
    reason: /must be equal to one of the allowed values/,
  },
  {
    name: 'text instead of a call',
    reference: calls(['get_weather', { city: 'Paris' }]),
    candidate: { content: 'It is sunny in Paris.', toolCalls: [] },
    correct: false,
    valid: true,
    reason: /answered in text/,
  },
];

for (const row of cases) {
  test(`BFCL rule: ${row.name}`, () => {
    const score = scoreToolCalls(row.reference, row.candidate, { tools, ...row.context });
    assert.equal(score.metric, 'tool_call');
    assert.equal(score.correct, row.correct, score.reason);
    assert.equal(score.valid, row.valid, score.reason);
    if (row.correct) assert.equal(score.score, 1);
    else assert.ok(score.score < 1, `score ${score.score}`);
    if (row.reason) assert.match(score.reason ?? '', row.reason);
  });
}

test('the same call is not valid when the call offered no tools', () => {
  const answer = calls(['get_weather', { city: 'Paris' }]);
  const score = scoreToolCalls(answer, answer, {});
  assert.equal(score.correct, true);
  assert.equal(score.valid, false);
  assert.match(score.reason ?? '', /no tools offered/);
});

test('partial credit and field pointers name what differs', () => {
  const score = scoreToolCalls(
    calls(['get_weather', { city: 'Paris', unit: 'fahrenheit', days: 2 }], ['calculate_area', { base: 1, height: 2 }]),
    calls(['calculate_area', { base: 1, height: 2 }], ['get_weather', { city: 'Paris', unit: 'celsius', days: 2 }]),
    { tools },
  );
  assert.equal(score.correct, false);
  // get_weather: name + 3 params, one wrong → 3/4; calculate_area 3/3 → mean 0.875.
  assert.equal(score.score, 0.875);
  assert.deepEqual(score.fields, { total: 7, matched: 6, mismatched: ['/0/arguments/unit'] });
});

test('an extra candidate call is listed as unexpected', () => {
  const score = scoreToolCalls(calls(['get_weather', { city: 'Paris' }]), calls(['get_weather', { city: 'Rome' }], ['get_weather', { city: 'Paris' }]), { tools });
  assert.equal(score.correct, false);
  assert.equal(score.score, 0.5);
  assert.deepEqual(score.fields?.unexpected, ['/0']);
});

test('a reference in text under a forced tool_call metric compares the text', () => {
  const reference = { content: 'Done.', toolCalls: [] };
  assert.equal(scoreToolCalls(reference, { content: ' Done. ', toolCalls: [] }).correct, true);
  assert.equal(scoreToolCalls(reference, calls(['get_weather', { city: 'Paris' }]), { tools }).correct, false);
});
