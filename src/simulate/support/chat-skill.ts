/**
 * `support/chat`: free conversation in the shop's website chat, growing turn by turn. Open-ended: there
 * is no single right answer to "do you ship to Switzerland?" without the shop's real policies.
 */
import type { ChatCompletionRequest, ChatMessage } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill } from '../simulated-task.ts';
import { fillTemplate } from '../internal/slot-template.ts';
import { chatFollowUps, chatQuestions, chatSystemPrompts } from './internal/support-prompts.ts';
import { contentReply, createGeneratedCall, lastUserText, matchSystemPrompt, supportModel } from './internal/support-request.ts';
import type { PlantedValue } from '../internal/locate-request-pii.ts';
import type { SupportCase } from './support-case.ts';

export const chatTask = 'support/chat';

/** A chat in progress: the system prompt is fixed for the conversation, turns accumulate. */
export interface ChatConversation {
  messages: ChatMessage[];
  planted: PlantedValue[];
}

export function startChatConversation(supportCase: SupportCase, random: Random): ChatConversation {
  return {
    messages: [{ role: 'system', content: fillTemplate(random.pick(chatSystemPrompts), { company: supportCase.company }) }],
    planted: supportCase.customer.email === null ? [] : [{ kind: 'email', value: supportCase.customer.email }],
  };
}

/** Adds the customer's next turn (a question first, then follow-ups) and builds the call. */
export function createChatCall(conversation: ChatConversation, supportCase: SupportCase, random: Random): GeneratedCall {
  const isFirst = conversation.messages.length === 1;
  const { email } = supportCase.customer;
  // Only a customer who has an address can volunteer it.
  const followUps = email === null ? chatFollowUps.filter((followUp) => !followUp.includes('{email}')) : chatFollowUps;
  const turn = isFirst ? random.pick(chatQuestions) : fillTemplate(random.pick(followUps), { email: email ?? '' });
  conversation.messages.push({ role: 'user', content: turn });
  const request: ChatCompletionRequest = { model: supportModel, messages: [...conversation.messages], temperature: 0.8 };
  return createGeneratedCall(request, chatTask, { kind: 'open' }, conversation.planted);
}

const answers: ReadonlyArray<readonly [RegExp, string]> = [
  [/ship to|delivery/i, 'We ship to most European countries; delivery usually takes 2-5 working days.'],
  [/return/i, 'Returns are free within 30 days; refunds are processed within about a week of arrival.'],
  [/pay/i, 'We accept cards, PayPal and bank transfer.'],
  [/store/i, 'We are online only at the moment, but you can pick up orders at partner shops.'],
  [/discount|voucher/i, 'Students get 10% off with a verified account; vouchers cannot be combined.'],
  [/password|account/i, 'You can reset your password from the login page via "Forgot password".'],
  [/recommend/i, 'For running, our lightweight wireless models with ear hooks are the most popular.'],
  [/gift card/i, 'Yes, gift cards are available from 10 to 200 euros.'],
  [/membership/i, 'Premium includes free express shipping and early access to sales.'],
  [/warranty/i, 'All products come with at least a two-year warranty.'],
  [/cost|how much/i, 'That is free of charge for orders above 50 euros, otherwise 4.90 euros.'],
];

export const chatSkill: TaskSkill = {
  task: chatTask,
  agent: 'support',
  openEnded: true,
  recognise: (request) => matchSystemPrompt(request, chatSystemPrompts) !== undefined,
  respond(request, random) {
    const question = lastUserText(request);
    const answer = answers.find(([pattern]) => pattern.test(question))?.[1];
    if (answer) return contentReply(answer);
    return contentReply(
      random.pick(['You are welcome! Anything else I can help with?', 'Happy to help. Is there anything else?', 'Sure - let me know if you have more questions.']),
    );
  },
  respondWrongly() {
    return contentReply('I am sorry, I can only answer questions about your order number.');
  },
};
