/**
 * Realistic calls for each simulator task, with their true answers: runs agent episodes whose `send` is
 * answered by the scripted teacher's skills (error rate 0), exactly as a simulated run through the gateway
 * would be, and keeps every generated call. Used to measure a base model on the tasks before any
 * specialist exists.
 */
import type { ChatCompletion } from '../../src/contracts/chat-completion.ts';
import { createRandom } from '../../src/simulate/random.ts';
import type { DataSplit, GeneratedCall, SimulatedAgent, TaskSkill } from '../../src/simulate/simulated-task.ts';
import { answerAsTeacher } from '../../src/simulate/teacher/answer-as-teacher.ts';
import { buildTeacherCompletion } from '../../src/simulate/teacher/internal/teacher-completion.ts';

export interface CollectedCall {
  call: GeneratedCall;
  /** The teacher's (correct) completion, used as a few-shot example answer. */
  completion: ChatCompletion;
  split: DataSplit;
  episodeId: string;
}

export async function collectSimulatedCalls(options: {
  agents: readonly SimulatedAgent[];
  episodesPerAgent: number;
  split: DataSplit;
  seed: string;
}): Promise<Map<string, CollectedCall[]>> {
  const skills: TaskSkill[] = options.agents.flatMap((agent) => [...agent.skills]);
  const byTask = new Map<string, CollectedCall[]>();
  let sequence = 0;
  for (const agent of options.agents) {
    for (let episode = 0; episode < options.episodesPerAgent; episode += 1) {
      const episodeId = `baseline-${options.seed}-${agent.name}-${options.split}-${episode}`;
      await agent.runEpisode({
        episodeId,
        random: createRandom(episodeId),
        split: options.split,
        openEndedShare: 0.3,
        async send(call) {
          sequence += 1;
          const answer = answerAsTeacher(call.request, skills, { errorRate: 0, random: createRandom(`${episodeId}/${sequence}`) });
          let toolCallNumber = 0;
          const completion = buildTeacherCompletion(call.request, answer.reply, { id: `chatcmpl-baseline-${sequence}`, created: 0, model: 'teacher' }, () => `call_${sequence}_${(toolCallNumber += 1)}`);
          const list = byTask.get(call.task) ?? [];
          list.push({ call, completion, split: options.split, episodeId });
          byTask.set(call.task, list);
          return completion;
        },
      });
    }
  }
  return byTask;
}
