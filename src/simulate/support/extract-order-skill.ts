/**
 * `support/extract-order`: the order a message is about, as JSON under a strict schema. Shares its prompt
 * skeleton with `support/extract-contact` (see `internal/extraction-request.ts`).
 */
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { createExtractionRequest, isExtractionRequest, type ExtractionShape } from './internal/extraction-request.ts';
import { extractOrderInstructions } from './internal/support-prompts.ts';
import { contentReply, createGeneratedCall, lastUserText, type SupportThread } from './internal/support-request.ts';
import { readCustomerMessage } from './read-customer-message.ts';

export const extractOrderTask = 'support/extract-order';

/** The record the agent stores; keys in schema order, as a constrained decoder emits them. */
export interface OrderDetails {
  order_id: string;
  product: string;
  quantity: number;
}

const orderShape: ExtractionShape = {
  instructions: extractOrderInstructions,
  schemaName: 'order_details',
  schema: {
    type: 'object',
    properties: {
      order_id: { type: 'string', description: 'Order id as written, e.g. A7K-2931-88' },
      product: { type: 'string' },
      quantity: { type: 'integer', minimum: 1 },
    },
    required: ['order_id', 'product', 'quantity'],
    additionalProperties: false,
  },
};

export function createExtractOrderCall(thread: SupportThread, random: Random): GeneratedCall {
  const { order } = thread.supportCase;
  const value: OrderDetails = { order_id: order.id, product: order.product, quantity: order.quantity };
  const request = createExtractionRequest(thread, random, orderShape);
  return createGeneratedCall(request, extractOrderTask, { kind: 'json', value }, thread.customerMessage.planted);
}

function readOrderDetails(text: string): OrderDetails | undefined {
  const reading = readCustomerMessage(text);
  return reading && { order_id: reading.orderId, product: reading.product, quantity: reading.quantity };
}

export const extractOrderSkill: TaskSkill = {
  task: extractOrderTask,
  agent: 'support',
  openEnded: false,
  recognise: (request) => isExtractionRequest(request, orderShape.schemaName),
  respond(request): TeacherReply {
    const details = readOrderDetails(lastUserText(request)) ?? { order_id: '', product: '', quantity: 1 };
    return contentReply(JSON.stringify(details));
  },
  respondWrongly(request, random): TeacherReply {
    const details = readOrderDetails(lastUserText(request)) ?? { order_id: '', product: '', quantity: 1 };
    // The two mistakes extraction models make most: a miscounted quantity, a mangled id.
    const wrong = random.chance(0.5)
      ? { ...details, quantity: details.quantity + 1 }
      : { ...details, order_id: details.order_id.replace(/-(\d{4})-/, (_whole, digits: string) => `-${[...digits].reverse().join('')}1-`) };
    return contentReply(JSON.stringify(wrong));
  },
};
