/**
 * LLM-as-judge, pairwise against the reference: for free text where string metrics cannot tell a good
 * paraphrase from a wrong answer. The judge is any completion function the caller wires to a configured
 * provider; this module only builds the prompt and reads the verdicts.
 *
 * Position bias: judges favour one slot (usually the first). We ask twice with the answers swapped and count
 * the candidate as good only when both orders call it equal or better (MT-Bench's swap rule, Zheng et al. 2023).
 */
import type { ChatMessage } from '../contracts/chat-completion.ts';
import type { AssistantAnswer } from './assistant-answer.ts';

export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

export type JudgeVerdict = 'candidate_ok' | 'reference_better' | 'inconsistent' | 'unparseable';

export interface JudgePairwiseInput {
  /** The conversation both answers reply to (the call's request messages). */
  prompt: ReadonlyArray<ChatMessage>;
  reference: AssistantAnswer;
  candidate: AssistantAnswer;
  /** Sends messages to the judge model and returns its text reply; provider errors propagate to the caller. */
  complete: (messages: JudgeMessage[]) => Promise<string>;
}

export interface JudgePairwiseResult {
  /**
   * candidate_ok: both orders judge the candidate at least as good; reference_better: both prefer the
   * reference; inconsistent: the verdict flipped with the order (position bias, or a true toss-up);
   * unparseable: a reply was not exactly one of A, B, TIE.
   */
  verdict: JudgeVerdict;
  /** The judge's two replies: reference shown first, then candidate shown first. */
  raw: string[];
}

const judgeInstructions = [
  'You are an impartial judge. You see a conversation and two replies, A and B, each written as the assistant\'s next turn.',
  'Decide which reply better does what the conversation asks: correctness first, then completeness, then following the instructions and the requested format.',
  'Length, tone and wording do not matter unless the conversation asks for them. Tool calls count as part of a reply.',
  'If both replies are equally good, or equally bad, the answer is TIE.',
  'Reply with exactly one word: A, B or TIE.',
].join('\n');

/**
 * Asks the judge twice (reference as A, then candidate as A) and combines the verdicts.
 *
 * @example
 * const { verdict } = await judgePairwise({ prompt: request.messages, reference, candidate, complete: (messages) => provider.complete(messages) });
 */
export async function judgePairwise(input: JudgePairwiseInput): Promise<JudgePairwiseResult> {
  const conversation = renderConversation(input.prompt);
  const [referenceFirst, candidateFirst] = await Promise.all([
    input.complete(judgeMessages(conversation, input.reference, input.candidate)),
    input.complete(judgeMessages(conversation, input.candidate, input.reference)),
  ]);
  const raw = [referenceFirst, candidateFirst];
  const first = parseVerdict(referenceFirst);
  const second = parseVerdict(candidateFirst);
  if (first === undefined || second === undefined) return { verdict: 'unparseable', raw };
  // Round one shows the candidate as B, round two as A.
  const candidateOkFirst = first === 'B' || first === 'TIE';
  const candidateOkSecond = second === 'A' || second === 'TIE';
  if (candidateOkFirst && candidateOkSecond) return { verdict: 'candidate_ok', raw };
  if (first === 'A' && second === 'B') return { verdict: 'reference_better', raw };
  return { verdict: 'inconsistent', raw };
}

/**
 * A strict one-word verdict: A, B or TIE, any case, with nothing around it but whitespace, quotes, Markdown
 * emphasis or a final full stop. "A is better" is unparseable on purpose — a judge that does not follow the
 * format is not to be trusted on the substance either.
 */
export function parseVerdict(reply: string): 'A' | 'B' | 'TIE' | undefined {
  const match = /^[\s"'`*]*(a|b|tie)[\s"'`*.]*$/iu.exec(reply);
  return match ? (match[1]!.toUpperCase() as 'A' | 'B' | 'TIE') : undefined;
}

function judgeMessages(conversation: string, first: AssistantAnswer, second: AssistantAnswer): JudgeMessage[] {
  return [
    { role: 'system', content: judgeInstructions },
    {
      role: 'user',
      content: `## Conversation\n${conversation}\n\n## Reply A\n${renderAnswer(first)}\n\n## Reply B\n${renderAnswer(second)}\n\nWhich reply is better? Answer with one word: A, B or TIE.`,
    },
  ];
}

function renderAnswer(answer: AssistantAnswer): string {
  const calls = answer.toolCalls.map((call) => `[tool call] ${call.name}(${call.arguments})`);
  return [answer.content ?? '', ...calls].filter((part) => part.trim() !== '').join('\n') || '(empty reply)';
}

function renderConversation(messages: ReadonlyArray<ChatMessage>): string {
  return messages
    .map((message) => {
      const content = typeof message.content === 'string' ? message.content : Array.isArray(message.content) ? message.content.map(renderPart).join('') : '';
      const calls = (message.tool_calls ?? []).flatMap((call) => (call.function ? [`[tool call] ${call.function.name}(${call.function.arguments})`] : []));
      return `[${message.role}]\n${[content, ...calls].filter(Boolean).join('\n')}`;
    })
    .join('\n\n');
}

function renderPart(part: { type: string; [key: string]: unknown }): string {
  return part.type === 'text' && typeof part['text'] === 'string' ? part['text'] : `[${part.type}]`;
}
