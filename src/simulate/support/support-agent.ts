/**
 * The support agent (code agency): the code decides the flow, the model fills in each step. One episode
 * is one customer case: classify, extract, act through a tool, reply, and now and then summarise the
 * thread or chat. Later steps depend on the answers the model gave, not on the truth, the way a real
 * pipeline propagates a wrong label.
 */
import type { ChatCompletion } from '../../contracts/chat-completion.ts';
import type { EpisodeContext, SimulatedAgent } from '../simulated-task.ts';
import { chatSkill, createChatCall, startChatConversation } from './chat-skill.ts';
import { chooseToolSkill, createChooseToolCall } from './choose-tool-skill.ts';
import { classifyIntentSkill, createClassifyIntentCall } from './classify-intent-skill.ts';
import { createDraftReplyCall, draftReplySkill, type ToolExchange } from './draft-reply-skill.ts';
import { createExtractContactCall, extractContactSkill } from './extract-contact-skill.ts';
import { createExtractOrderCall, extractOrderSkill, extractOrderTask } from './extract-order-skill.ts';
import type { SupportThread } from './internal/support-request.ts';
import { renderCustomerMessage } from './render-customer-message.ts';
import { createSupportCase } from './support-case.ts';
import { isSupportIntent } from './support-intents.ts';
import { runSupportTool } from './support-tools.ts';
import { createSummarizeThreadCall, summarizeThreadSkill } from './summarize-thread-skill.ts';

/** Expected open-ended steps per unit of probability: draft (1) + summary (1) + chat (about 2 turns). */
const openStepsAtCertainty = 4;

/**
 * The chance of each optional open-ended step that makes their share of an episode's calls about
 * `share`, given the closed calls an episode makes (classify, one or two extractions, a tool choice).
 */
export function openStepProbability(share: number, closedCalls = 3.6): number {
  if (share <= 0) return 0;
  if (share >= 1) return 1;
  return Math.min(1, (share * closedCalls) / (1 - share) / openStepsAtCertainty);
}

function firstMessage(completion: ChatCompletion): ChatCompletion['choices'][number]['message'] | undefined {
  return completion.choices[0]?.message;
}

export const supportAgent: SimulatedAgent = {
  name: 'support',
  skills: [
    classifyIntentSkill,
    extractOrderSkill,
    extractContactSkill,
    chooseToolSkill,
    draftReplySkill,
    summarizeThreadSkill,
    chatSkill,
  ],
  // The drifted extract-order asks for the delivery option too; the customer states it in every call of
  // the episode (one sentence more, drawn from its own fork), the other tasks' answers stay the same.
  driftableTasks: [extractOrderTask],
  async runEpisode(context: EpisodeContext): Promise<void> {
    const { random, split } = context;
    const orderDrifted = context.drift?.has(extractOrderTask) ?? false;
    const supportCase = createSupportCase(random.fork('case'), split, { withDelivery: orderDrifted });
    const thread: SupportThread = { supportCase, customerMessage: renderCustomerMessage(supportCase, random.fork('message')) };
    const flow = random.fork('flow');
    const openProbability = openStepProbability(context.openEndedShare);

    const classified = await context.send(createClassifyIntentCall(thread, random.fork('classify')));
    const label = (firstMessage(classified)?.content ?? '').trim();
    const intent = isSupportIntent(label) ? label : null;

    await context.send(createExtractOrderCall(thread, random.fork('extract-order'), { drifted: orderDrifted }));
    // Contact details matter when someone has to get back to the customer outside the chat.
    if (intent === 'complaint' || intent === 'refund_request' || flow.chance(0.5)) {
      await context.send(createExtractContactCall(thread, random.fork('extract-contact')));
    }

    let exchange: ToolExchange | null = null;
    // An unusable label sends the case straight to a human reply, as a defensive pipeline would.
    if (intent !== null) {
      const chosen = await context.send(createChooseToolCall(thread, random.fork('choose-tool')));
      const toolCall = firstMessage(chosen)?.tool_calls?.[0];
      if (toolCall) {
        exchange = {
          callId: toolCall.id,
          name: toolCall.function.name,
          argumentsJson: toolCall.function.arguments,
          result: runSupportTool(supportCase, toolCall.function.name, toolCall.function.arguments, random.fork('tool-result')),
        };
      }
    }

    let sentReply: string | null = null;
    if (flow.chance(openProbability)) {
      const drafted = await context.send(createDraftReplyCall(thread, exchange, random.fork('draft-reply')));
      sentReply = firstMessage(drafted)?.content ?? null;
    }
    if (flow.chance(openProbability)) {
      await context.send(createSummarizeThreadCall(thread, sentReply, random.fork('summarize')));
    }
    if (flow.chance(openProbability)) {
      const chatRandom = random.fork('chat');
      const conversation = startChatConversation(supportCase, chatRandom);
      const turns = chatRandom.int(1, 3);
      for (let turn = 0; turn < turns; turn += 1) {
        const answered = await context.send(createChatCall(conversation, supportCase, chatRandom));
        conversation.messages.push({ role: 'assistant', content: firstMessage(answered)?.content ?? '' });
      }
    }
  },
};
