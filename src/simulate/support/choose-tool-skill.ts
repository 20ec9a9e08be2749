/**
 * `support/choose-tool`: pick the back-office tool for the request and fill its arguments from the
 * customer's message. Closed: compared by tool name and parsed arguments.
 */
import type { Random } from '../random.ts';
import type { GeneratedCall, TaskSkill, TeacherReply } from '../simulated-task.ts';
import { fillTemplate } from '../internal/slot-template.ts';
import { chooseToolSystemPrompts } from './internal/support-prompts.ts';
import {
  createGeneratedCall,
  lastUserText,
  supportModel,
  systemPromptIndex,
  wrapCustomerMessage,
  type SupportThread,
} from './internal/support-request.ts';
import { readCustomerMessage } from './read-customer-message.ts';
import { neighbouringTool, supportTools, toolCallForCase, toolCallForReading, type SupportToolCall } from './support-tools.ts';

export const chooseToolTask = 'support/choose-tool';

export function createChooseToolCall(thread: SupportThread, random: Random): GeneratedCall {
  const { supportCase, customerMessage } = thread;
  const request = {
    model: supportModel,
    messages: [
      { role: 'system' as const, content: fillTemplate(random.pick(chooseToolSystemPrompts), { company: supportCase.company }) },
      { role: 'user' as const, content: wrapCustomerMessage(customerMessage.text, random) },
    ],
    tools: supportTools,
    tool_choice: random.pick(['auto', 'required']),
    parallel_tool_calls: false,
    temperature: 0,
  };
  const expected = toolCallForCase(supportCase);
  return createGeneratedCall(request, chooseToolTask, { kind: 'tool_calls', calls: [expected] }, customerMessage.planted);
}

function toReply(call: SupportToolCall): TeacherReply {
  return { kind: 'tool_calls', calls: [{ name: call.name, arguments: JSON.stringify(call.arguments) }], content: null };
}

function isChooseToolRequest(request: Parameters<TaskSkill['recognise']>[0]): boolean {
  const last = request.messages[request.messages.length - 1];
  return (request.tools?.length ?? 0) > 0 && last?.role === 'user' && systemPromptIndex(request, chooseToolSystemPrompts) !== undefined;
}

export const chooseToolSkill: TaskSkill = {
  task: chooseToolTask,
  agent: 'support',
  openEnded: false,
  recognise: isChooseToolRequest,
  respond(request) {
    const reading = readCustomerMessage(lastUserText(request));
    if (!reading) return { kind: 'content', content: 'I could not find an order in this message.' };
    return toReply(toolCallForReading(reading));
  },
  respondWrongly(request) {
    const reading = readCustomerMessage(lastUserText(request));
    if (!reading) return { kind: 'tool_calls', calls: [{ name: 'escalate_to_human', arguments: '{}' }], content: null };
    const right = toolCallForReading(reading);
    return toReply({ name: neighbouringTool[right.name], arguments: { order_id: reading.orderId } });
  },
};
