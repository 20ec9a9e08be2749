/**
 * Request plumbing shared by the support skills: building the user message around a customer's text,
 * reading the parts of a request the teacher looks at, and turning a built request into a `GeneratedCall`
 * with its PII spans located in the request exactly as sent.
 */
import type { ChatCompletionRequest } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import type { ExpectedAnswer, GeneratedCall, TeacherReply } from '../../simulated-task.ts';
import { locateRequestPii, type PlantedValue } from '../../internal/locate-request-pii.ts';
import type { RenderedCustomerMessage } from '../render-customer-message.ts';
import type { SupportCase } from '../support-case.ts';
import { fillTemplate, matchTemplates } from '../../internal/slot-template.ts';
import { customerMessageWrappers, promptSlotPatterns } from './support-prompts.ts';

/** The model a support deck of this kind typically calls. */
export const supportModel = 'gpt-4o-mini';

/** What every support call of one episode starts from. */
export interface SupportThread {
  supportCase: SupportCase;
  customerMessage: RenderedCustomerMessage;
}

/** The text of the first system (or developer) message, or '' when there is none. */
export function systemText(request: ChatCompletionRequest): string {
  const first = request.messages[0];
  if (!first || (first.role !== 'system' && first.role !== 'developer')) return '';
  return typeof first.content === 'string' ? first.content : '';
}

/** The text of the last user message, or '' when there is none. */
export function lastUserText(request: ChatCompletionRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index]!;
    if (message.role === 'user') return typeof message.content === 'string' ? message.content : '';
  }
  return '';
}

/** Which phrasing of `prompts` the request's system message is, with its slot values, or undefined. */
export function matchSystemPrompt(
  request: ChatCompletionRequest,
  prompts: readonly string[],
): { index: number; slots: Record<string, string> } | undefined {
  const text = systemText(request);
  if (text === '') return undefined;
  // NUL sentinels anchor the match: the whole system message must be this phrasing, not merely contain it.
  return matchTemplates(
    prompts.map((prompt) => `\u0000${prompt}\u0000`),
    `\u0000${text}\u0000`,
    promptSlotPatterns,
  );
}

export function systemPromptIndex(request: ChatCompletionRequest, prompts: readonly string[]): number | undefined {
  return matchSystemPrompt(request, prompts)?.index;
}

/** The customer's text as an agent pastes it into a prompt: quoted, tagged, or bare. */
export function wrapCustomerMessage(text: string, random: Random): string {
  return fillTemplate(random.pick(customerMessageWrappers), { message: text, ticket: String(random.int(100000, 999999)) });
}

export function contentReply(content: string): TeacherReply {
  return { kind: 'content', content };
}

/** Finishes a call: PII spans are located in the request exactly as it will be serialised. */
export function createGeneratedCall(
  request: ChatCompletionRequest,
  task: string,
  expected: ExpectedAnswer,
  planted: readonly PlantedValue[],
): GeneratedCall {
  return { request, task, openEnded: expected.kind === 'open', expected, pii: locateRequestPii(request, planted) };
}
