/**
 * `support/summarize-thread`: an internal handover note for the whole conversation. Open-ended: a summary
 * has no single right wording, so ground truth says `open`.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill } from '../simulated-task.ts';
import { fillTemplate } from '../internal/slot-template.ts';
import { summarizeThreadSystemPrompts } from './internal/support-prompts.ts';
import { contentReply, createGeneratedCall, lastUserText, matchSystemPrompt, supportModel, type SupportThread } from './internal/support-request.ts';
import { readCustomerMessage } from './read-customer-message.ts';

export const summarizeThreadTask = 'support/summarize-thread';

/**
 * The thread as the agent pastes it: the customer's message, then the reply it sent (when it sent one),
 * under the support colleague's header.
 */
export function createSummarizeThreadCall(thread: SupportThread, sentReply: string | null, random: Random): GeneratedCall {
  const { supportCase, customerMessage } = thread;
  const parts = [`Customer:\n${customerMessage.text}`];
  if (sentReply !== null) parts.push(`${supportCase.agentName} (${supportCase.company} Support):\n${sentReply}`);
  const request: ChatCompletionRequest = {
    model: supportModel,
    messages: [
      { role: 'system', content: fillTemplate(random.pick(summarizeThreadSystemPrompts), { company: supportCase.company }) },
      { role: 'user', content: parts.join('\n\n=====\n\n') },
    ],
    temperature: 0.3,
  };
  return createGeneratedCall(request, summarizeThreadTask, { kind: 'open' }, customerMessage.planted);
}

export const summarizeThreadSkill: TaskSkill = {
  task: summarizeThreadTask,
  agent: 'support',
  openEnded: true,
  recognise: (request) => matchSystemPrompt(request, summarizeThreadSystemPrompts) !== undefined,
  respond(request, random) {
    const text = lastUserText(request);
    const reading = readCustomerMessage(text);
    if (!reading) return contentReply('Customer wrote in; no order details could be identified. Needs a human look.');
    const answered = text.includes('=====');
    const topic = reading.intent.replace('_', ' ');
    const lead = random.pick(['Customer', 'The customer', 'Requester']);
    const who = reading.name ?? 'unknown';
    return contentReply(
      `${lead} ${who} contacted us about order ${reading.orderId} (${reading.quantity} x ${reading.product}): ${topic}. ` +
        (answered ? 'We replied and the case is waiting for the customer.' : 'No reply has been sent yet; the case is open.'),
    );
  },
  respondWrongly(request) {
    const reading = readCustomerMessage(lastUserText(request));
    return contentReply(`Customer asked a general question${reading ? ` about ${reading.product}` : ''}; nothing to do.`);
  },
};
