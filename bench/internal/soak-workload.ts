/**
 * The soak benchmark's traffic: a seeded mix of the chat completions an agent fleet sends, so the soak
 * exercises every path the gateway logs — plain and streamed answers, short and long prompts, multi-turn
 * history, tool calls (streamed too), tool results, `json_schema` output — and files them under episodes and
 * tasks the way agents do (headers mostly, OpenAI's `metadata` map or `user` for some). Prompts are varied
 * text, never one repeated body, so the store and the spool see realistic, distinct records.
 */
import { createRandom, type Random } from '../../src/simulate/random.ts';
import { episodeHeader, taskHeader, userHeader } from '../../src/capture/resolve-call-tags.ts';

export const soakRequestKinds = ['chat', 'chat-stream', 'tool-call', 'tool-call-stream', 'tool-result', 'json-schema'] as const;
export type SoakRequestKind = (typeof soakRequestKinds)[number];

/** Share of each kind in the mix. */
const kindWeights: ReadonlyArray<readonly [SoakRequestKind, number]> = [
  ['chat', 35],
  ['chat-stream', 25],
  ['tool-call', 12],
  ['tool-call-stream', 5],
  ['tool-result', 8],
  ['json-schema', 15],
];

/** Calls per episode: an agent run makes a handful of calls. */
const callsPerEpisode = 8;

export interface SoakRequest {
  kind: SoakRequestKind;
  stream: boolean;
  body: string;
  /** Tag headers (task, episode, user) when this request tags by header; auth is added by the driver. */
  headers: Record<string, string>;
  episodeId: string;
}

const words = (
  'invoice order refund shipment customer account payment address delivery parcel warranty subscription ' +
  'discount coupon balance statement ticket priority outage login password billing charge receipt tracking ' +
  'carrier warehouse return exchange damaged missing late cancel upgrade downgrade plan renewal contract'
).split(' ');

const tools = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Find an order by its number.',
      parameters: { type: 'object', properties: { order_id: { type: 'string' }, include_items: { type: 'boolean' } }, required: ['order_id'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'create_ticket',
      description: 'Open a support ticket.',
      parameters: {
        type: 'object',
        properties: { subject: { type: 'string' }, priority: { type: 'string', enum: ['low', 'normal', 'high'] }, tags: { type: 'array', items: { type: 'string' } } },
        required: ['subject', 'priority'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'issue_refund',
      description: 'Refund part or all of an order.',
      parameters: { type: 'object', properties: { order_id: { type: 'string' }, amount: { type: 'number' } }, required: ['order_id', 'amount'] },
    },
  },
];

const extractionSchema = {
  name: 'invoice_fields',
  strict: true,
  schema: {
    type: 'object',
    properties: {
      invoice_number: { type: 'string' },
      total: { type: 'number' },
      currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] },
      lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, quantity: { type: 'integer' } }, required: ['sku', 'quantity'], additionalProperties: false } },
    },
    required: ['invoice_number', 'total', 'currency', 'lines'],
    additionalProperties: false,
  },
};

const taskOfKind: Record<SoakRequestKind, string> = {
  chat: 'support-answer',
  'chat-stream': 'support-answer',
  'tool-call': 'order-agent',
  'tool-call-stream': 'order-agent',
  'tool-result': 'order-agent-followup',
  'json-schema': 'invoice-extract',
};

/** Prompt length in characters: mostly short, some pages long, a few very long (pasted documents). */
function promptLength(random: Random): number {
  return random.weighted<() => number>([
    [() => random.int(80, 400), 60],
    [() => random.int(1_000, 3_000), 30],
    [() => random.int(6_000, 12_000), 10],
  ])();
}

function sentence(random: Random): string {
  const count = random.int(6, 14);
  const parts: string[] = [];
  for (let index = 0; index < count; index += 1) parts.push(random.pick(words));
  parts.push(String(random.int(1000, 99999)));
  const text = parts.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function text(random: Random, length: number): string {
  const sentences: string[] = [];
  let total = 0;
  while (total < length) {
    const next = sentence(random);
    sentences.push(next);
    total += next.length + 1;
  }
  return sentences.join(' ');
}

/** Earlier turns of the conversation: none, or a few user/assistant pairs. */
function history(random: Random): Array<Record<string, unknown>> {
  const turns = random.weighted([
    [0, 60],
    [1, 25],
    [3, 15],
  ] as const);
  const messages: Array<Record<string, unknown>> = [];
  for (let turn = 0; turn < turns; turn += 1) {
    messages.push({ role: 'user', content: text(random, random.int(60, 300)) });
    messages.push({ role: 'assistant', content: text(random, random.int(60, 300)) });
  }
  return messages;
}

/**
 * A seeded generator of soak requests: `requestAt(index)` is the `index`-th request of the run; the same
 * seed and index give the same request. Episodes are consecutive runs of `callsPerEpisode` indices.
 */
export function createSoakWorkload(seed: string): { requestAt(index: number): SoakRequest } {
  const root = createRandom(seed);
  const runId = root.string(6, 'abcdefghijklmnopqrstuvwxyz0123456789');
  return {
    requestAt(index) {
      const random = root.fork(String(index));
      const kind = random.weighted(kindWeights);
      const stream = kind === 'chat-stream' || kind === 'tool-call-stream';
      const episodeId = `soak-${runId}-${Math.floor(index / callsPerEpisode)}`;
      const task = taskOfKind[kind];
      const userId = `user-${random.int(1, 500)}`;
      const messages: Array<Record<string, unknown>> = [
        { role: 'system', content: `You are the ${task} assistant of an online shop. ${sentence(random)}` },
        ...history(random),
        { role: 'user', content: text(random, promptLength(random)) },
      ];
      const body: Record<string, unknown> = { model: random.pick(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18']), messages };
      if (random.chance(0.5)) body.temperature = random.pick([0, 0.2, 0.7]);
      if (stream) body.stream_options = { include_usage: true };
      if (stream) body.stream = true;
      if (kind === 'tool-call' || kind === 'tool-call-stream' || kind === 'tool-result') {
        body.tools = random.sample(tools, random.int(1, tools.length));
        if (random.chance(0.3)) body.parallel_tool_calls = false;
      }
      if (kind === 'tool-result') {
        // The agent ran the tool the model asked for and now wants the final answer.
        const callId = `call_${random.string(12, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
        messages.push({ role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'lookup_order', arguments: `{"order_id":"${random.int(1000, 9999)}"}` } }] });
        messages.push({ role: 'tool', tool_call_id: callId, content: JSON.stringify({ status: random.pick(words), total: random.int(5, 900), note: sentence(random) }) });
        body.tool_choice = 'none';
      }
      if (kind === 'json-schema') body.response_format = { type: 'json_schema', json_schema: extractionSchema };

      // Most agents tag by header; some SDK users put the tags in `metadata` or only set `user`.
      const headers: Record<string, string> = {};
      const tagging = random.weighted([
        ['headers', 75],
        ['metadata', 20],
        ['user-only', 5],
      ] as const);
      if (tagging === 'headers') {
        headers[episodeHeader] = episodeId;
        headers[taskHeader] = task;
        if (random.chance(0.5)) headers[userHeader] = userId;
      } else if (tagging === 'metadata') {
        body.metadata = { understudy_episode: episodeId, understudy_task: task };
        body.user = userId;
      } else {
        body.user = userId;
      }
      return { kind, stream, body: JSON.stringify(body), headers, episodeId };
    },
  };
}
