/**
 * One customer's support case: the structured truth behind an episode. The agent draws a case, renders the
 * customer's message from it once, and sends that same message in every call of the episode, so the
 * classification, extraction and tool-choice calls of one conversation agree with each other as they do in
 * a real support desk.
 */
import type { Random } from '../random.ts';
import type { DataSplit } from '../simulated-task.ts';
import {
  apiKey,
  cardNumber,
  dateOfBirth,
  emailAddress,
  iban,
  personName,
  phoneNumber,
  streetAddress,
  type CountryValue,
} from '../world/pii-generators.ts';
import { maybe } from '../world/pii-plan.ts';
import { valuePools } from '../world/value-pools.ts';
import { supportIntents, type SupportIntent } from './support-intents.ts';

export type SupportChannel = 'email' | 'chat' | 'thread';

/** The shipping option of an order, as the drifted `support/extract-order` schema asks for it. */
export type DeliveryOption = 'standard' | 'express';
export const deliveryOptions: readonly DeliveryOption[] = ['standard', 'express'];

export interface SupportCase {
  company: string;
  intent: SupportIntent;
  channel: SupportChannel;
  customer: {
    name: string;
    /** Null only in chats, where a logged-in customer often gives no address. */
    email: string | null;
    /** Many customers leave no phone number. */
    phone: CountryValue | null;
    /** Given now and then "for verification", in whatever format the customer types dates. */
    dateOfBirth: string | null;
  };
  order: {
    id: string;
    product: string;
    quantity: number;
    totalCents: number;
    /** As the shop stores it, possibly multi-line: it only appears inside JSON (exports, tool results). */
    shippingAddress: CountryValue;
    /**
     * Set only for cases drawn `withDelivery` (task drift, see `createSupportCase`), and then the customer
     * states it. Absent, the message names no shipping option, exactly as before drift existed.
     */
    delivery?: DeliveryOption;
  };
  /** Only for address changes: where the order should go now. */
  newAddress: CountryValue | null;
  /** Only for some refund requests: the account the customer wants the money on. */
  refundIban: CountryValue | null;
  /** How the customer mentions their card, when they do; `fullNumber` is set when they paste all digits. */
  card: { text: string; fullNumber: string | null } | null;
  /** Customers occasionally paste secrets they should not. */
  pastedApiKey: string | null;
  /** Whether the message carries a pasted JSON order export. */
  includesExport: boolean;
  /** The support colleague who signs replies and thread answers. */
  agentName: string;
}

const orderIdLetters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Order ids look like `A7K-2931-88`: distinctive enough that a reader finds them in free text. */
export function createOrderId(random: Random): string {
  return `${random.string(1, orderIdLetters)}${random.int(1, 9)}${random.string(1, orderIdLetters)}-${random.int(1000, 9999)}-${random.int(10, 99)}`;
}

/** Addresses are written on one line in sentences, so a multi-line postal format is joined with commas. */
function oneLine(value: string): string {
  return value.replace(/\s*\n\s*/g, ', ');
}

/**
 * How much likelier a kind is in a ticket's opening message than in the average support message the
 * world's rate table describes: the first message is where customers put their details.
 */
const openingMessageBoost = { phone: 3, iban: 12, card_number: 8, api_key: 6, date_of_birth: 2, email: 2 } as const;

export interface SupportCaseOptions {
  /**
   * Also draw the order's delivery option, which the customer then states (the drifted
   * `support/extract-order` asks for it). It comes from its own fork, so every other value of the case is
   * the one the same random state gives without it.
   */
  withDelivery?: boolean;
}

/** Draws a case. Inclusion rates follow the world's PII plan, boosted for a ticket's opening message. */
export function createSupportCase(random: Random, split: DataSplit, options: SupportCaseOptions = {}): SupportCase {
  const pools = valuePools(split);
  const intent = random.pick(supportIntents);
  const channel = random.weighted<SupportChannel>([
    ['email', 5],
    ['chat', 3],
    ['thread', 2],
  ]);
  const name = personName(random, split);
  const product = random.pick(pools.products);
  const quantity = random.weighted<number>([
    [1, 6],
    [2, 2],
    [3, 1],
    [4, 0.5],
  ]);
  const shipping = streetAddress(random, split);
  // Emails carry the sender's address in their header; a logged-in chat user often gives none.
  const hasEmail = channel !== 'chat' || maybe(random, 'email', { rate: openingMessageBoost.email });
  const email = hasEmail ? emailAddress(random, split, name) : null;
  const phone = maybe(random, 'phone', { rate: openingMessageBoost.phone }) ? phoneNumber(random) : null;
  const newAddress = intent === 'address_change' ? streetAddress(random, split) : null;
  const wantsTransfer = maybe(random, 'iban', { rate: openingMessageBoost.iban });
  const refundIban = intent === 'refund_request' && wantsTransfer ? iban(random) : null;
  let card: SupportCase['card'] = null;
  if (maybe(random, 'card_number', { rate: openingMessageBoost.card_number })) {
    const number = cardNumber(random);
    card = random.chance(0.4)
      ? { text: number, fullNumber: number }
      : { text: `ending in ${number.replace(/\D/g, '').slice(-4)}`, fullNumber: null };
  }
  const pastedApiKey = maybe(random, 'api_key', { rate: openingMessageBoost.api_key }) ? apiKey(random) : null;
  const birthDate = maybe(random, 'date_of_birth', { rate: openingMessageBoost.date_of_birth }) ? dateOfBirth(random) : null;
  const supportCase: SupportCase = {
    company: random.pick(pools.companies),
    intent,
    channel,
    customer: { name, email, phone, dateOfBirth: birthDate },
    order: {
      id: createOrderId(random),
      product: product.name,
      quantity,
      totalCents: product.priceCents * quantity,
      shippingAddress: shipping,
    },
    newAddress: newAddress && { value: oneLine(newAddress.value), country: newAddress.country },
    refundIban,
    card,
    pastedApiKey,
    includesExport: random.chance(0.2),
    agentName: personName(random, split),
  };
  if (options.withDelivery) {
    supportCase.order.delivery = random.fork('delivery').weighted<DeliveryOption>([
      ['standard', 3],
      ['express', 2],
    ]);
  }
  return supportCase;
}
