/**
 * The replayed stream is checked by the two readers that matter: our own capture, which must reassemble it into
 * the completion it came from, and the official `openai` client streaming from a real loopback HTTP server.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { ChatStreamAccumulator } from '../capture/accumulate-chat-stream.ts';
import { SseEventParser } from '../capture/sse-event-parser.ts';
import type { ChatCompletion, ChatCompletionChunk } from '../contracts/chat-completion.ts';
import type { EngineResult } from '../providers/engines/specialist-engine.ts';
import { replayAsSse, replayAsSseResponseBody } from './replay-as-sse.ts';
import { specialistCompletion } from './specialist-completion.ts';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const identity = { model: 'gpt-4o-mini', created: 1750000000 };

function engineResult(overrides: Partial<EngineResult>): EngineResult {
  return { content: null, toolCalls: [], finishReason: 'stop', tokens: { prompt: 61, completion: 23 }, logprobs: null, latencyMs: 9, ...overrides };
}

const contentAnswer = specialistCompletion(
  engineResult({ content: 'Your refund for order A-1042 was issued on 3 June; allow 5–7 days. 👍' }),
  { ...identity, id: 'chatcmpl-content' },
);

const toolCallAnswer = specialistCompletion(
  engineResult({
    finishReason: 'tool_calls',
    toolCalls: [
      { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius","days":3}' },
      { name: 'get_local_time', arguments: '{"timezone":"Europe/Paris"}' },
    ],
  }),
  { ...identity, id: 'chatcmpl-tools' },
);

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) pieces.push(read.value);
  return pieces;
}

/** Feeds bytes to our capture's parser and accumulator in pieces of `pieceSize`, cutting events anywhere. */
function reassemble(bytes: Uint8Array, pieceSize: number): { completion: ChatCompletion; sawDone: boolean } {
  const parser = new SseEventParser();
  const accumulator = new ChatStreamAccumulator();
  let sawDone = false;
  const handle = (events: ReturnType<SseEventParser['push']>) => {
    for (const event of events) {
      if (event.kind === 'done') sawDone = true;
      else accumulator.push(JSON.parse(event.data) as ChatCompletionChunk);
    }
  };
  for (let start = 0; start < bytes.length; start += pieceSize) handle(parser.push(bytes.subarray(start, start + pieceSize)));
  handle(parser.end());
  return { completion: accumulator.result(), sawDone };
}

function concat(pieces: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(pieces));
}

function parseChunks(events: string[]): ChatCompletionChunk[] {
  return events.filter((event) => event !== 'data: [DONE]\n\n').map((event) => JSON.parse(event.slice('data: '.length)) as ChatCompletionChunk);
}

function withoutUsage(completion: ChatCompletion): ChatCompletion {
  const { usage: _usage, ...rest } = completion;
  return rest as ChatCompletion;
}

describe('replayAsSse: wire format', () => {
  it('a content answer: role chunk, several content deltas, finish chunk, usage chunk, [DONE]', () => {
    const events = replayAsSse(contentAnswer, { chunkChars: 10, includeUsage: true });
    assert.ok(events.every((event) => event.startsWith('data: ') && event.endsWith('\n\n')));
    assert.equal(events.at(-1), 'data: [DONE]\n\n');
    const chunks = parseChunks(events);
    for (const chunk of chunks) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.id, 'chatcmpl-content');
      assert.equal(chunk.created, 1750000000);
      assert.equal(chunk.model, 'gpt-4o-mini');
      assert.ok('usage' in chunk, 'with include_usage every chunk carries usage');
    }
    assert.deepEqual(chunks[0]?.choices, [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]);
    assert.equal(chunks[0]?.usage, null);
    const contentDeltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content)).filter((content) => content);
    assert.ok(contentDeltas.length >= 5, `content is spread over several deltas (${contentDeltas.length})`);
    assert.ok(contentDeltas.every((piece) => typeof piece === 'string' && Array.from(piece).length <= 10));
    assert.equal(contentDeltas.join(''), contentAnswer.choices[0]?.message.content);
    const finish = chunks.at(-2);
    assert.deepEqual(finish?.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    const usage = chunks.at(-1);
    assert.deepEqual(usage?.choices, []);
    assert.deepEqual(usage?.usage, { prompt_tokens: 61, completion_tokens: 23, total_tokens: 84 });
  });

  it('without include_usage there is no usage chunk and no usage field', () => {
    const events = replayAsSse(contentAnswer);
    const chunks = parseChunks(events);
    assert.ok(chunks.every((chunk) => !('usage' in chunk)));
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
  });

  it('tool calls: per call an opening delta with index, id, type and name, then argument pieces', () => {
    const chunks = parseChunks(replayAsSse(toolCallAnswer, { chunkChars: 8 }));
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: null, refusal: null });
    const calls = toolCallAnswer.choices[0]?.message.tool_calls ?? [];
    const deltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    const openings = deltas.filter((delta) => delta.id !== undefined);
    assert.deepEqual(openings, [
      { index: 0, id: calls[0]?.id, type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 1, id: calls[1]?.id, type: 'function', function: { name: 'get_local_time', arguments: '' } },
    ]);
    const firstArguments = deltas.filter((delta) => delta.index === 0 && delta.id === undefined);
    assert.ok(firstArguments.length > 1);
    assert.ok(firstArguments.every((delta) => Object.keys(delta).join() === 'index,function' && (delta.function?.arguments ?? '').length <= 8));
    assert.equal(firstArguments.map((delta) => delta.function?.arguments).join(''), calls[0]?.function.arguments);
    // The calls stream one after the other, as OpenAI sends parallel calls.
    const order = deltas.map((delta) => delta.index);
    assert.deepEqual(order, [...order].sort());
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls');
  });

  it('never cuts a character outside the BMP in half', () => {
    const completion = specialistCompletion(engineResult({ content: '👍🏽🚀é漢字🙂' }), identity);
    for (const chunkChars of [1, 2, 3]) {
      const pieces = parseChunks(replayAsSse(completion, { chunkChars })).flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''));
      for (const piece of pieces) assert.doesNotMatch(piece, loneSurrogate, `lone surrogate in ${JSON.stringify(piece)}`);
      assert.equal(pieces.join(''), '👍🏽🚀é漢字🙂');
    }
  });

  it('rejects a chunk size that is not a positive integer', () => {
    assert.throws(() => replayAsSse(contentAnswer, { chunkChars: 0 }), RangeError);
    assert.throws(() => replayAsSse(contentAnswer, { chunkChars: 2.5 }), RangeError);
  });
});

describe('replayAsSse: our capture reassembles the completion', () => {
  const cases: Array<[string, ChatCompletion]> = [
    ['content answer', contentAnswer],
    ['tool-call answer with two parallel calls', toolCallAnswer],
  ];
  for (const [name, completion] of cases) {
    it(`${name}, cut into pieces of any size`, async () => {
      const bytes = concat(await readAll(replayAsSseResponseBody(completion, { chunkChars: 7, includeUsage: true })));
      for (const pieceSize of [1, 3, 17, bytes.length]) {
        const { completion: reassembled, sawDone } = reassemble(bytes, pieceSize);
        assert.equal(sawDone, true);
        assert.deepEqual(reassembled, completion);
      }
    });

    it(`${name}, without include_usage: everything but usage`, async () => {
      const bytes = concat(await readAll(replayAsSseResponseBody(completion)));
      assert.deepEqual(reassemble(bytes, 64).completion, withoutUsage(completion));
    });
  }

  it('keeps fields it does not stream specially, refusals, logprobs, n > 1 choices and top-level fields', () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-rich',
      object: 'chat.completion',
      created: 1750000000,
      model: 'gpt-4o-mini',
      service_tier: 'default',
      system_fingerprint: 'fp_understudy',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: 'I cannot help with that request.', annotations: [] },
          logprobs: { content: [{ token: 'I', logprob: -0.01, bytes: [73], top_logprobs: [] }], refusal: null },
          finish_reason: 'stop',
        },
        { index: 1, message: { role: 'assistant', content: 'Second choice.', refusal: null, reasoning_content: 'thought' }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
    };
    const bytes = new TextEncoder().encode(replayAsSse(completion, { chunkChars: 5, includeUsage: true }).join(''));
    assert.deepEqual(reassemble(bytes, 11).completion, completion);
  });

  it('the response body is one event per piece, read lazily', async () => {
    const pieces = await readAll(replayAsSseResponseBody(toolCallAnswer, { includeUsage: true }));
    const decoder = new TextDecoder();
    assert.deepEqual(pieces.map((piece) => decoder.decode(piece)), replayAsSse(toolCallAnswer, { includeUsage: true }));
    const response = new Response(replayAsSseResponseBody(contentAnswer), { headers: { 'content-type': 'text/event-stream' } });
    assert.equal(await response.text(), replayAsSse(contentAnswer).join(''));
  });
});

describe('replayAsSse: the official openai client streams it', () => {
  let server: Server;
  let client: OpenAI;
  /** What the loopback server replays next. */
  let completion: ChatCompletion = contentAnswer;

  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (piece: string) => (body += piece));
      request.on('end', async () => {
        const parsed = JSON.parse(body) as { stream_options?: { include_usage?: boolean } };
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        const stream = replayAsSseResponseBody(completion, { chunkChars: 6, includeUsage: parsed.stream_options?.include_usage === true });
        // One write per event, as a live server flushes them.
        for (const piece of await readAll(stream)) response.write(piece);
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'test-key', maxRetries: 0 });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Weather and time in Paris?' }] };

  /** Accumulates raw chunks from `create({ stream: true })` the way an agent loop does. */
  async function streamDeltas() {
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let content: string | null = null;
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | null = null;
    let chunkCount = 0;
    const calls = new Map<number, { id: string; type: string; name: string; arguments: string }>();
    for await (const chunk of stream) {
      chunkCount += 1;
      assert.equal(chunk.id, completion.id);
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        if (typeof choice.delta.content === 'string') content = (content ?? '') + choice.delta.content;
        if (choice.finish_reason) finishReason = choice.finish_reason;
        for (const call of choice.delta.tool_calls ?? []) {
          const draft = calls.get(call.index) ?? { id: '', type: '', name: '', arguments: '' };
          draft.id ||= call.id ?? '';
          draft.type ||= call.type ?? '';
          draft.name ||= call.function?.name ?? '';
          draft.arguments += call.function?.arguments ?? '';
          calls.set(call.index, draft);
        }
      }
    }
    return { content, finishReason, usage, chunkCount, calls: [...calls.entries()].sort(([left], [right]) => left - right).map(([, call]) => call) };
  }

  it('a content answer: create({ stream: true }) yields the same content, finish reason and usage', async () => {
    completion = contentAnswer;
    const received = await streamDeltas();
    assert.equal(received.content, contentAnswer.choices[0]?.message.content);
    assert.equal(received.finishReason, 'stop');
    assert.deepEqual(received.calls, []);
    assert.deepEqual(received.usage, contentAnswer.usage);
    assert.ok(received.chunkCount > 5);
  });

  it('a tool-call answer with two parallel calls: the same ids, names and arguments', async () => {
    completion = toolCallAnswer;
    const received = await streamDeltas();
    assert.equal(received.content, null);
    assert.equal(received.finishReason, 'tool_calls');
    const expected = (toolCallAnswer.choices[0]?.message.tool_calls ?? []).map((call) => ({
      id: call.id,
      type: call.type,
      name: call.function.name,
      arguments: call.function.arguments,
    }));
    assert.equal(expected.length, 2);
    assert.deepEqual(received.calls, expected);
    assert.deepEqual(received.usage, toolCallAnswer.usage);
  });

  for (const [name, answer] of [
    ['content answer', contentAnswer],
    ['tool-call answer', toolCallAnswer],
  ] as const) {
    it(`${name}: the client's stream helper rebuilds the same completion`, async () => {
      completion = answer;
      const runner = client.chat.completions.stream({ ...request, stream_options: { include_usage: true } });
      const final = await runner.finalChatCompletion();
      assert.equal(final.id, answer.id);
      assert.equal(final.created, answer.created);
      assert.equal(final.model, answer.model);
      assert.deepEqual(final.usage, answer.usage);
      const choice = final.choices[0];
      const expected = answer.choices[0];
      assert.equal(choice?.finish_reason, expected?.finish_reason);
      assert.equal(choice?.message.content, expected?.message.content);
      assert.deepEqual(
        (choice?.message.tool_calls ?? []).map((call) => (call.type === 'function' ? { id: call.id, type: call.type, function: { name: call.function.name, arguments: call.function.arguments } } : call)),
        expected?.message.tool_calls ?? [],
      );
    });
  }
});
