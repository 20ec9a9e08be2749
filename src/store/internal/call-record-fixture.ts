/**
 * Test data: a `CallRecord` as the gateway would log it, with a request and response in the real OpenAI
 * Chat Completions wire format (tool definitions, a tool call, usage) rather than made-up shapes.
 */
import { callRecordSchema } from '../../contracts/call-record.ts';
import type { CallRecord } from '../../contracts/call-record.ts';

/** A validated call; `overrides` replace whole fields. */
export function createTestCallRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  return callRecordSchema.parse({
    version: 1,
    id: 'call_01',
    source: 'gateway',
    projectId: 'project-a',
    endUserId: 'user-42',
    episodeId: 'episode-1',
    task: 'extract-invoice',
    route: 'llm',
    status: 'ok',
    errorClass: null,
    errorMessage: null,
    httpStatus: 200,
    model: 'gpt-4.1-mini',
    responseModel: 'gpt-4.1-mini-2025-04-14',
    provider: 'openai',
    stream: false,
    startedAt: 1_750_000_000_000,
    latencyMs: 812.5,
    ttftMs: 812.5,
    tokensIn: 152,
    tokensOut: 31,
    tokensEstimated: false,
    costUsd: 0.0001104,
    finishReason: 'tool_calls',
    request: {
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'Extract the invoice fields. Answer with the tool.' },
        { role: 'user', content: 'Invoice #A-1009 from Müller GmbH, total €1,240.50, due 2025-07-01 ✓' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'record_invoice',
            description: 'Stores one invoice',
            parameters: {
              type: 'object',
              properties: { number: { type: 'string' }, total: { type: 'number' }, due: { type: 'string', format: 'date' } },
              required: ['number', 'total'],
              additionalProperties: false,
            },
            strict: true,
          },
        },
      ],
      tool_choice: 'required',
      temperature: 0,
      metadata: { understudy_task: 'extract-invoice' },
    },
    response: {
      id: 'chatcmpl-Bx1',
      object: 'chat.completion',
      created: 1_750_000_000,
      model: 'gpt-4.1-mini-2025-04-14',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              {
                id: 'call_abc',
                type: 'function',
                function: { name: 'record_invoice', arguments: '{"number":"A-1009","total":1240.5,"due":"2025-07-01"}' },
              },
            ],
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 152,
        completion_tokens: 31,
        total_tokens: 183,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: null,
    },
    ...overrides,
  });
}

/** `count` calls with ids `${idPrefix}-0…`, one millisecond apart, sharing everything else with `base`. */
export function createTestCallRecords(count: number, idPrefix: string, base: CallRecord = createTestCallRecord()): CallRecord[] {
  return Array.from({ length: count }, (_, index) => ({ ...base, id: `${idPrefix}-${index}`, startedAt: base.startedAt + index }));
}
