/** The simulation driver: running simulated agents through a gateway and scoring the teacher's answers. */
export { querySqlMatcher } from './query-sql-matcher.ts';
export { runSimulation, SimulatedCallError, type RunSimulationOptions, type SimulationDrift, type SimulationProgress, type SimulationSummary, type TaskTally } from './run-simulation.ts';
export { scoreAnswer, type AnswerScore, type ScoreOptions, type SqlMatcher } from './score-answer.ts';
export { allSimulatedSkills, driftableTasksOf, resolveDriftedTasks, resolveSimulatedAgents, simulatedAgents } from './simulated-agents.ts';
export { startSimulationStack, teacherProviderName, type SimulationStack, type SimulationStackOptions } from './start-simulation-stack.ts';
