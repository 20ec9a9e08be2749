/**
 * The support agent's intent labels. A fixed set, as a real intent router has; `neighbouringIntent` is the
 * confusion a weaker model makes (a refund read as a cancellation), used for the teacher's wrong answers.
 */
export const supportIntents = [
  'order_status',
  'refund_request',
  'address_change',
  'cancel_order',
  'product_question',
  'complaint',
] as const;

export type SupportIntent = (typeof supportIntents)[number];

const neighbours: Readonly<Record<SupportIntent, SupportIntent>> = {
  order_status: 'complaint',
  refund_request: 'cancel_order',
  address_change: 'order_status',
  cancel_order: 'refund_request',
  product_question: 'order_status',
  complaint: 'refund_request',
};

/** The label a model most plausibly confuses with this one. */
export function neighbouringIntent(intent: SupportIntent): SupportIntent {
  return neighbours[intent];
}

export function isSupportIntent(text: string): text is SupportIntent {
  return (supportIntents as readonly string[]).includes(text);
}
