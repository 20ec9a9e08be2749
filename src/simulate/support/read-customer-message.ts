/**
 * The teacher's reading of a customer message: it finds the sentences customers write (the same phrasings
 * the agent renders from) and pulls out intent, order and contact details. This is the scripted stand-in
 * for a model's comprehension; it sees only the text as sent.
 */
import {
  addressSentences,
  amountSentences,
  chatIntroductions,
  contactSentencesPhoneOnly,
  contactSentencesWithoutPhone,
  contactSentencesWithPhone,
  customerSlotPatterns,
  deliverySentences,
  ibanSentences,
  intentBodies,
  orderLines,
  signOffs,
} from './internal/customer-phrasings.ts';
import { matchTemplates, substituteSlot } from '../internal/slot-template.ts';
import { deliveryOptions, type DeliveryOption } from './support-case.ts';
import { supportIntents, type SupportIntent } from './support-intents.ts';

export interface CustomerMessageReading {
  intent: SupportIntent;
  orderId: string;
  product: string;
  quantity: number;
  /** Stated amount in cents, when the customer gives one (refund requests do). */
  amountCents: number | null;
  iban: string | null;
  newAddress: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** The shipping option the customer states; null when they state none (messages before task drift). */
  delivery: DeliveryOption | null;
}

/** Every intent body combined with every order line, in a fixed order, read as one template each. */
const bodyTemplates: ReadonlyArray<{ intent: SupportIntent; template: string }> = supportIntents.flatMap((intent) =>
  intentBodies[intent].flatMap((body) => orderLines.map((line) => ({ intent, template: substituteSlot(body, 'orderLine', line) }))),
);

function parseAmountCents(amount: string): number {
  return Math.round(Number(amount.replace(/^(?:€|EUR )/, '')) * 100);
}

function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The customer's header, `From: Name` or `From: Name <email>`; the support colleague's has a parenthesis. */
const threadHeaderPattern = /^From: ([^\n<(]+?)(?: <[^\n>]+>)?$/m;
const signOffPattern = new RegExp(`(?:^|\\n)(?:${signOffs.map(escapeForPattern).join('|')})\\n([^\\n]+)(?:\\n|$)`);

/** The customer's name: from a thread header, an email signature, or a chat opener. */
function readName(text: string): string | null {
  const header = threadHeaderPattern.exec(text);
  if (header) return header[1]!.trim();
  const signature = signOffPattern.exec(text);
  if (signature) return signature[1]!.trim();
  return matchTemplates(chatIntroductions, text)?.slots.name ?? null;
}

function readDelivery(text: string): DeliveryOption | null {
  return deliveryOptions.find((option) => deliverySentences[option].some((sentence) => text.includes(sentence))) ?? null;
}

/** Reads a customer message; undefined when it contains no recognisable request about an order. */
export function readCustomerMessage(text: string): CustomerMessageReading | undefined {
  let body: { intent: SupportIntent; slots: Record<string, string> } | undefined;
  for (const candidate of bodyTemplates) {
    const match = matchTemplates([candidate.template], text, customerSlotPatterns);
    if (match) {
      body = { intent: candidate.intent, slots: match.slots };
      break;
    }
  }
  if (!body) return undefined;
  const amount = matchTemplates(amountSentences, text, customerSlotPatterns)?.slots.amount;
  const contact =
    matchTemplates(contactSentencesWithPhone, text, customerSlotPatterns) ??
    matchTemplates(contactSentencesWithoutPhone, text, customerSlotPatterns) ??
    matchTemplates(contactSentencesPhoneOnly, text, customerSlotPatterns);
  return {
    intent: body.intent,
    orderId: body.slots.orderId!,
    product: body.slots.product!,
    quantity: Number(body.slots.quantity),
    amountCents: amount === undefined ? null : parseAmountCents(amount),
    iban: matchTemplates(ibanSentences, text, customerSlotPatterns)?.slots.iban ?? null,
    newAddress: matchTemplates(addressSentences, text, customerSlotPatterns)?.slots.address ?? null,
    name: readName(text),
    email: contact?.slots.email ?? null,
    phone: contact?.slots.phone ?? null,
    delivery: readDelivery(text),
  };
}
