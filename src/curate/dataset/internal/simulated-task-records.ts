/**
 * Test data only: realistic logged calls per simulator task, with real episode ids, so dataset tests run
 * on the simulator's paraphrased prompts and payload pools rather than on hand-guessed traffic. Agents run
 * in-process and are answered by the scripted teacher's skills (error rate 0), as in
 * bench/internal/collect-simulated-calls.ts; curate's own code never imports this file.
 */
import type { CallRecord } from '../../../contracts/call-record.ts';
import { resolveSimulatedAgents } from '../../../simulate/driver/simulated-agents.ts';
import { createRandom } from '../../../simulate/random.ts';
import type { TaskSkill } from '../../../simulate/simulated-task.ts';
import { answerAsTeacher } from '../../../simulate/teacher/answer-as-teacher.ts';
import { buildTeacherCompletion } from '../../../simulate/teacher/internal/teacher-completion.ts';
import { createTestCallRecord } from '../../../store/internal/call-record-fixture.ts';

export async function createSimulatedTaskRecords(options: { agents: string; episodesPerAgent: number; seed: string }): Promise<Map<string, CallRecord[]>> {
  const agents = resolveSimulatedAgents(options.agents);
  const skills: TaskSkill[] = agents.flatMap((agent) => [...agent.skills]);
  const byTask = new Map<string, CallRecord[]>();
  let sequence = 0;
  for (const agent of agents) {
    for (let episode = 0; episode < options.episodesPerAgent; episode += 1) {
      const episodeId = `${options.seed}-${agent.name}-${episode}`;
      await agent.runEpisode({
        episodeId,
        random: createRandom(episodeId),
        split: 'train',
        openEndedShare: 0.3,
        async send(call) {
          sequence += 1;
          const answer = answerAsTeacher(call.request, skills, { errorRate: 0, random: createRandom(`${episodeId}/${sequence}`) });
          let toolCallNumber = 0;
          const completion = buildTeacherCompletion(call.request, answer.reply, { id: `chatcmpl-${sequence}`, created: 0, model: 'teacher' }, () => `call_${sequence}_${(toolCallNumber += 1)}`);
          const record = createTestCallRecord({
            id: `call-${String(sequence).padStart(6, '0')}`,
            episodeId,
            task: call.task,
            startedAt: 1_750_000_000_000 + sequence,
            request: call.request as Record<string, unknown>,
            response: completion,
            finishReason: completion.choices[0]?.finish_reason ?? null,
          });
          const list = byTask.get(call.task) ?? [];
          list.push(record);
          byTask.set(call.task, list);
          return completion;
        },
      });
    }
  }
  return byTask;
}
