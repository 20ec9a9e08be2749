// @understudy-test-lane models — loads models, runs Python or trains: scripts/test.js runs a lane's files one at a time.
/**
 * Training and serving must see the same prompt tokens. With a shared context (the system prompt and tools every
 * example shares, left out), the renderer the LoRA worker learns from and the engine a specialist is served by
 * must leave out exactly the same parts: the engine's prompt-token count for the prepared request equals the
 * training prompt's length, and both are far shorter than the whole prompt.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LlamaModel } from 'node-llama-cpp';
import { getSharedLlama } from '../../../providers/engines/internal/llama-instance.ts';
import { locateSmolLm2 } from '../../../providers/engines/internal/llama-test-models.ts';
import { createLlamaCppEngine } from '../../../providers/engines/llama-cpp-engine.ts';
import type { SpecialistEngine } from '../../../providers/engines/specialist-engine.ts';
import { findSharedPromptContext, specialistPrompt } from '../../../providers/engines/specialist-prompt.ts';
import { createTrainingExampleRenderer, trainingLineTools, type TrainingLine } from './render-training-examples.ts';

const smolLm2 = await locateSmolLm2();

const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'search_flights',
      description: 'Find flights between two airports on a date.',
      parameters: { type: 'object', properties: { origin: { type: 'string' }, destination: { type: 'string' }, date: { type: 'string' } }, required: ['origin', 'destination', 'date'] },
    },
  },
  {
    type: 'function' as const,
    function: {
      name: 'send_email',
      description: 'Email a booking reference to a traveller.',
      parameters: { type: 'object', properties: { to: { type: 'string' }, booking_reference: { type: 'string' } }, required: ['to', 'booking_reference'] },
    },
  },
];
const system = { role: 'system' as const, content: 'You are a travel assistant. Call one tool at a time; when everything is done, reply to the user.' };

function line(request: string, origin: string): TrainingLine {
  return {
    messages: [
      system,
      { role: 'user', content: request },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_flights', arguments: JSON.stringify({ origin, destination: 'LIS', date: '2026-12-01' }) } }] },
    ],
    tools,
  };
}

describe('training prompts without the shared context match what the engine serves', { skip: smolLm2.verdict === 'missing' ? smolLm2.reason : false }, () => {
  let model: LlamaModel;
  let engine: SpecialistEngine;
  before(async () => {
    if (smolLm2.verdict !== 'found') return;
    model = await (await getSharedLlama(false)).loadModel({ modelPath: smolLm2.modelPath, gpuLayers: 0 });
    engine = await createLlamaCppEngine({ modelPath: smolLm2.modelPath, threads: 1, contextSize: 2048, contextPoolSize: 1 });
  });
  after(async () => {
    await engine?.close();
    await model?.dispose();
  });

  it('leaves out the same system prompt and tool descriptions on both sides', async () => {
    const lines = [line('Fly me from Oslo to Lisbon on 1 December.', 'OSL'), line('I need Porto to Lisbon, 1 Dec.', 'OPO')];
    const context = findSharedPromptContext(lines.map((example) => ({ messages: example.messages.slice(0, -1), tools: trainingLineTools(example) })));
    assert.ok(context.system !== null && context.tools !== null, 'both parts are shared');
    const renderer = createTrainingExampleRenderer(model);
    const whole = renderer.render(lines[0]!);
    const short = renderer.render(lines[0]!, context);
    assert.deepEqual(short.completion_tokens, whole.completion_tokens, 'the answer to learn is unchanged');
    assert.ok(short.prompt_tokens.length < whole.prompt_tokens.length / 2, `${short.prompt_tokens.length} of ${whole.prompt_tokens.length} prompt tokens`);

    const prepared = specialistPrompt('chat-template', context).prepare({ messages: lines[0]!.messages.slice(0, -1), tools: trainingLineTools(lines[0]!), maxTokens: 1 });
    const served = await engine.complete(prepared);
    assert.equal(served.tokens.prompt, short.prompt_tokens.length, 'the engine saw as many prompt tokens as training did');
    const unprepared = await engine.complete({ messages: lines[0]!.messages.slice(0, -1), tools: trainingLineTools(lines[0]!), maxTokens: 1 });
    assert.equal(unprepared.tokens.prompt, whole.prompt_tokens.length);
  });

  it('keeps the whole prompt for a line whose system prompt differs from the shared one', () => {
    const lines = [line('Oslo to Lisbon, 1 Dec.', 'OSL'), line('Porto to Lisbon, 1 Dec.', 'OPO')];
    const context = findSharedPromptContext(lines.map((example) => ({ messages: example.messages.slice(0, -1), tools: trainingLineTools(example) })));
    const renderer = createTrainingExampleRenderer(model);
    const odd: TrainingLine = { ...lines[0]!, messages: [{ role: 'system', content: 'Be brief.' }, ...lines[0]!.messages.slice(1)] };
    assert.deepEqual(renderer.render(odd, context), renderer.render(odd));
  });
});
