/**
 * Renders a support case as the customer wrote it: an email, a chat message or a multi-message thread,
 * with backstory of realistic length, and the personal values the customer put in it recorded for ground
 * truth. Every sentence comes from `customer-phrasings.ts`, which the teacher reads back.
 */
import type { Random } from '../random.ts';
import {
  addressSentences,
  amountSentences,
  apiKeySentences,
  birthDateSentences,
  cardSentences,
  chatIntroductions,
  contactSentencesPhoneOnly,
  contactSentencesWithoutPhone,
  contactSentencesWithPhone,
  deliverySentences,
  exportIntroductions,
  fillerSentences,
  greetings,
  ibanSentences,
  intentBodies,
  orderLines,
  signOffs,
  threadAcknowledgements,
  threadFollowUps,
} from './internal/customer-phrasings.ts';
import { fillTemplate, substituteSlot } from '../internal/slot-template.ts';
import type { PlantedValue } from '../internal/locate-request-pii.ts';
import type { SupportCase } from './support-case.ts';

export interface RenderedCustomerMessage {
  text: string;
  /** Every personal value in `text`; offsets are found later, in the request as sent. */
  planted: PlantedValue[];
}

/** Amounts appear as `€45.90` or `EUR 45.90`, both common in European shops. */
export function formatAmount(cents: number, random: Random): string {
  const digits = (cents / 100).toFixed(2);
  return random.chance(0.6) ? `€${digits}` : `EUR ${digits}`;
}

/** The planted values a case always brings, whichever sentences mention them. */
export function plantedValuesOf(supportCase: SupportCase): PlantedValue[] {
  const planted: PlantedValue[] = [
    { kind: 'person_name', value: supportCase.customer.name },
    { kind: 'person_name', value: supportCase.agentName },
    { kind: 'street_address', ...supportCase.order.shippingAddress },
  ];
  if (supportCase.customer.email !== null) planted.push({ kind: 'email', value: supportCase.customer.email });
  if (supportCase.customer.phone) planted.push({ kind: 'phone', ...supportCase.customer.phone });
  if (supportCase.customer.dateOfBirth !== null) planted.push({ kind: 'date_of_birth', value: supportCase.customer.dateOfBirth });
  if (supportCase.newAddress) planted.push({ kind: 'street_address', ...supportCase.newAddress });
  if (supportCase.refundIban) planted.push({ kind: 'iban', ...supportCase.refundIban });
  if (supportCase.card?.fullNumber) planted.push({ kind: 'card_number', value: supportCase.card.fullNumber });
  if (supportCase.pastedApiKey) planted.push({ kind: 'api_key', value: supportCase.pastedApiKey });
  return planted;
}

/** The order export a customer pastes: what shop back-ends really send, PII included. */
function renderExport(supportCase: SupportCase, random: Random): string {
  const exported = {
    order_id: supportCase.order.id,
    placed_at: `2026-${String(random.int(1, 10)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`,
    status: random.pick(['processing', 'shipped', 'delivered']),
    customer: {
      name: supportCase.customer.name,
      email: supportCase.customer.email,
      phone: supportCase.customer.phone?.value ?? null,
    },
    shipping_address: supportCase.order.shippingAddress.value,
    // Only drifted cases have a delivery option; JSON.stringify leaves the key out otherwise.
    shipping_method: supportCase.order.delivery,
    items: [{ sku: `SKU-${random.int(10000, 99999)}`, name: supportCase.order.product, qty: supportCase.order.quantity }],
    total: (supportCase.order.totalCents / 100).toFixed(2),
    currency: 'EUR',
  };
  const json = random.chance(0.5) ? JSON.stringify(exported, null, 2) : JSON.stringify(exported);
  return `${random.pick(exportIntroductions)}\n${json}`;
}

/** The sentences of the customer's first message, in reading order, without greeting or signature. */
function bodySentences(supportCase: SupportCase, random: Random): string[] {
  const orderLine = random.pick(orderLines);
  const body = substituteSlot(random.pick(intentBodies[supportCase.intent]), 'orderLine', orderLine);
  const sentences = [
    fillTemplate(body, {
      orderId: supportCase.order.id,
      quantity: String(supportCase.order.quantity),
      product: supportCase.order.product,
    }),
  ];
  // Its own fork: the rest of the message is drawn exactly as in a case without a delivery option.
  const { delivery } = supportCase.order;
  if (delivery !== undefined) sentences.push(random.fork('delivery').pick(deliverySentences[delivery]));
  const fillers = random.sample(fillerSentences, random.weighted<number>([[0, 3], [1, 3], [2, 2], [4, 1]]));
  if (supportCase.intent === 'refund_request') {
    sentences.push(fillTemplate(random.pick(amountSentences), { amount: formatAmount(supportCase.order.totalCents, random) }));
  }
  if (supportCase.newAddress) sentences.push(fillTemplate(random.pick(addressSentences), { address: supportCase.newAddress.value }));
  if (supportCase.refundIban) sentences.push(fillTemplate(random.pick(ibanSentences), { iban: supportCase.refundIban.value }));
  if (supportCase.card) sentences.push(fillTemplate(random.pick(cardSentences), { card: supportCase.card.text }));
  sentences.push(...fillers);
  if (supportCase.pastedApiKey) sentences.push(fillTemplate(random.pick(apiKeySentences), { apiKey: supportCase.pastedApiKey }));
  const { email, phone, dateOfBirth } = supportCase.customer;
  if (dateOfBirth !== null) sentences.push(fillTemplate(random.pick(birthDateSentences), { dateOfBirth }));
  if (email !== null && phone) sentences.push(fillTemplate(random.pick(contactSentencesWithPhone), { email, phone: phone.value }));
  else if (email !== null) sentences.push(fillTemplate(random.pick(contactSentencesWithoutPhone), { email }));
  else if (phone) sentences.push(fillTemplate(random.pick(contactSentencesPhoneOnly), { phone: phone.value }));
  return sentences;
}

function renderEmail(supportCase: SupportCase, random: Random): string {
  const greeting = fillTemplate(random.pick(greetings), { company: supportCase.company });
  const sentences = bodySentences(supportCase, random);
  // Emails group sentences into short paragraphs; the pasted export always stands alone.
  const paragraphs: string[] = [];
  for (let index = 0; index < sentences.length; index += 2) paragraphs.push(sentences.slice(index, index + 2).join(' '));
  if (supportCase.includesExport) paragraphs.splice(paragraphs.length - 1, 0, renderExport(supportCase, random));
  return `${greeting}\n\n${paragraphs.join('\n\n')}\n\n${random.pick(signOffs)}\n${supportCase.customer.name}`;
}

function renderChat(supportCase: SupportCase, random: Random): string {
  const introduction = fillTemplate(random.pick(chatIntroductions), { name: supportCase.customer.name });
  const text = [introduction, ...bodySentences(supportCase, random)].join(' ');
  return supportCase.includesExport ? `${text}\n${renderExport(supportCase, random)}` : text;
}

function renderThread(supportCase: SupportCase, random: Random): string {
  const { name, email } = supportCase.customer;
  const customerHeader = email === null ? `From: ${name}` : `From: ${name} <${email}>`;
  const agentHeader = `From: ${supportCase.agentName} (${supportCase.company} Support)`;
  const followUp = fillTemplate(random.pick(threadFollowUps), { days: String(random.int(2, 12)) });
  return [
    `${customerHeader}\nSubject: Order ${supportCase.order.id}\n\n${renderEmail(supportCase, random)}`,
    `${agentHeader}\n\n${random.pick(threadAcknowledgements)}\n\n${supportCase.agentName}`,
    `${customerHeader}\n\n${followUp}\n\n${name}`,
  ].join('\n\n---\n\n');
}

/** Renders the customer's message in the case's channel. */
export function renderCustomerMessage(supportCase: SupportCase, random: Random): RenderedCustomerMessage {
  const text =
    supportCase.channel === 'email'
      ? renderEmail(supportCase, random)
      : supportCase.channel === 'chat'
        ? renderChat(supportCase, random)
        : renderThread(supportCase, random);
  return { text, planted: plantedValuesOf(supportCase) };
}
