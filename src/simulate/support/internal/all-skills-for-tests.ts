/**
 * Every skill of the support and tool-loop agents, for the tests that check recognition is unique across
 * agents, not only within one.
 */
import type { TaskSkill } from '../../simulated-task.ts';
import { toolLoopAgent } from '../../tool-loop/tool-loop-agent.ts';
import { supportAgent } from '../support-agent.ts';

export const allSimulatedSkills: readonly TaskSkill[] = [...supportAgent.skills, ...toolLoopAgent.skills];
