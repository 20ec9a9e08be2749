/**
 * `support/draft-reply`: the customer-facing answer, written after the tool ran. Open-ended: many replies
 * are right, so ground truth says `open`, and the teacher's answer is one plausible reply among many.
 * The request replays the assistant's tool call and the tool's result, as a real agent loop does.
 */
import type { ChatCompletionRequest, ChatMessage } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill } from '../simulated-task.ts';
import { fillTemplate } from '../internal/slot-template.ts';
import { draftReplySystemPrompts } from './internal/support-prompts.ts';
import {
  contentReply,
  createGeneratedCall,
  lastUserText,
  matchSystemPrompt,
  supportModel,
  wrapCustomerMessage,
  type SupportThread,
} from './internal/support-request.ts';
import { readCustomerMessage } from './read-customer-message.ts';

export const draftReplyTask = 'support/draft-reply';

/** The tool call the agent made and what the order system answered, replayed into the reply request. */
export interface ToolExchange {
  callId: string;
  name: string;
  argumentsJson: string;
  result: Record<string, unknown>;
}

export function createDraftReplyCall(thread: SupportThread, exchange: ToolExchange | null, random: Random): GeneratedCall {
  const { supportCase, customerMessage } = thread;
  const messages: ChatMessage[] = [
    {
      role: 'system',
      content: fillTemplate(random.pick(draftReplySystemPrompts), { company: supportCase.company, agent: supportCase.agentName }),
    },
    { role: 'user', content: wrapCustomerMessage(customerMessage.text, random) },
  ];
  if (exchange) {
    messages.push(
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: exchange.callId, type: 'function', function: { name: exchange.name, arguments: exchange.argumentsJson } }],
      },
      { role: 'tool', tool_call_id: exchange.callId, content: JSON.stringify(exchange.result) },
    );
  }
  const request: ChatCompletionRequest = { model: supportModel, messages, temperature: 0.7 };
  return createGeneratedCall(request, draftReplyTask, { kind: 'open' }, customerMessage.planted);
}

function lastToolResult(request: ChatCompletionRequest): Record<string, unknown> | undefined {
  const last = request.messages[request.messages.length - 1];
  if (last?.role !== 'tool' || typeof last.content !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(last.content);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What happened, in the customer's terms, from the tool's answer. */
function actionSentence(result: Record<string, unknown> | undefined, orderId: string): string {
  if (!result) return `Thank you for getting in touch about order ${orderId}. I have looked into it and will keep you posted.`;
  if (typeof result.error === 'string') return `I could not find order ${orderId} in our system yet; could you double-check the order number for me?`;
  if (typeof result.refund_id === 'string') {
    return `I have started your refund (${result.refund_id}); the money should reach you within ${String(result.expected_days)} days.`;
  }
  if (result.cancelled === true) return `Your order ${orderId} has been cancelled and you will not be charged.`;
  if (result.updated === true) return `I have updated the delivery address for order ${orderId}.`;
  if (typeof result.ticket_id === 'string') return `I am sorry about your experience. I have passed your case (${result.ticket_id}) to a senior colleague who will contact you personally.`;
  if (typeof result.status === 'string') return `Your order ${orderId} is currently ${result.status.replace('_', ' ')}${typeof result.carrier === 'string' ? ` with ${result.carrier}` : ''}.`;
  return `Thank you for your message about order ${orderId}.`;
}

export const draftReplySkill: TaskSkill = {
  task: draftReplyTask,
  agent: 'support',
  openEnded: true,
  recognise: (request) => matchSystemPrompt(request, draftReplySystemPrompts) !== undefined,
  respond(request, random) {
    const reading = readCustomerMessage(lastUserText(request));
    const agent = matchSystemPrompt(request, draftReplySystemPrompts)?.slots.agent ?? 'Customer Support';
    const addressee = reading?.name ?? 'customer';
    const greeting = random.pick(['Dear', 'Hi', 'Hello']);
    const closing = random.pick([
      'Let me know if there is anything else I can do.',
      'Thank you for your patience.',
      'We appreciate your business.',
    ]);
    const signOff = random.pick(['Best regards,', 'Kind regards,', 'Warm wishes,']);
    const action = actionSentence(lastToolResult(request), reading?.orderId ?? 'your order');
    return contentReply(`${greeting} ${addressee},\n\n${action}\n\n${closing}\n\n${signOff}\n${agent}`);
  },
  respondWrongly() {
    // Off-topic boilerplate: well-formed, but answers a message nobody sent.
    return contentReply('Thank you for your kind feedback! We are delighted that you enjoyed your purchase.');
  },
};
