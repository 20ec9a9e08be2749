/**
 * The support agent (code agency) and its task skills. Also the request-level PII locator and the slot
 * templates, which the tool-loop agent reuses.
 */
export { supportAgent, openStepProbability } from './support-agent.ts';
export { classifyIntentSkill, classifyIntentTask, createClassifyIntentCall } from './classify-intent-skill.ts';
export { extractOrderSkill, extractOrderTask, createExtractOrderCall, type ExtractOrderCallOptions, type OrderDetails } from './extract-order-skill.ts';
export { extractContactSkill, extractContactTask, createExtractContactCall, type ContactDetails } from './extract-contact-skill.ts';
export { chooseToolSkill, chooseToolTask, createChooseToolCall } from './choose-tool-skill.ts';
export { draftReplySkill, draftReplyTask, createDraftReplyCall, type ToolExchange } from './draft-reply-skill.ts';
export { summarizeThreadSkill, summarizeThreadTask, createSummarizeThreadCall } from './summarize-thread-skill.ts';
export { chatSkill, chatTask, createChatCall, startChatConversation, type ChatConversation } from './chat-skill.ts';
export { createSupportCase, createOrderId, deliveryOptions, type DeliveryOption, type SupportCase, type SupportCaseOptions, type SupportChannel } from './support-case.ts';
export { renderCustomerMessage, plantedValuesOf, type RenderedCustomerMessage } from './render-customer-message.ts';
export { readCustomerMessage, type CustomerMessageReading } from './read-customer-message.ts';
export { supportIntents, neighbouringIntent, isSupportIntent, type SupportIntent } from './support-intents.ts';
export { supportTools, supportToolNames, runSupportTool, toolCallForCase, type SupportToolName } from './support-tools.ts';
export { locateRequestPii, type PlantedValue } from '../internal/locate-request-pii.ts';
export { fillTemplate, matchTemplates, templatePattern, substituteSlot } from '../internal/slot-template.ts';
