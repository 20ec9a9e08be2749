/**
 * `toolloop/next-step`: one task for every call of the tool-loop agent, "the next step under this prompt".
 * The teacher reads the goal from the first user message and the steps taken from the assistant tool
 * calls and tool results in the conversation, then applies the same policy as the agent. Tool steps are
 * closed (compared by name and arguments); the final reply to the user is open-ended.
 */
import type { ChatCompletionRequest } from '../../contracts/chat-completion.ts';
import type { Random } from '../random.ts';
import type { ExpectedAnswer, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { nextToolLoopStep, type ToolLoopStep } from './next-step-policy.ts';
import { readGoal } from './tool-loop-goal.ts';
import { toolLoopSystemPrompt, type ToolStep } from './tool-loop-tools.ts';

export const toolLoopNextStepTask = 'toolloop/next-step';

/** Ground truth for a step: tool steps are exact, the final reply is open. */
export function expectedAnswerFor(step: ToolLoopStep): ExpectedAnswer {
  return step.kind === 'reply' ? { kind: 'open' } : { kind: 'tool_calls', calls: [{ name: step.name, arguments: step.arguments }] };
}

function parseObject(text: string | null | undefined): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The steps taken so far, as the conversation records them: each tool call joined to its result. */
export function readToolHistory(request: ChatCompletionRequest): ToolStep[] {
  const results = new Map<string, Record<string, unknown>>();
  for (const message of request.messages) {
    if (message.role === 'tool' && message.tool_call_id !== undefined) {
      results.set(message.tool_call_id, parseObject(typeof message.content === 'string' ? message.content : null));
    }
  }
  const history: ToolStep[] = [];
  for (const message of request.messages) {
    if (message.role !== 'assistant') continue;
    for (const call of message.tool_calls ?? []) {
      if (!call.function) continue;
      history.push({ name: call.function.name, arguments: parseObject(call.function.arguments), result: results.get(call.id) ?? { error: 'no_result' } });
    }
  }
  return history;
}

function firstUserText(request: ChatCompletionRequest): string {
  const first = request.messages.find((message) => message.role === 'user');
  return typeof first?.content === 'string' ? first.content : '';
}

/** The step the teacher takes: the policy over the goal it read; a goal it cannot read gets a question back. */
function readNextStep(request: ChatCompletionRequest): { step: ToolLoopStep; history: ToolStep[] } | undefined {
  const goal = readGoal(firstUserText(request));
  if (!goal) return undefined;
  const history = readToolHistory(request);
  return { step: nextToolLoopStep(goal, history), history };
}

function toolReply(name: string, toolArguments: Record<string, unknown>): TeacherReply {
  return { kind: 'tool_calls', calls: [{ name, arguments: JSON.stringify(toolArguments) }], content: null };
}

/** What each finished step means to the user, for the closing summary. */
function describeStep(step: ToolStep): string | undefined {
  const result = step.result;
  if (result.error !== undefined) return undefined;
  switch (step.name) {
    case 'book_flight':
      return `I booked flight ${String(result.flight_id)} for ${String(result.passenger_name)} (booking reference ${String(result.booking_reference)}).`;
    case 'send_email':
      return `I sent the confirmation to ${String(result.to)}.`;
    case 'book_hotel': {
      const price = (result.total_price ?? {}) as { amount?: unknown; currency?: unknown };
      return `I reserved ${String(result.hotel)} in ${String(result.city)} from ${String(result.check_in)} for ${String(result.nights)} night(s), ${String(price.amount)} ${String(price.currency)} in total.`;
    }
    case 'get_weather':
      return `The forecast for ${String(result.city)} on ${String(result.date)} is ${String(result.forecast)}, ${String(result.low_c)} to ${String(result.high_c)} °C.`;
    case 'convert_currency':
      return `${String(result.amount)} ${String(result.from)} is about ${String(result.converted)} ${String(result.to)}.`;
    default:
      return undefined;
  }
}

function finalReply(history: readonly ToolStep[], random: Random): TeacherReply {
  const parts = history.map(describeStep).filter((part): part is string => part !== undefined);
  const opener = random.pick(['All done!', 'Done.', 'Here you go:', 'Everything is sorted.']);
  const body = parts.length === 0 ? 'I could not complete any step.' : parts.join(' ');
  return { kind: 'content', content: `${opener} ${body}` };
}

/** A plausible slip for each tool: the arguments a careless model fills in. */
function perturb(name: string, toolArguments: Record<string, unknown>, history: readonly ToolStep[]): Record<string, unknown> | undefined {
  switch (name) {
    case 'search_flights':
      return { ...toolArguments, origin: toolArguments.destination, destination: toolArguments.origin };
    case 'book_flight': {
      const search = [...history].reverse().find((step) => step.name === 'search_flights');
      const flights = Array.isArray(search?.result.flights) ? (search.result.flights as Array<{ flight_id?: unknown }>) : [];
      const other = flights.map((flight) => flight.flight_id).find((id) => typeof id === 'string' && id !== toolArguments.flight_id);
      return other === undefined ? undefined : { ...toolArguments, flight_id: other };
    }
    case 'book_hotel':
      return { ...toolArguments, nights: Number(toolArguments.nights) + 1 };
    case 'convert_currency':
      return { ...toolArguments, from: toolArguments.to, to: toolArguments.from };
    case 'get_weather':
    case 'get_calendar':
      return { ...toolArguments, date: '2026-11-20' };
    default:
      return undefined;
  }
}

export const toolLoopNextStepSkill: TaskSkill = {
  task: toolLoopNextStepTask,
  agent: 'toolloop',
  openEnded: false,
  recognise: (request) =>
    request.messages[0]?.role === 'system' && request.messages[0].content === toolLoopSystemPrompt && (request.tools?.length ?? 0) > 0,
  respond(request, random) {
    const reading = readNextStep(request);
    if (!reading) return { kind: 'content', content: 'Could you tell me a bit more about what you need?' };
    const { step, history } = reading;
    return step.kind === 'tool' ? toolReply(step.name, step.arguments) : finalReply(history, random);
  },
  respondWrongly(request) {
    const reading = readNextStep(request);
    if (!reading) return toolReply('get_calendar', { date: '2026-11-20' });
    const { step, history } = reading;
    if (step.kind === 'reply') {
      // Not knowing when to stop: the last call again.
      const last = history[history.length - 1];
      return last ? toolReply(last.name, last.arguments) : toolReply('get_calendar', { date: '2026-11-20' });
    }
    const wrong = perturb(step.name, step.arguments, history);
    // Stopping early, the other classic agent failure, where no argument slip is plausible.
    return wrong ? toolReply(step.name, wrong) : { kind: 'content', content: 'All done! Let me know if you need anything else.' };
  },
};
