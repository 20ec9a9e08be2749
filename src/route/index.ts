/** The heterogeneous router: task classification, routes, serving guards, promotion and rollback, economics. */
export { createRouter, type LlmAnswer, type RouteDecision, type Router, type RouterOptions, type RouterStats, type SpecialistAttempt } from './router.ts';
export { createSpecialistPool, type ReadySpecialist, type SpecialistPool, type SpecialistPoolOptions } from './specialist-pool.ts';
export { createRouteGovernor, type GovernorVerdict, type RouteGovernor } from './route-governor.ts';
export { createTaskClassifier, type TaskClassification, type TaskClassifier } from './task-classifier.ts';
export { createCircuitBreaker, type CircuitBreaker, type CircuitState } from './circuit-breaker.ts';
export { specialistCompletion } from './specialist-completion.ts';
export { replayAsSse, replayAsSseResponseBody } from './replay-as-sse.ts';
export { computeEconomics, type Economics, type TaskEconomics } from './compute-economics.ts';
export { renderEconomicsTable } from './render-economics.ts';
