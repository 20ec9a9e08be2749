import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseEventParser, type SseEvent } from './sse-event-parser.ts';

/** The start of a real OpenAI stream, byte for byte (including the `obfuscation` padding field). */
const openAiStream =
  'data: {"id":"chatcmpl-BkxK1","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"Xh2"}\n\n' +
  'data: {"id":"chatcmpl-BkxK1","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{"content":"Héllo 👋"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"Q"}\n\n' +
  'data: {"id":"chatcmpl-BkxK1","object":"chat.completion.chunk","created":1750000000,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_34a54ae93c","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n' +
  'data: [DONE]\n\n';

function parseAll(pieces: Array<string | Uint8Array>): SseEvent[] {
  const parser = new SseEventParser();
  const events: SseEvent[] = [];
  for (const piece of pieces) events.push(...parser.push(piece));
  events.push(...parser.end());
  return events;
}

test('a whole OpenAI stream in one piece', () => {
  const events = parseAll([openAiStream]);
  assert.equal(events.length, 4);
  assert.deepEqual(events[3], { kind: 'done' });
  const first = events[0];
  assert.ok(first?.kind === 'data');
  assert.equal(JSON.parse(first.data).choices[0].delta.role, 'assistant');
  assert.equal(first.event, null);
});

test('every split point of the byte stream gives the same events, multi-byte characters included', () => {
  const bytes = new TextEncoder().encode(openAiStream);
  const expected = parseAll([openAiStream]);
  for (let split = 1; split < bytes.length; split += 1) {
    assert.deepEqual(parseAll([bytes.subarray(0, split), bytes.subarray(split)]), expected, `split at ${split}`);
  }
  // Byte by byte.
  assert.deepEqual(parseAll([...bytes].map((byte) => Uint8Array.of(byte))), expected);
});

test('CRLF and CR line ends, split between \\r and \\n', () => {
  const crlf = openAiStream.replaceAll('\n', '\r\n');
  const expected = parseAll([openAiStream]);
  assert.deepEqual(parseAll([crlf]), expected);
  for (let split = 1; split < crlf.length; split += 7) {
    assert.deepEqual(parseAll([crlf.slice(0, split), crlf.slice(split)]), expected);
  }
  const atCarriageReturn = crlf.indexOf('\r');
  assert.deepEqual(parseAll([crlf.slice(0, atCarriageReturn + 1), crlf.slice(atCarriageReturn + 1)]), expected);
  assert.deepEqual(parseAll([openAiStream.replaceAll('\n', '\r')]), expected);
});

test('multi-line data, comments, event names, fields without a space, BOM', () => {
  const stream = '\uFEFF: keep-alive\n\nevent: error\ndata: {"error":\ndata:{"message":"overloaded"}}\n\n:ping\n\ndata\n\nretry: 3000\nid: 7\ndata: x\n\n';
  assert.deepEqual(parseAll([stream]), [
    { kind: 'data', data: '{"error":\n{"message":"overloaded"}}', event: 'error' },
    { kind: 'data', data: '', event: null },
    { kind: 'data', data: 'x', event: null },
  ]);
});

test('end() flushes a final event without its blank line; an empty stream yields nothing', () => {
  assert.deepEqual(parseAll(['data: {"a":1}']), [{ kind: 'data', data: '{"a":1}', event: null }]);
  assert.deepEqual(parseAll(['data: [DONE]\n']), [{ kind: 'done' }]);
  assert.deepEqual(parseAll([]), []);
  assert.deepEqual(parseAll([': only a comment\n\n']), []);
});
