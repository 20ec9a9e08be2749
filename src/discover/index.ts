/** Task discovery and the replaceability report. */
export { discoverTasks, type DiscoverableCall, type DiscoverTasksOptions } from './discover-tasks.ts';
export { buildReplaceabilityReport, type BuildReportOptions } from './build-replaceability-report.ts';
export type { Agency, DiscoveredTask, DiscoveryResult, TaskTemplate } from './discovered-task.ts';
export { nameTasksWithLlm, type NameTasksWithLlmOptions, type NameTasksWithLlmResult, type NamingMessage } from './name-tasks-with-llm.ts';
export { knownTaskFromDiscovered, type KnownTaskOptions } from './known-task-from-discovered.ts';
export { extractCallFeatures, type CallFeatures, type CallFeaturesResult } from './internal/call-features.ts';
export type { Embedder } from './embedder.ts';
export { createLexicalEmbedder } from './lexical-embedder.ts';
export * from './embedders/index.ts';
export * from './report/index.ts';
export type * from './replaceability-report.ts';
