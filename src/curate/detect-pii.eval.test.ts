/**
 * The honest test: recall and precision of `detectPii` on the PII the simulator plants in the eval split.
 * Only this test imports the simulator; curate's own code and gazetteer never do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectSimulatedCalls } from '../../bench/internal/collect-simulated-calls.ts';
import { resolveSimulatedAgents } from '../simulate/driver/simulated-agents.ts';
import { createRandom } from '../simulate/random.ts';
import { piiKinds as simulatorPiiKinds, piiValue } from '../simulate/world/index.ts';
import { scorePiiRecall, type LabelledText } from './internal/score-pii-recall.ts';
import type { PiiKind } from './pii-kind.ts';

const episodesPerAgent = 120;

/** Floors a little under what was measured, so noise in the simulator's draws does not flake the test. */
const recallFloors: Partial<Record<PiiKind, number>> = {
  email: 0.99,
  card_number: 0.98,
  iban: 0.97,
  phone: 0.95,
  api_key: 0.95,
  ip_address: 0.9,
  national_id: 0.9,
  date_of_birth: 0.95,
  street_address: 0.93,
  person_name: 0.9,
};

async function collectLabelledTexts(): Promise<LabelledText[]> {
  const byTask = await collectSimulatedCalls({ agents: resolveSimulatedAgents('query,support,toolloop'), episodesPerAgent, split: 'eval', seed: 'curate-eval' });
  const texts: LabelledText[] = [];
  for (const calls of byTask.values()) {
    for (const { call } of calls) {
      call.request.messages.forEach((message, messageIndex) => {
        const spansAt = (location: 'content' | 'tool_arguments', toolCallIndex?: number) =>
          call.pii
            .filter((span) => span.messageIndex === messageIndex && span.location === location && (toolCallIndex === undefined || span.toolCallIndex === toolCallIndex))
            .map((span) => ({ kind: span.kind, start: span.start, end: span.end }));
        if (typeof message.content === 'string') texts.push({ text: message.content, spans: spansAt('content') });
        (message.tool_calls ?? []).forEach((toolCall, toolCallIndex) => {
          const argumentsText = toolCall.function?.arguments;
          if (argumentsText !== undefined) texts.push({ text: argumentsText, spans: spansAt('tool_arguments', toolCallIndex) });
        });
      });
    }
  }
  return texts;
}

/**
 * The agents plant some kinds rarely or never (IP addresses and national ids do not occur in their eval
 * episodes), so every kind's generator is also sampled directly and placed in prose and in JSON arguments.
 */
function generatedLabelledTexts(samplesPerKind: number): LabelledText[] {
  const random = createRandom('curate-eval-generated');
  const texts: LabelledText[] = [];
  for (const kind of simulatorPiiKinds) {
    for (let sample = 0; sample < samplesPerKind; sample += 1) {
      const { value } = piiValue(random, 'eval', kind);
      const prose = `Please update the record, the value is ${value} as of today.`;
      const proseStart = prose.indexOf(value);
      texts.push({ text: prose, spans: [{ kind, start: proseStart, end: proseStart + value.length }] });
      const json = JSON.stringify({ note: 'update', value });
      const encoded = JSON.stringify(value).slice(1, -1);
      const jsonStart = json.indexOf(encoded);
      texts.push({ text: json, spans: [{ kind, start: jsonStart, end: jsonStart + encoded.length }] });
    }
  }
  return texts;
}

function formatRate(value: number | undefined): string {
  return value === undefined ? '   —  ' : value.toFixed(3).padStart(6);
}

function printScores(title: string, texts: readonly LabelledText[]): ReturnType<typeof scorePiiRecall> {
  const result = scorePiiRecall(texts);
  const { scores, misses, falsePositives } = result;
  const lines = ['kind             planted  found  recall  findings  precision'];
  for (const score of scores) {
    lines.push(`${score.kind.padEnd(16)} ${String(score.planted).padStart(7)} ${String(score.found).padStart(6)}  ${formatRate(score.recall)}  ${String(score.findings).padStart(8)}  ${formatRate(score.precision)}`);
  }
  console.log(`${title}\n${lines.join('\n')}`);
  if (process.env.UNDERSTUDY_PII_EVAL_VERBOSE === '1') {
    for (const miss of misses.slice(0, 60)) console.log('miss', miss.kind, JSON.stringify(miss.value));
    for (const finding of falsePositives.slice(0, 80)) console.log('extra', finding.kind, finding.detector, JSON.stringify(finding.value));
  }
  return result;
}

function assertFloors(scores: ReturnType<typeof scorePiiRecall>['scores'], floors: Partial<Record<PiiKind, number>>): void {
  for (const score of scores) {
    const floor = floors[score.kind];
    if (floor === undefined || score.recall === undefined) continue;
    assert.ok(score.recall >= floor, `${score.kind} recall ${score.recall.toFixed(3)} is under its floor ${floor}`);
  }
}

test('detectPii reaches its recall floors on the simulator eval split', async () => {
  const { scores } = printScores('agents\' planted PII, eval split', await collectLabelledTexts());
  assertFloors(scores, recallFloors);
});

test('detectPii finds every kind the simulator can generate, in prose and in JSON', () => {
  // Without surrounding context names are found only through the gazetteer; dates of birth need a cue, and
  // "the value is" is deliberately not one, so that kind has no floor here.
  const { scores } = printScores('generated values (no context cues)', generatedLabelledTexts(200));
  assertFloors(scores, { person_name: 0.85, email: 0.99, card_number: 0.98, iban: 0.98, phone: 0.95, api_key: 0.98, ip_address: 0.98, national_id: 0.9, street_address: 0.93 });
});
