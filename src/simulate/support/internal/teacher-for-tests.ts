/**
 * A minimal in-process teacher for tests: finds the one skill that recognises a request and wraps its
 * reply as a chat completion, so agent episodes can run without a gateway or server.
 */
import type { ChatCompletion, ChatCompletionRequest } from '../../../contracts/chat-completion.ts';
import type { Random } from '../../random.ts';
import type { TaskSkill, TeacherReply } from '../../simulated-task.ts';

export function completionFromReply(reply: TeacherReply): ChatCompletion {
  const message: ChatCompletion['choices'][number]['message'] =
    reply.kind === 'content'
      ? { role: 'assistant', content: reply.content }
      : {
          role: 'assistant',
          content: reply.content ?? null,
          tool_calls: reply.calls.map((call, index) => ({
            id: `call_${index}_${call.name}`,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        };
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'teacher',
    choices: [{ index: 0, message, finish_reason: reply.kind === 'content' ? 'stop' : 'tool_calls' }],
  };
}

/** The skills that recognise a request; a correct simulator always yields exactly one. */
export function recognisingSkills(skills: readonly TaskSkill[], request: ChatCompletionRequest): TaskSkill[] {
  return skills.filter((skill) => skill.recognise(request));
}

/** Answers a request as the teacher would, correctly; throws when recognition is not unique. */
export function teacherAnswer(skills: readonly TaskSkill[], request: ChatCompletionRequest, random: Random): ChatCompletion {
  const matching = recognisingSkills(skills, request);
  if (matching.length !== 1) {
    throw new Error(`expected one skill, got ${matching.map((skill) => skill.task).join(', ') || 'none'}`);
  }
  return completionFromReply(matching[0]!.respond(request, random));
}
