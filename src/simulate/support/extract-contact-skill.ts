/**
 * `support/extract-contact`: who wrote and how to reach them, as JSON under a strict schema. Shares its
 * prompt skeleton with `support/extract-order` (see `internal/extraction-request.ts`).
 */
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { createExtractionRequest, isExtractionRequest, type ExtractionShape } from './internal/extraction-request.ts';
import { extractContactInstructions } from './internal/support-prompts.ts';
import { contentReply, createGeneratedCall, lastUserText, type SupportThread } from './internal/support-request.ts';
import { readCustomerMessage } from './read-customer-message.ts';

export const extractContactTask = 'support/extract-contact';

export interface ContactDetails {
  name: string | null;
  email: string | null;
  /** Null when the customer gave no number: the schema forbids guessing. */
  phone: string | null;
}

const contactShape: ExtractionShape = {
  instructions: extractContactInstructions,
  schemaName: 'contact_details',
  schema: {
    type: 'object',
    properties: {
      name: { type: ['string', 'null'] },
      email: { type: ['string', 'null'] },
      phone: { type: ['string', 'null'], description: 'As written by the customer' },
    },
    required: ['name', 'email', 'phone'],
    additionalProperties: false,
  },
};

export function createExtractContactCall(thread: SupportThread, random: Random): GeneratedCall {
  const { customer } = thread.supportCase;
  const value: ContactDetails = { name: customer.name, email: customer.email, phone: customer.phone?.value ?? null };
  const request = createExtractionRequest(thread, random, contactShape);
  return createGeneratedCall(request, extractContactTask, { kind: 'json', value }, thread.customerMessage.planted);
}

function readContactDetails(text: string): ContactDetails {
  const reading = readCustomerMessage(text);
  return { name: reading?.name ?? null, email: reading?.email ?? null, phone: reading?.phone ?? null };
}

export const extractContactSkill: TaskSkill = {
  task: extractContactTask,
  agent: 'support',
  openEnded: false,
  recognise: (request) => isExtractionRequest(request, contactShape.schemaName),
  respond: (request): TeacherReply => contentReply(JSON.stringify(readContactDetails(lastUserText(request)))),
  respondWrongly(request): TeacherReply {
    const details = readContactDetails(lastUserText(request));
    // A missed phone number, or the name turned round as in a "Last, First" directory.
    const reversed = (details.name ?? '').split(' ').reverse().join(' ');
    const wrong =
      details.phone !== null
        ? { ...details, phone: null }
        : { ...details, name: reversed === details.name ? `${reversed} Jr.` : reversed };
    return contentReply(JSON.stringify(wrong));
  },
};
