/**
 * `support/extract-order`: the order a message is about, as JSON under a strict schema. Shares its prompt
 * skeleton with `support/extract-contact` (see `internal/extraction-request.ts`).
 *
 * The task can drift (see `EpisodeContext.drift`): the drifted schema adds one required field, `delivery`
 * (`standard` or `express`), which the customer then states in the message. Prompt phrasings and the schema
 * name stay as they are — a developer added a field to the record, nothing else changed — so it is the same
 * task, and a specialist trained on the original shape now misses a field. The teacher tells the variants
 * apart by the schema in the request alone.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { createExtractionRequest, isExtractionRequest, type ExtractionShape } from './internal/extraction-request.ts';
import { extractOrderInstructions } from './internal/support-prompts.ts';
import { contentReply, createGeneratedCall, lastUserText, type SupportThread } from './internal/support-request.ts';
import { readCustomerMessage } from './read-customer-message.ts';
import { deliveryOptions, type DeliveryOption } from './support-case.ts';

export const extractOrderTask = 'support/extract-order';

/** The record the agent stores; keys in schema order, as a constrained decoder emits them. */
export interface OrderDetails {
  order_id: string;
  product: string;
  quantity: number;
  /** Only in the drifted schema; the original one has no such field. */
  delivery?: DeliveryOption;
}

const orderSchemaName = 'order_details';

const originalProperties = {
  order_id: { type: 'string', description: 'Order id as written, e.g. A7K-2931-88' },
  product: { type: 'string' },
  quantity: { type: 'integer', minimum: 1 },
};

const orderShape: ExtractionShape = {
  instructions: extractOrderInstructions,
  schemaName: orderSchemaName,
  schema: {
    type: 'object',
    properties: originalProperties,
    required: ['order_id', 'product', 'quantity'],
    additionalProperties: false,
  },
};

/** The drifted shape: same instructions and schema name, one more required field. */
const driftedOrderShape: ExtractionShape = {
  instructions: extractOrderInstructions,
  schemaName: orderSchemaName,
  schema: {
    type: 'object',
    properties: {
      ...originalProperties,
      delivery: { type: 'string', enum: deliveryOptions, description: 'Shipping option the customer chose' },
    },
    required: ['order_id', 'product', 'quantity', 'delivery'],
    additionalProperties: false,
  },
};

export interface ExtractOrderCallOptions {
  /** Send the drifted schema (with `delivery`). The case must then have been drawn `withDelivery`. */
  drifted?: boolean;
}

export function createExtractOrderCall(thread: SupportThread, random: Random, options: ExtractOrderCallOptions = {}): GeneratedCall {
  const { order } = thread.supportCase;
  const value: OrderDetails = { order_id: order.id, product: order.product, quantity: order.quantity };
  if (!options.drifted) {
    const request = createExtractionRequest(thread, random, orderShape);
    return createGeneratedCall(request, extractOrderTask, { kind: 'json', value }, thread.customerMessage.planted);
  }
  if (order.delivery === undefined) throw new Error('a drifted extract-order call needs a case drawn withDelivery');
  value.delivery = order.delivery;
  const request = createExtractionRequest(thread, random, driftedOrderShape);
  return { ...createGeneratedCall(request, extractOrderTask, { kind: 'json', value }, thread.customerMessage.planted), drifted: true };
}

/** Whether the request's schema asks for `delivery`, i.e. is the drifted shape. */
function asksForDelivery(request: ChatCompletionRequest): boolean {
  const format = request.response_format;
  if (format?.type !== 'json_schema') return false;
  const properties: unknown = format.json_schema.schema?.['properties'];
  return typeof properties === 'object' && properties !== null && 'delivery' in properties;
}

/** The details as the request's schema asks for them; undefined when the message names no order. */
function readOrderDetails(request: ChatCompletionRequest): OrderDetails | undefined {
  const reading = readCustomerMessage(lastUserText(request));
  if (!reading) return undefined;
  const details: OrderDetails = { order_id: reading.orderId, product: reading.product, quantity: reading.quantity };
  // A customer who states no option gets the shop's default, as a model filling a required enum would guess.
  if (asksForDelivery(request)) details.delivery = reading.delivery ?? 'standard';
  return details;
}

function emptyDetails(request: ChatCompletionRequest): OrderDetails {
  return asksForDelivery(request) ? { order_id: '', product: '', quantity: 1, delivery: 'standard' } : { order_id: '', product: '', quantity: 1 };
}

export const extractOrderSkill: TaskSkill = {
  task: extractOrderTask,
  agent: 'support',
  openEnded: false,
  recognise: (request) => isExtractionRequest(request, orderSchemaName),
  respond(request): TeacherReply {
    return contentReply(JSON.stringify(readOrderDetails(request) ?? emptyDetails(request)));
  },
  respondWrongly(request, random): TeacherReply {
    const details = readOrderDetails(request) ?? emptyDetails(request);
    // A drifted record can also get the new field wrong; the original draws nothing extra, so its wrong
    // answers stay what they were.
    if (details.delivery !== undefined && random.chance(1 / 3)) {
      return contentReply(JSON.stringify({ ...details, delivery: details.delivery === 'express' ? 'standard' : 'express' }));
    }
    // The two mistakes extraction models make most: a miscounted quantity, a mangled id.
    const wrong = random.chance(0.5)
      ? { ...details, quantity: details.quantity + 1 }
      : { ...details, order_id: details.order_id.replace(/-(\d{4})-/, (_whole, digits: string) => `-${[...digits].reverse().join('')}1-`) };
    return contentReply(JSON.stringify(wrong));
  },
};
