/**
 * How a trained specialist is prompted, in one place for training, evaluation and serving, so the three can never
 * disagree:
 *
 * - `task-prompt` (micro specialists trained from scratch): the final user message alone (task-prompt.ts).
 * - `chat-template` with a shared context: the model's chat template over the request, less the system prompt
 *   and the tools' descriptions where every training example carried the very same ones (see
 *   `SharedPromptContext`). The tools still constrain the answer (the engine's grammar); they are only not
 *   shown. A request whose system prompt or tools differ from the learned ones is a `mismatch`: the router
 *   escalates it rather than letting the specialist guess.
 * - `chat-template` without a shared context: the request as it is.
 */
import type { ChatMessage } from '../../contracts/chat-completion.ts';
import { canonicalJson, sha256Hex } from '../../contracts/canonical-json.ts';
import { UnderstudyError } from '../../contracts/errors.ts';
import type { SharedPromptContext } from '../../contracts/shared-prompt-context.ts';
import type { EngineRequest, EngineTool } from './specialist-engine.ts';
import { compactTaskPrompt } from './task-prompt.ts';

export type SpecialistPromptFormat = 'chat-template' | 'task-prompt';

export interface SpecialistPrompt {
  /** Why this call lies outside what the specialist learned (a different system prompt or tools), or null. */
  mismatch(messages: readonly ChatMessage[], tools: readonly EngineTool[] | undefined): string | null;
  /** The request as the specialist sees it; throws `invalid_request` on a mismatch. */
  prepare(request: EngineRequest): EngineRequest;
}

/** One training example's prompt side: the messages before the answer and the tools offered. */
export interface PromptExample {
  messages: readonly ChatMessage[];
  tools?: readonly EngineTool[] | undefined;
}

export function specialistPrompt(format: SpecialistPromptFormat, context: SharedPromptContext | null): SpecialistPrompt {
  if (format === 'task-prompt') {
    return { mismatch: () => null, prepare: (request) => ({ ...request, messages: compactTaskPrompt(request.messages) }) };
  }
  if (context === null || (context.system === null && context.tools === null)) {
    return { mismatch: () => null, prepare: (request) => request };
  }
  return {
    mismatch: (messages, tools) => contextMismatch(messages, tools, context),
    prepare(request) {
      const problem = contextMismatch(request.messages, request.tools, context);
      if (problem !== null) throw new UnderstudyError('invalid_request', `This specialist cannot answer the call: ${problem}.`, { param: 'messages' });
      return leaveOutSharedContext(request, context);
    },
  };
}

/**
 * What every example shares: the leading system messages when all examples have the same (non-empty) ones, the
 * tools when all offer the same (non-empty) set. Fewer than two examples share nothing worth learning.
 */
export function findSharedPromptContext(examples: Iterable<PromptExample>): SharedPromptContext {
  let system: string | null | undefined;
  let tools: string | null | undefined;
  let count = 0;
  for (const example of examples) {
    count += 1;
    const leading = leadingSystemMessages(example.messages);
    const systemHere = leading.length === 0 ? null : systemDigest(leading);
    const toolsHere = example.tools === undefined || example.tools.length === 0 ? null : toolsDigest(example.tools);
    system = system === undefined || system === systemHere ? systemHere : null;
    tools = tools === undefined || tools === toolsHere ? toolsHere : null;
  }
  if (count < 2) return { system: null, tools: null };
  return { system: system ?? null, tools: tools ?? null };
}

/** The request without the parts the specialist learned: the caller has checked there is no mismatch. */
export function leaveOutSharedContext(request: EngineRequest, context: SharedPromptContext): EngineRequest {
  const messages = context.system === null ? request.messages : request.messages.slice(leadingSystemMessages(request.messages).length);
  return { ...request, messages, ...(context.tools === null ? {} : { showTools: false }) };
}

/** sha256 of the leading system (and developer) messages as role and text. */
export function systemDigest(messages: readonly ChatMessage[]): string {
  return sha256Hex(canonicalJson(messages.map((message) => ({ role: message.role, text: messageText(message) }))));
}

/** sha256 of the tools by name, description and parameters, in name order (the order a client lists them in is not meaningful). */
export function toolsDigest(tools: readonly EngineTool[]): string {
  const normalised = tools
    .map((tool) => ({ name: tool.function.name, description: tool.function.description ?? null, parameters: tool.function.parameters ?? null }))
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  return sha256Hex(canonicalJson(normalised));
}

function contextMismatch(messages: readonly ChatMessage[], tools: readonly EngineTool[] | undefined, context: SharedPromptContext): string | null {
  if (context.system !== null) {
    const leading = leadingSystemMessages(messages);
    if (leading.length === 0) return 'the call has no system prompt, and the specialist learned one';
    if (systemDigest(leading) !== context.system) return 'its system prompt differs from the one the specialist learned';
  }
  if (context.tools !== null) {
    if (tools === undefined || tools.length === 0) return 'the call offers no tools, and the specialist learned a set';
    if (toolsDigest(tools) !== context.tools) return 'the tools offered differ from those the specialist learned';
  }
  return null;
}

function leadingSystemMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  const leading: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'developer') break;
    leading.push(message);
  }
  return leading;
}

function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return (message.content ?? []).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
}
