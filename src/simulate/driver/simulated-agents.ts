/**
 * The simulated agents by name, as the CLI and the benchmark select them (`--agents query,support,toolloop`).
 * One registry, so every entry point runs the same agents and the teacher always knows every skill.
 */
import { UnderstudyError } from '../../contracts/errors.ts';
import { agentNames, type AgentName, type SimulatedAgent } from '../simulated-task.ts';
import { queryWriterAgent } from '../query-writer/query-writer-agent.ts';
import { supportAgent } from '../support/support-agent.ts';
import { toolLoopAgent } from '../tool-loop/tool-loop-agent.ts';

/** Agents available in this build, by name. */
export const simulatedAgents: Partial<Record<AgentName, SimulatedAgent>> = {
  query: queryWriterAgent,
  support: supportAgent,
  toolloop: toolLoopAgent,
};

function isAgentName(name: string): name is AgentName {
  return (agentNames as readonly string[]).includes(name);
}

/**
 * Resolves a comma-separated list of agent names, in the order given, without duplicates. Unknown or
 * unavailable names are a usage error (one line, listing what is available).
 *
 * @example resolveSimulatedAgents('query,support') // → [queryAgent, supportAgent]
 */
export function resolveSimulatedAgents(list: string): SimulatedAgent[] {
  const available = Object.keys(simulatedAgents).join(', ');
  const names = [...new Set(list.split(',').map((name) => name.trim()).filter((name) => name.length > 0))];
  if (names.length === 0) throw new UnderstudyError('invalid_request', `--agents needs at least one of: ${available}.`);
  return names.map((name) => {
    const agent = isAgentName(name) ? simulatedAgents[name] : undefined;
    if (!agent) throw new UnderstudyError('invalid_request', `Unknown agent '${name}' (available: ${available}).`);
    return agent;
  });
}

/** Every skill of every available agent: what a teacher needs to answer any simulated traffic. */
export function allSimulatedSkills(): SimulatedAgent['skills'] {
  return Object.values(simulatedAgents).flatMap((agent) => agent.skills);
}

/** The tasks these agents can drift (see `EpisodeContext.drift`), in agent order. */
export function driftableTasksOf(agents: readonly SimulatedAgent[]): string[] {
  return agents.flatMap((agent) => agent.driftableTasks ?? []);
}

/**
 * Resolves a comma-separated list of tasks to drift (`--drift support/extract-order`) against the agents of
 * a run, without duplicates. A task none of them can drift is a usage error (one line, listing those that can).
 *
 * @example resolveDriftedTasks('support/extract-order', resolveSimulatedAgents('support')) // → ['support/extract-order']
 */
export function resolveDriftedTasks(list: string, agents: readonly SimulatedAgent[]): string[] {
  const driftable = driftableTasksOf(agents);
  const tasks = [...new Set(list.split(',').map((task) => task.trim()).filter((task) => task.length > 0))];
  if (tasks.length === 0) throw new UnderstudyError('invalid_request', `--drift needs at least one of: ${driftable.join(', ') || '(none for these agents)'}.`);
  for (const task of tasks) {
    if (!driftable.includes(task)) {
      throw new UnderstudyError('invalid_request', `Task '${task}' cannot drift with these agents (driftable: ${driftable.join(', ') || 'none'}).`);
    }
  }
  return tasks;
}
