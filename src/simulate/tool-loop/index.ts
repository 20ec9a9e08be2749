/**
 * The tool-loop agent (language-model agency): one fixed system prompt, a fixed tool set, one task
 * (`toolloop/next-step`) whose right answer is decided by a deterministic policy over the conversation.
 */
export { toolLoopAgent, toolLoopStepBudget, createNextStepCall } from './tool-loop-agent.ts';
export { toolLoopNextStepSkill, toolLoopNextStepTask, expectedAnswerFor, readToolHistory } from './next-step-skill.ts';
export { nextToolLoopStep, type ToolLoopStep } from './next-step-policy.ts';
export { createToolLoopGoal, renderGoal, readGoal, toolLoopGoalKinds, type ToolLoopGoal, type ToolLoopGoalKind } from './tool-loop-goal.ts';
export { toolLoopSystemPrompt, toolLoopTools, toolLoopModel, runToolLoopTool, type ToolStep, type ToolRun } from './tool-loop-tools.ts';
