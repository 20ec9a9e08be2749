/**
 * `support/classify-intent`: the first call of a support episode, a label from a fixed set. Closed: the
 * label is checked exactly.
 */
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill } from '../simulated-task.ts';
import { fillTemplate } from '../internal/slot-template.ts';
import { classifySystemPrompts } from './internal/support-prompts.ts';
import {
  contentReply,
  createGeneratedCall,
  lastUserText,
  supportModel,
  systemPromptIndex,
  wrapCustomerMessage,
  type SupportThread,
} from './internal/support-request.ts';
import { readCustomerMessage } from './read-customer-message.ts';
import { neighbouringIntent } from './support-intents.ts';

export const classifyIntentTask = 'support/classify-intent';

export function createClassifyIntentCall(thread: SupportThread, random: Random): GeneratedCall {
  const { supportCase, customerMessage } = thread;
  const request = {
    model: supportModel,
    messages: [
      { role: 'system' as const, content: fillTemplate(random.pick(classifySystemPrompts), { company: supportCase.company }) },
      { role: 'user' as const, content: wrapCustomerMessage(customerMessage.text, random) },
    ],
    temperature: 0,
    max_tokens: 10,
  };
  return createGeneratedCall(request, classifyIntentTask, { kind: 'text', text: supportCase.intent }, customerMessage.planted);
}

export const classifyIntentSkill: TaskSkill = {
  task: classifyIntentTask,
  agent: 'support',
  openEnded: false,
  recognise: (request) => systemPromptIndex(request, classifySystemPrompts) !== undefined,
  respond(request) {
    const reading = readCustomerMessage(lastUserText(request));
    // An unreadable message is still a support message; the commonest intent is the honest guess.
    return contentReply(reading?.intent ?? 'order_status');
  },
  respondWrongly(request) {
    const reading = readCustomerMessage(lastUserText(request));
    return contentReply(neighbouringIntent(reading?.intent ?? 'order_status'));
  },
};
