/**
 * The simulator's contracts. A *task skill* is both sides of one recurring agent call: the agent builds
 * the request from a structured payload (and so knows the true answer), and the scripted teacher reads the
 * rendered request back — like a model would, from the prompt text alone — and answers. Ground truth goes
 * to a sidecar file, never into the call.
 */
import type { ChatCompletion, ChatCompletionRequest } from '../contracts/chat-completion.ts';
import type { Random } from './random.ts';
import type { PlantedPiiKind } from '../contracts/pii-kind.ts';

export type AgentName = 'query' | 'support' | 'toolloop';
export const agentNames: readonly AgentName[] = ['query', 'support', 'toolloop'];

/** Payload values come from disjoint pools: evaluation never sees a training value. */
export type DataSplit = 'train' | 'eval';

/** What the simulator plants: the shared vocabulary of src/contracts/pii-kind.ts, less the secret kinds it never writes. */
export type PiiKind = PlantedPiiKind;

/**
 * Where a planted value sits, so a redactor can be scored: `text.slice(start, end) === value`, where text
 * is the message's `content` string or the JSON `arguments` string of one of its tool calls (offsets into
 * the string exactly as sent — inside JSON the value appears as JSON writes it).
 */
export interface PiiSpan {
  kind: PiiKind;
  value: string;
  /** Country of a phone number, IBAN, address or national id (ISO 3166-1 alpha-2). */
  country?: string;
  messageIndex: number;
  location: 'content' | 'tool_arguments';
  /** For `tool_arguments`: which tool call of the message. */
  toolCallIndex?: number;
  start: number;
  end: number;
}

/** What a correct answer is. Open-ended calls have no single right answer. */
export type ExpectedAnswer =
  /** Exact (after trimming) text, e.g. an intent label or a comma-separated table list. */
  | { kind: 'text'; text: string }
  /** A JSON object in the message content; compared by deep equality. */
  | { kind: 'json'; value: unknown }
  /** Tool calls, compared by name and parsed arguments (order-insensitive for parallel calls). */
  | { kind: 'tool_calls'; calls: Array<{ name: string; arguments: Record<string, unknown> }> }
  /** SQL in the content, correct when its result on `database` equals the gold query's result. */
  | { kind: 'sql'; sql: string; database: string }
  /** Needs the LLM: any well-formed, on-topic answer. */
  | { kind: 'open' };

/** Ground truth for one call, one JSON line of the sidecar file. */
export interface GroundTruth {
  version: 1;
  episodeId: string;
  /** 0-based index of the call within its episode (calls of an episode are sequential). */
  step: number;
  agent: AgentName;
  task: string;
  openEnded: boolean;
  split: DataSplit;
  expected: ExpectedAnswer;
  pii: PiiSpan[];
  /** sha256 (hex) of the JSON request body as sent, to join this line to the logged call. */
  requestSha256: string;
  /** True when the call used its task's drifted variant (see `EpisodeContext.drift`); absent otherwise, as in files written before drift existed. */
  drifted?: true;
}

/** A call an agent is about to send, with what it knows to be true about it. */
export interface GeneratedCall {
  request: ChatCompletionRequest;
  task: string;
  openEnded: boolean;
  expected: ExpectedAnswer;
  pii: PiiSpan[];
  /** Set when the call is its task's drifted variant; absent for every other call. */
  drifted?: true;
}

/** The teacher's answer before it is wrapped as a chat completion. */
export type TeacherReply =
  | { kind: 'content'; content: string }
  | { kind: 'tool_calls'; calls: Array<{ name: string; arguments: string }>; content?: string | null };

/**
 * One recurring task. `recognise` and `respond` are the teacher's reading of a request — prompt text,
 * tools and schema only, no side channel — and must agree with what the agent's generator knew.
 */
export interface TaskSkill {
  /** Stable id, `<agent>/<name>`, e.g. `support/classify-intent`. */
  readonly task: string;
  readonly agent: AgentName;
  readonly openEnded: boolean;
  /** Whether this request is an instance of the task. Exactly one skill recognises any simulated request. */
  recognise(request: ChatCompletionRequest): boolean;
  /** The correct answer, read from the request alone. Free text varies with `random`. */
  respond(request: ChatCompletionRequest, random: Random): TeacherReply;
  /** A plausible wrong answer, for the teacher's configured error rate. */
  respondWrongly(request: ChatCompletionRequest, random: Random): TeacherReply;
}

export interface EpisodeContext {
  episodeId: string;
  random: Random;
  split: DataSplit;
  /** Target share of open-ended calls (default 0.3); agents steer their optional open-ended steps by it. */
  openEndedShare: number;
  /** Sends one call through the gateway, records its ground truth, and returns the completion. Throws on HTTP errors. */
  send(call: GeneratedCall): Promise<ChatCompletion>;
  /**
   * Task drift: the tasks (ids among the agent's `driftableTasks`) whose drifted variant this episode sends,
   * e.g. `support/extract-order` with one more required schema field. Absent or empty, every task is sent as
   * it always was, byte for byte; an agent ignores ids it does not own.
   */
  drift?: ReadonlySet<string>;
}

/** A seeded agent that runs multi-step episodes, reacting to the answers it gets like a real agent. */
export interface SimulatedAgent {
  readonly name: AgentName;
  /** Every task this agent's episodes can produce (the teacher's skills). */
  readonly skills: readonly TaskSkill[];
  /** Tasks with a drifted variant that `EpisodeContext.drift` can switch on; absent when none can drift. */
  readonly driftableTasks?: readonly string[];
  runEpisode(context: EpisodeContext): Promise<void>;
}
