/**
 * The tool-loop agent (language-model agency): one fixed system prompt, a fixed tool set, and a growing
 * conversation in which the model chooses each next step. The agent only executes what the model asks
 * for and appends the result; the episode ends when the model replies to the user (or after a step
 * budget, as production loops cap runaway agents).
 */
import type { ChatCompletionRequest, ChatMessage } from '../../contracts/chat-completion.ts';
import type { EpisodeContext, GeneratedCall, SimulatedAgent } from '../simulated-task.ts';
import { locateRequestPii, type PlantedValue } from '../internal/locate-request-pii.ts';
import { nextToolLoopStep } from './next-step-policy.ts';
import { expectedAnswerFor, toolLoopNextStepSkill, toolLoopNextStepTask } from './next-step-skill.ts';
import { createToolLoopGoal, renderGoal, type ToolLoopGoal } from './tool-loop-goal.ts';
import { runToolLoopTool, toolLoopModel, toolLoopSystemPrompt, toolLoopTools, type ToolStep } from './tool-loop-tools.ts';

/** Longest plan (three tools) plus room for the model to retry a few failed calls. */
export const toolLoopStepBudget = 8;

/** The personal values the user's goal brings into the conversation. */
function goalPlanted(goal: ToolLoopGoal): PlantedValue[] {
  switch (goal.kind) {
    case 'flight_booking':
      return [
        { kind: 'person_name', value: goal.passenger },
        { kind: 'email', value: goal.email },
      ];
    case 'hotel_weather':
    case 'hotel_price':
      return [{ kind: 'person_name', value: goal.guest }, ...(goal.card === null ? [] : [{ kind: 'card_number' as const, value: goal.card }])];
    default:
      return [];
  }
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The call for the next step of a conversation, with ground truth from the policy over the true goal. */
export function createNextStepCall(
  goal: ToolLoopGoal,
  messages: readonly ChatMessage[],
  history: readonly ToolStep[],
  planted: readonly PlantedValue[],
): GeneratedCall {
  const request: ChatCompletionRequest = {
    model: toolLoopModel,
    messages: [...messages],
    tools: toolLoopTools,
    tool_choice: 'auto',
    parallel_tool_calls: false,
    temperature: 0,
  };
  const expected = expectedAnswerFor(nextToolLoopStep(goal, history));
  return { request, task: toolLoopNextStepTask, openEnded: expected.kind === 'open', expected, pii: locateRequestPii(request, planted) };
}

export const toolLoopAgent: SimulatedAgent = {
  name: 'toolloop',
  skills: [toolLoopNextStepSkill],
  async runEpisode(context: EpisodeContext): Promise<void> {
    const { random, split } = context;
    const goal = createToolLoopGoal(random.fork('goal'), split, context.openEndedShare);
    const messages: ChatMessage[] = [
      { role: 'system', content: toolLoopSystemPrompt },
      { role: 'user', content: renderGoal(goal, random.fork('goal-text')) },
    ];
    const planted = goalPlanted(goal);
    const history: ToolStep[] = [];
    for (let step = 0; step < toolLoopStepBudget; step += 1) {
      const completion = await context.send(createNextStepCall(goal, messages, history, planted));
      const message = completion.choices[0]?.message;
      const toolCalls = message?.tool_calls ?? [];
      // A reply without tool calls is the model's answer to the user: the loop is over.
      if (toolCalls.length === 0) return;
      messages.push({
        role: 'assistant',
        content: message?.content ?? null,
        tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } })),
      });
      const toolRandom = random.fork(`tool-${step}`);
      for (const call of toolCalls) {
        const toolArguments = parseArguments(call.function.arguments);
        const run = runToolLoopTool(call.function.name, toolArguments, history, toolRandom, split);
        planted.push(...run.planted);
        history.push({ name: call.function.name, arguments: toolArguments, result: run.result });
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(run.result) });
      }
    }
  },
};
