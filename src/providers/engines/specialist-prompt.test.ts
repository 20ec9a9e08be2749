import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../contracts/chat-completion.ts';
import type { EngineTool } from './specialist-engine.ts';
import { findSharedPromptContext, specialistPrompt, systemDigest, toolsDigest } from './specialist-prompt.ts';

const system: ChatMessage = { role: 'system', content: 'You are a travel agent. Use the tools.' };
const weather: EngineTool = { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const booking: EngineTool = { type: 'function', function: { name: 'book_hotel', parameters: { type: 'object', properties: { city: { type: 'string' }, nights: { type: 'integer' } } } } };
const ask = (text: string): ChatMessage => ({ role: 'user', content: text });

describe('findSharedPromptContext', () => {
  it('keeps the digests of the system prompt and tools that every example shares, whatever order the tools come in', () => {
    const context = findSharedPromptContext([
      { messages: [system, ask('Weather in Oslo?')], tools: [weather, booking] },
      { messages: [system, ask('Book Rome for 2 nights')], tools: [booking, weather] },
    ]);
    assert.equal(context.system, systemDigest([system]));
    assert.equal(context.tools, toolsDigest([weather, booking]));
  });

  it('keeps nothing that one example lacks or changes', () => {
    const context = findSharedPromptContext([
      { messages: [system, ask('a')], tools: [weather] },
      { messages: [{ role: 'system', content: 'You are a travel agent. Use the tools!' }, ask('b')], tools: [weather, booking] },
      { messages: [system, ask('c')], tools: [weather] },
    ]);
    assert.deepEqual(context, { system: null, tools: null });
    assert.deepEqual(findSharedPromptContext([{ messages: [ask('a')] }, { messages: [ask('b')] }]), { system: null, tools: null });
  });

  it('learns nothing from a single example', () => {
    assert.deepEqual(findSharedPromptContext([{ messages: [system, ask('a')], tools: [weather] }]), { system: null, tools: null });
  });

  it('tells apart tools that differ only in a parameter (a new argument changes the digest)', () => {
    const widened: EngineTool = { type: 'function', function: { ...booking.function, parameters: { type: 'object', properties: { city: { type: 'string' }, nights: { type: 'integer' }, breakfast: { type: 'boolean' } } } } };
    assert.notEqual(toolsDigest([weather, booking]), toolsDigest([weather, widened]));
  });
});

describe('specialistPrompt', () => {
  const context = { system: systemDigest([system]), tools: toolsDigest([weather, booking]) };
  const prompt = specialistPrompt('chat-template', context);

  it('leaves the learned system prompt out and hides the learned tools, which still constrain the answer', () => {
    const prepared = prompt.prepare({ messages: [system, ask('Weather in Oslo?')], tools: [booking, weather], maxTokens: 20 });
    assert.deepEqual(prepared.messages, [ask('Weather in Oslo?')]);
    assert.deepEqual(prepared.tools, [booking, weather]);
    assert.equal(prepared.showTools, false);
    assert.equal(prepared.maxTokens, 20);
  });

  it('names the mismatch when the system prompt or the tools differ, and refuses to prepare such a call', () => {
    assert.equal(prompt.mismatch([system, ask('x')], [weather, booking]), null);
    assert.match(prompt.mismatch([{ role: 'system', content: 'Be brief.' }, ask('x')], [weather, booking]) ?? '', /system prompt differs/);
    assert.match(prompt.mismatch([ask('x')], [weather, booking]) ?? '', /no system prompt/);
    assert.match(prompt.mismatch([system, ask('x')], [weather]) ?? '', /tools offered differ/);
    assert.match(prompt.mismatch([system, ask('x')], undefined) ?? '', /offers no tools/);
    assert.throws(() => prompt.prepare({ messages: [system, ask('x')], tools: [weather] }), /tools offered differ/);
  });

  it('passes whole requests through without a context, and keeps only the last user message for task prompts', () => {
    const request = { messages: [system, ask('first'), { role: 'assistant' as const, content: 'ok' }, ask('second')] };
    assert.equal(specialistPrompt('chat-template', null).prepare(request), request);
    assert.equal(specialistPrompt('chat-template', { system: null, tools: null }).mismatch([ask('x')], undefined), null);
    assert.deepEqual(specialistPrompt('task-prompt', null).prepare(request).messages, [ask('second')]);
  });
});
