/**
 * The support agent's tools: their JSON-schema definitions as sent, which tool resolves which intent with
 * which arguments, and the order system's deterministic answers. Arguments carry customer data (emails,
 * IBANs, addresses), so later calls that replay the tool call carry it too.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { CustomerMessageReading } from './read-customer-message.ts';
import type { SupportCase } from './support-case.ts';
import type { SupportIntent } from './support-intents.ts';

export type SupportToolName = 'lookup_order' | 'issue_refund' | 'update_address' | 'cancel_order' | 'escalate_to_human';

export interface SupportToolCall {
  name: SupportToolName;
  arguments: Record<string, unknown>;
}

const orderIdParameter = { type: 'string', description: 'Order id, e.g. A7K-2931-88' };

function functionTool(name: SupportToolName, description: string, properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'function',
    function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } },
  };
}

/** The tool list every tool-choice request carries. */
export const supportTools: NonNullable<ChatCompletionRequest['tools']> = [
  functionTool('lookup_order', 'Look up an order: status, items, shipping and tracking.', { order_id: orderIdParameter }, ['order_id']),
  functionTool(
    'issue_refund',
    'Refund an order. Without an IBAN the money goes back to the original payment method.',
    {
      order_id: orderIdParameter,
      amount_cents: { type: 'integer', description: 'Amount to refund, in euro cents' },
      iban: { type: 'string', description: 'Only when the customer asks for a bank transfer' },
    },
    ['order_id', 'amount_cents'],
  ),
  functionTool(
    'update_address',
    'Change the delivery address of an order that has not shipped yet.',
    { order_id: orderIdParameter, new_address: { type: 'string', description: 'Full address on one line' } },
    ['order_id', 'new_address'],
  ),
  functionTool('cancel_order', 'Cancel an order before it ships.', { order_id: orderIdParameter }, ['order_id']),
  functionTool(
    'escalate_to_human',
    'Hand the case to a human agent, for complaints and anything the tools cannot resolve.',
    { order_id: orderIdParameter, customer_email: { type: 'string', description: 'When the customer gave one' } },
    ['order_id'],
  ),
];

export const supportToolNames: readonly SupportToolName[] = [
  'lookup_order',
  'issue_refund',
  'update_address',
  'cancel_order',
  'escalate_to_human',
];

const toolForIntent: Readonly<Record<SupportIntent, SupportToolName>> = {
  order_status: 'lookup_order',
  product_question: 'lookup_order',
  refund_request: 'issue_refund',
  address_change: 'update_address',
  cancel_order: 'cancel_order',
  complaint: 'escalate_to_human',
};

/** The confusions a weaker model makes: a refund handled as a cancellation, a complaint looked up only. */
export const neighbouringTool: Readonly<Record<SupportToolName, SupportToolName>> = {
  lookup_order: 'escalate_to_human',
  issue_refund: 'cancel_order',
  update_address: 'lookup_order',
  cancel_order: 'issue_refund',
  escalate_to_human: 'lookup_order',
};

/** What a customer message states, whether known from the case or read from the text. */
interface ToolFacts {
  intent: SupportIntent;
  orderId: string;
  amountCents: number | null;
  iban: string | null;
  newAddress: string | null;
  email: string | null;
}

function toolCallFromFacts(facts: ToolFacts): SupportToolCall {
  const name = toolForIntent[facts.intent];
  switch (name) {
    case 'issue_refund':
      return {
        name,
        arguments: {
          order_id: facts.orderId,
          amount_cents: facts.amountCents ?? 0,
          ...(facts.iban === null ? {} : { iban: facts.iban }),
        },
      };
    case 'update_address':
      return { name, arguments: { order_id: facts.orderId, new_address: facts.newAddress ?? '' } };
    case 'escalate_to_human':
      return { name, arguments: { order_id: facts.orderId, ...(facts.email === null ? {} : { customer_email: facts.email }) } };
    default:
      return { name, arguments: { order_id: facts.orderId } };
  }
}

/** The correct tool call for a case: the agent's ground truth. */
export function toolCallForCase(supportCase: SupportCase): SupportToolCall {
  return toolCallFromFacts({
    intent: supportCase.intent,
    orderId: supportCase.order.id,
    amountCents: supportCase.intent === 'refund_request' ? supportCase.order.totalCents : null,
    iban: supportCase.refundIban?.value ?? null,
    newAddress: supportCase.newAddress?.value ?? null,
    email: supportCase.customer.email,
  });
}

/** The tool call a reader of the message makes: the teacher's answer. */
export function toolCallForReading(reading: CustomerMessageReading): SupportToolCall {
  return toolCallFromFacts(reading);
}

function isSupportToolName(name: string): name is SupportToolName {
  return (supportToolNames as readonly string[]).includes(name);
}

/**
 * The order system's answer to a tool call, as the agent would paste it into a `tool` message. Calls for
 * another order, or tools the system does not know, fail the way real back-ends do.
 */
export function runSupportTool(supportCase: SupportCase, name: string, argumentsJson: string, random: Random): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsJson);
  } catch {
    return { error: 'invalid_arguments', message: 'arguments are not valid JSON' };
  }
  const toolArguments = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (!isSupportToolName(name)) return { error: 'unknown_tool', message: `no tool named ${name}` };
  if (toolArguments.order_id !== supportCase.order.id) return { error: 'order_not_found', order_id: toolArguments.order_id ?? null };
  const { order, customer } = supportCase;
  switch (name) {
    case 'lookup_order':
      return {
        order_id: order.id,
        status: random.pick(['processing', 'shipped', 'in_transit', 'delivered']),
        items: [{ name: order.product, quantity: order.quantity }],
        total_cents: order.totalCents,
        customer: { name: customer.name, email: customer.email },
        shipping_address: order.shippingAddress.value,
        carrier: random.pick(['DHL', 'UPS', 'DPD', 'PostNL', 'Royal Mail']),
        tracking_number: `${random.string(2, 'ABCDEFGHJKLMNPRSTUVWXYZ')}${random.int(100000000, 999999999)}`,
      };
    case 'issue_refund':
      return {
        refund_id: `RF-${random.int(100000, 999999)}`,
        order_id: order.id,
        amount_cents: toolArguments.amount_cents ?? null,
        method: typeof toolArguments.iban === 'string' ? 'bank_transfer' : 'original_payment',
        status: 'initiated',
        expected_days: random.int(3, 10),
      };
    case 'update_address':
      return { order_id: order.id, shipping_address: toolArguments.new_address ?? null, updated: true };
    case 'cancel_order':
      return { order_id: order.id, cancelled: true, refund_cents: order.totalCents };
    case 'escalate_to_human':
      return { ticket_id: `T-${random.int(10000, 99999)}`, queue: 'complaints', assigned_to: supportCase.agentName };
  }
}
