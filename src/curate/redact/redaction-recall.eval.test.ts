/**
 * The honest test of redaction: on the PII the simulator plants (eval split, all three agents, plus every
 * kind's generator sampled into prose and JSON so each structured kind has at least 200 values), a planted
 * value counts as redacted when it no longer occurs in any string of the redacted call. Also checks that the
 * surrogates validate (Luhn, mod-97, libphonenumber, SSA rules), that tool arguments stay valid JSON, and
 * prints throughput. Only tests import the simulator.
 */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { collectSimulatedCalls } from '../../../bench/internal/collect-simulated-calls.ts';
import type { CallRecord } from '../../contracts/call-record.ts';
import { resolveSimulatedAgents } from '../../simulate/driver/simulated-agents.ts';
import { createRandom } from '../../simulate/random.ts';
import { ibanValid, luhnValid, piiKinds as plantedKinds, piiValue } from '../../simulate/world/index.ts';
import { createTestCallRecord } from '../../store/internal/call-record-fixture.ts';
import type { PiiKind } from '../pii-kind.ts';
import type { PseudonymMapping } from '../redactor.ts';
import { createRedactor } from './create-redactor.ts';
import { mapCallStrings } from './internal/map-call-strings.ts';
import { measureRedactionThroughput } from './measure-redaction-throughput.ts';

const secretKey = Buffer.alloc(32, 11);
const episodesPerAgent = 150;
const structuredKinds: readonly PiiKind[] = ['email', 'phone', 'card_number', 'iban', 'national_id', 'ip_address', 'api_key'];
const minimumPerStructuredKind = 200;

/** A planted value and the raw text it was planted as (JSON-escaped inside tool arguments). */
interface Planted {
  kind: PiiKind;
  value: string;
  raw: string;
}

interface LabelledCall {
  record: CallRecord;
  planted: Planted[];
}

async function collectAgentCalls(): Promise<LabelledCall[]> {
  const byTask = await collectSimulatedCalls({ agents: resolveSimulatedAgents('query,support,toolloop'), episodesPerAgent, split: 'eval', seed: 'redaction-eval' });
  const calls: LabelledCall[] = [];
  let sequence = 0;
  for (const collected of byTask.values()) {
    for (const { call, completion } of collected) {
      const planted = call.pii.map((span): Planted => {
        const message = call.request.messages[span.messageIndex];
        const text = span.location === 'content' ? message?.content : message?.tool_calls?.[span.toolCallIndex ?? 0]?.function?.arguments;
        return { kind: span.kind, value: span.value, raw: typeof text === 'string' ? text.slice(span.start, span.end) : span.value };
      });
      const record = createTestCallRecord({ id: `eval-${(sequence += 1)}`, task: call.task, request: call.request as CallRecord['request'], response: completion });
      calls.push({ record, planted });
    }
  }
  return calls;
}

/** Values of one kind placed in a user message (prose) and in an assistant tool call (JSON), as a real agent would. */
function generatedCalls(kind: PiiKind, count: number): LabelledCall[] {
  const random = createRandom(`redaction-eval-generated-${kind}`);
  const calls: LabelledCall[] = [];
  for (let index = 0; index < count; index += 1) {
    const { value } = piiValue(random, 'eval', kind as (typeof plantedKinds)[number]);
    // Dates of birth and bare nine-digit SSNs are only told from other dates and numbers by a cue, and in real
    // traffic they come with one; every other kind is placed with no cue at all.
    const cue = kind === 'date_of_birth' ? 'the date of birth is' : kind === 'national_id' ? 'the SSN / national id is' : 'the value is';
    const key = kind === 'date_of_birth' ? 'date_of_birth' : kind === 'national_id' ? 'ssn' : 'value';
    const argumentsText = JSON.stringify({ note: 'update', [key]: value });
    const record = createTestCallRecord({
      id: `generated-${kind}-${index}`,
      request: {
        model: 'gpt-4.1-mini',
        messages: [
          { role: 'user', content: `Please update the record, ${cue} ${value} as of today.` },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'update_record', arguments: argumentsText } }] },
        ],
      },
    });
    calls.push({ record, planted: [{ kind, value, raw: value }, { kind, value, raw: JSON.stringify(value).slice(1, -1) }] });
  }
  return calls;
}

function stringsOf(record: CallRecord): string[] {
  const strings: string[] = [];
  mapCallStrings(record, (text) => {
    strings.push(text);
    return text;
  });
  return strings;
}

function phoneCountry(value: string): CountryCode | undefined {
  for (const country of ['US', 'GB', 'IN', 'BR', 'DE', 'FR', 'ES', 'IT'] as const) {
    const parsed = parsePhoneNumberFromString(value, { defaultCountry: country });
    if (parsed?.isValid()) return parsed.country ?? country;
  }
  return undefined;
}

function surrogateValid(mapping: PseudonymMapping): boolean | undefined {
  const { kind, surrogate, real } = mapping;
  if (real === null) return undefined;
  switch (kind) {
    case 'card_number': return luhnValid(surrogate.replace(/\D/g, '')) && surrogate.replace(/\d/g, '#') === real.replace(/\d/g, '#');
    case 'iban': return ibanValid(surrogate) && surrogate.slice(0, 2) === real.slice(0, 2) && surrogate.length === real.length;
    case 'phone': {
      const country = phoneCountry(real);
      if (country === undefined) return undefined;
      return parsePhoneNumberFromString(surrogate, { defaultCountry: country })?.isValid() === true && surrogate.replace(/\d/g, '#') === real.replace(/\d/g, '#');
    }
    case 'national_id': {
      const ssn = /^(\d{3})-?(\d{2})-?(\d{4})$/.exec(surrogate);
      if (ssn) return ssn[1] !== '000' && ssn[1] !== '666' && !ssn[1]!.startsWith('9') && ssn[2] !== '00' && ssn[3] !== '0000';
      return /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$/.test(surrogate);
    }
    case 'ip_address': return isIP(surrogate) !== 0 && isIP(surrogate) === isIP(real);
    default: return undefined;
  }
}

test('redaction removes the simulator\'s planted PII, with valid surrogates and valid JSON', async () => {
  const calls = await collectAgentCalls();
  const agentCounts = new Map<PiiKind, number>();
  for (const { planted } of calls) for (const { kind } of planted) agentCounts.set(kind, (agentCounts.get(kind) ?? 0) + 1);
  for (const kind of plantedKinds) {
    const have = agentCounts.get(kind) ?? 0;
    // Top up rare kinds (the agents plant IPs and national ids seldom) from the generator, in prose and JSON.
    if (have < minimumPerStructuredKind) calls.push(...generatedCalls(kind, Math.ceil((minimumPerStructuredKind - have) / 2) + 10));
  }

  const redactor = createRedactor({ scope: 'eval-project', secretKey });
  const counts = new Map<PiiKind, { planted: number; removed: number; misses: string[] }>();
  let argumentsChecked = 0;
  for (const { record, planted } of calls) {
    const redacted = redactor.redactCall(record);
    const strings = stringsOf(redacted);
    for (const { kind, value, raw } of planted) {
      const entry = counts.get(kind) ?? { planted: 0, removed: 0, misses: [] };
      counts.set(kind, entry);
      entry.planted += 1;
      if (strings.some((text) => text.includes(raw) || text.includes(value))) entry.misses.push(value);
      else entry.removed += 1;
    }
    const before = JSON.stringify(record.request.messages);
    for (const [index, message] of (redacted.request.messages as Array<{ tool_calls?: Array<{ function: { arguments: string } }> }>).entries()) {
      for (const toolCall of message.tool_calls ?? []) {
        const original = (record.request.messages as Array<{ tool_calls?: Array<{ function: { arguments: string } }> }>)[index]?.tool_calls;
        if (original === undefined) continue;
        argumentsChecked += 1;
        assert.doesNotThrow(() => JSON.parse(toolCall.function.arguments), `tool arguments stay valid JSON: ${toolCall.function.arguments}`);
      }
    }
    assert.equal(JSON.stringify(record.request.messages), before, 'the input record is not modified');
  }

  const lines = ['kind             planted  removed  recall'];
  for (const [kind, entry] of [...counts.entries()].sort()) {
    lines.push(`${kind.padEnd(16)} ${String(entry.planted).padStart(7)}  ${String(entry.removed).padStart(7)}  ${(entry.removed / entry.planted).toFixed(4)}`);
  }
  console.log(`redaction recall (a value counts when it occurs nowhere in the redacted call)\n${lines.join('\n')}\ntool-call arguments checked for JSON validity: ${argumentsChecked}`);
  if (process.env.UNDERSTUDY_PII_EVAL_VERBOSE === '1') {
    for (const [kind, entry] of counts) for (const miss of entry.misses.slice(0, 15)) console.log('miss', kind, JSON.stringify(miss));
  }

  const mappings = redactor.takeNewMappings();
  const validity = new Map<PiiKind, { checked: number; valid: number }>();
  for (const mapping of mappings) {
    const verdict = surrogateValid(mapping);
    if (verdict === undefined) continue;
    const entry = validity.get(mapping.kind) ?? { checked: 0, valid: 0 };
    validity.set(mapping.kind, entry);
    entry.checked += 1;
    if (verdict) entry.valid += 1;
    assert.notEqual(mapping.surrogate, mapping.real, 'a surrogate never equals its real value');
  }
  console.log('surrogates that validate:', Object.fromEntries([...validity].map(([kind, entry]) => [kind, `${entry.valid}/${entry.checked}`])));
  for (const [kind, entry] of validity) assert.ok(entry.valid / entry.checked >= (kind === 'phone' ? 0.98 : 1), `${kind} surrogates valid ${entry.valid}/${entry.checked}`);

  for (const kind of structuredKinds) {
    const entry = counts.get(kind);
    assert.ok(entry !== undefined && entry.planted >= minimumPerStructuredKind, `${kind}: at least ${minimumPerStructuredKind} planted values`);
    assert.ok(entry.removed / entry.planted >= 0.99, `${kind} recall ${(entry.removed / entry.planted).toFixed(4)} >= 0.99`);
  }
  assert.equal(counts.get('api_key')?.misses.length ?? 0, 0, 'no planted secret survives');
  for (const kind of ['person_name', 'street_address'] as const) {
    const entry = counts.get(kind);
    if (entry !== undefined) assert.ok(entry.removed / entry.planted >= 0.9, `${kind} recall ${(entry.removed / entry.planted).toFixed(4)} >= 0.90`);
  }

  const rate = measureRedactionThroughput(calls.map((call) => call.record), () => createRedactor({ scope: 'throughput', secretKey }), 2);
  console.log(`redaction throughput: ${rate.megabytesPerSecond.toFixed(2)} MB/s, ${rate.callsPerSecond.toFixed(0)} calls/s (${rate.calls} calls, ${(rate.bytes / 1e6).toFixed(1)} MB scanned)`);
});
