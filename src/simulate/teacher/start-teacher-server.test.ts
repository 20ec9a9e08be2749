import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import { readCompletionBody } from '../driver/internal/read-completion.ts';
import { scoreAnswer } from '../driver/score-answer.ts';
import { createRandom } from '../random.ts';
import type { EpisodeContext, GeneratedCall } from '../simulated-task.ts';
import { startTeacherServer, type TeacherServer } from './start-teacher-server.ts';
import { createTestAgent } from './testing/create-test-agent.ts';

const agent = createTestAgent('query');

/** Runs test-agent episodes against the teacher directly, collecting every generated call and its answer. */
async function collectCalls(teacher: TeacherServer, episodes: number, seed = 'calls'): Promise<Array<{ call: GeneratedCall; completion: ChatCompletion }>> {
  const collected: Array<{ call: GeneratedCall; completion: ChatCompletion }> = [];
  for (let index = 0; index < episodes; index += 1) {
    const context: EpisodeContext = {
      episodeId: `test-${index}`,
      random: createRandom(seed).fork(`episode-${index}`),
      split: 'train',
      openEndedShare: 0.5,
      async send(call) {
        const completion = await postChat(teacher, { ...call.request, stream: false, stream_options: undefined });
        collected.push({ call, completion });
        return completion;
      },
    };
    await agent.runEpisode(context);
  }
  return collected;
}

async function postChat(teacher: TeacherServer, request: ChatCompletionRequest): Promise<ChatCompletion> {
  const response = await fetch(`${teacher.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  assert.equal(response.status, 200);
  return (await response.json()) as ChatCompletion;
}

const sumRequest = (first: number, second: number): ChatCompletionRequest => ({
  model: 'gpt-4.1-mini',
  messages: [
    { role: 'system', content: "You are the query agent's calculator. Reply with the sum only." },
    { role: 'user', content: `Add ${first} and ${second}.` },
  ],
});

describe('teacher answers', () => {
  let teacher: TeacherServer;
  before(async () => {
    teacher = await startTeacherServer({ skills: agent.skills, seed: 1, errorRate: 0, latency: { scale: 0 } });
  });
  after(() => teacher.close());

  test('every scored answer matches the ground truth at error rate 0, with real token usage', async () => {
    const collected = await collectCalls(teacher, 30);
    const kinds = new Set(collected.map(({ call }) => call.expected.kind));
    assert.deepEqual([...kinds].sort(), ['json', 'open', 'text', 'tool_calls']);
    for (const { call, completion } of collected) {
      const score = scoreAnswer(call.expected, completion);
      if (call.openEnded) assert.equal(score.correct, null);
      else assert.equal(score.correct, true, `${call.task}: ${score.reason}`);
      assert.ok((completion.usage?.prompt_tokens ?? 0) > 10);
      assert.ok((completion.usage?.completion_tokens ?? 0) > 0);
    }
    const stats = teacher.stats();
    assert.equal(stats.unrecognised, 0);
    assert.equal(stats.ambiguous, 0);
    assert.equal(stats.wrongAnswers, 0);
    assert.equal(Object.values(stats.byTask).reduce((total, count) => total + count, 0), collected.length);
  });

  test('an unknown request gets a generic answer and is counted', async () => {
    const before = teacher.stats().unrecognised;
    const completion = await postChat(teacher, { model: 'gpt-4o', messages: [{ role: 'user', content: 'Tell me something.' }] });
    assert.ok((completion.choices[0]?.message.content ?? '').length > 10);
    assert.equal(teacher.stats().unrecognised, before + 1);
  });

  test('GET /v1/models lists models', async () => {
    const client = new OpenAI({ baseURL: teacher.url, apiKey: 'unused' });
    const models = await client.models.list();
    assert.ok(models.data.some((model) => model.id === 'gpt-4.1-mini'));
  });
});

describe('teacher error rate and determinism', () => {
  test('the wrong-answer rate is near the configured rate', async () => {
    const teacher = await startTeacherServer({ skills: agent.skills, seed: 2, errorRate: 0.2, latency: { scale: 0 } });
    try {
      const total = 1000;
      let wrong = 0;
      for (let start = 0; start < total; start += 50) {
        const batch = Array.from({ length: 50 }, (_, offset) => start + offset);
        const completions = await Promise.all(batch.map((index) => postChat(teacher, sumRequest(index, 7))));
        completions.forEach((completion, offset) => {
          if (completion.choices[0]?.message.content !== String((batch[offset] ?? 0) + 7)) wrong += 1;
        });
      }
      assert.ok(Math.abs(wrong / total - 0.2) < 0.05, `wrong rate ${wrong / total}`);
      assert.equal(teacher.stats().wrongAnswers, wrong);
    } finally {
      await teacher.close();
    }
  });

  test('the same request gets the same answer; free text varies with the seed', async () => {
    const first = await startTeacherServer({ skills: agent.skills, seed: 3, errorRate: 0.5, latency: { scale: 0 } });
    const second = await startTeacherServer({ skills: agent.skills, seed: 3, errorRate: 0.5, latency: { scale: 0 } });
    const other = await startTeacherServer({ skills: agent.skills, seed: 4, errorRate: 0.5, latency: { scale: 0 } });
    try {
      const contents = async (teacher: TeacherServer) => {
        const answers: string[] = [];
        for (let index = 0; index < 40; index += 1) answers.push((await postChat(teacher, sumRequest(index, index))).choices[0]?.message.content ?? '');
        return answers;
      };
      assert.deepEqual(await contents(first), await contents(first));
      assert.deepEqual(await contents(first), await contents(second));
      assert.notDeepEqual(await contents(first), await contents(other));
      const [calls, again] = [await collectCalls(first, 6, 'same'), await collectCalls(second, 6, 'same')];
      assert.deepEqual(
        calls.map(({ completion }) => completion.choices[0]?.message),
        again.map(({ completion }) => completion.choices[0]?.message),
      );
      const open = calls.filter(({ call }) => call.openEnded).map(({ call }) => call.request);
      assert.ok(open.length > 0);
      const openAnswers = async (teacher: TeacherServer) => Promise.all(open.map(async (request) => (await postChat(teacher, request)).choices[0]?.message.content));
      assert.notDeepEqual(await openAnswers(first), await openAnswers(other));
    } finally {
      await Promise.all([first.close(), second.close(), other.close()]);
    }
  });

  test('latency is drawn per request and scales', async () => {
    const teacher = await startTeacherServer({ skills: agent.skills, latency: { medianMs: 60, sigma: 0, scale: 1 } });
    const scaled = await startTeacherServer({ skills: agent.skills, latency: { medianMs: 60, sigma: 0, scale: 0.1 } });
    try {
      let startedAt = performance.now();
      await postChat(teacher, sumRequest(1, 2));
      assert.ok(performance.now() - startedAt >= 55);
      startedAt = performance.now();
      await postChat(scaled, sumRequest(1, 2));
      assert.ok(performance.now() - startedAt < 50);
    } finally {
      await Promise.all([teacher.close(), scaled.close()]);
    }
  });
});

describe('teacher over the official openai client', () => {
  let teacher: TeacherServer;
  let client: OpenAI;
  before(async () => {
    teacher = await startTeacherServer({ skills: agent.skills, seed: 5, errorRate: 0, latency: { scale: 0 } });
    client = new OpenAI({ baseURL: teacher.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => teacher.close());

  test('streams content word by word with usage, equal to the plain answer', async () => {
    const request = sumRequest(1234, 4321);
    const plain = await client.chat.completions.create({ model: request.model, messages: request.messages as OpenAI.ChatCompletionMessageParam[] });
    const stream = await client.chat.completions.create({
      model: request.model,
      messages: request.messages as OpenAI.ChatCompletionMessageParam[],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(content, '5555');
    assert.equal(content, plain.choices[0]?.message.content);
    assert.equal(finish, 'stop');
    assert.deepEqual(usage?.prompt_tokens, plain.usage?.prompt_tokens);
  });

  test('streams tool calls with arguments split across chunks', async () => {
    const collected = await collectCalls(teacher, 10, 'tools');
    const toolCall = collected.find(({ call }) => call.expected.kind === 'tool_calls');
    assert.ok(toolCall);
    const stream = await client.chat.completions.stream(toolCall.call.request as OpenAI.ChatCompletionCreateParamsStreaming);
    let argumentChunks = 0;
    stream.on('chunk', (chunk) => {
      if (chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments) argumentChunks += 1;
    });
    const final = await stream.finalChatCompletion();
    assert.ok(argumentChunks > 1);
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
    const score = scoreAnswer(toolCall.call.expected, readCompletionBody(JSON.stringify(final)));
    assert.equal(score.correct, true, score.reason);
  });

  test('json_schema answers parse', async () => {
    const collected = await collectCalls(teacher, 3, 'json');
    const extraction = collected.find(({ call }) => call.expected.kind === 'json');
    assert.ok(extraction);
    const completion = await client.chat.completions.create(extraction.call.request as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.deepEqual(JSON.parse(completion.choices[0]?.message.content ?? ''), extraction.call.expected.kind === 'json' ? extraction.call.expected.value : null);
  });
});

describe('teacher fault injection', () => {
  let teacher: TeacherServer;
  let client: OpenAI;
  const request = sumRequest(20, 22) as OpenAI.ChatCompletionCreateParamsNonStreaming;
  before(async () => {
    teacher = await startTeacherServer({ skills: agent.skills, seed: 6, errorRate: 0, latency: { scale: 0 } });
    client = new OpenAI({ baseURL: teacher.url, apiKey: 'unused', maxRetries: 0, timeout: 2_000 });
  });
  after(() => teacher.close());

  for (const status of [500, 502, 503, 429] as const) {
    test(`status ${status}`, async () => {
      teacher.setFault({ kind: 'status', status, count: 1 });
      const error = await client.chat.completions.create(request).then(
        () => assert.fail('expected an error'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, status);
      if (status === 429) {
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.equal(error.headers?.get('retry-after'), '1');
      }
      // count: 1 — the next request is healthy again.
      assert.equal((await client.chat.completions.create(request)).choices[0]?.message.content, '42');
    });
  }

  test('hang: the client times out', async () => {
    teacher.setFault({ kind: 'hang', count: 1 });
    await assert.rejects(client.chat.completions.create(request, { timeout: 200 }), OpenAI.APIConnectionTimeoutError);
  });

  test('reset: the connection is reset', async () => {
    teacher.setFault({ kind: 'reset', count: 1 });
    await assert.rejects(client.chat.completions.create(request), (error: unknown) => error instanceof OpenAI.APIConnectionError && !(error instanceof OpenAI.APIConnectionTimeoutError));
  });

  test('slow-stream: chunks arrive slowly', async () => {
    teacher.setFault({ kind: 'slow-stream', chunkDelayMs: 60, count: 1 });
    const startedAt = performance.now();
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const arrivals: number[] = [];
    for await (const _chunk of stream) arrivals.push(performance.now());
    assert.ok(arrivals.length >= 3);
    const gaps = arrivals.slice(1).map((time, index) => time - (arrivals[index] ?? 0));
    assert.ok(Math.min(...gaps) >= 40, `gaps ${gaps.join(', ')}`);
    assert.ok(performance.now() - startedAt >= 60 * (arrivals.length - 1));
  });

  test('truncate: a plain answer stops at finish_reason length', async () => {
    const long = await collectCalls(teacher, 1, 'truncate');
    const order = long.find(({ call }) => call.expected.kind === 'json');
    assert.ok(order);
    teacher.setFault({ kind: 'truncate', count: 1 });
    const completion = await client.chat.completions.create(order.call.request as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(completion.choices[0]?.finish_reason, 'length');
    assert.throws(() => JSON.parse(completion.choices[0]?.message.content ?? ''));
    assert.equal(scoreAnswer(order.call.expected, readCompletionBody(JSON.stringify(completion))).correct, false);
  });

  test('truncate: a stream drops the connection before it ends', async () => {
    teacher.setFault({ kind: 'truncate', count: 1 });
    const stream = await client.chat.completions.create({
      ...request,
      messages: [{ role: 'user', content: 'Tell me a long story about the sea.' }],
      stream: true,
    });
    let finish: string | null = null;
    await assert.rejects(async () => {
      for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
    });
    assert.equal(finish, null);
  });

  test('random faults at the configured rate', async () => {
    const faulty = await startTeacherServer({ skills: agent.skills, latency: { scale: 0 }, faults: { rate: 0.5, kinds: ['status'] } });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 200 }, async (_, index) => {
          const response = await fetch(`${faulty.url}/chat/completions`, { method: 'POST', body: JSON.stringify(sumRequest(index, 1)) });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      const failed = statuses.filter((status) => status !== 200).length;
      assert.ok(failed > 70 && failed < 130, `failed ${failed}`);
      assert.equal(faulty.stats().faults.status, failed);
    } finally {
      await faulty.close();
    }
  });
});
