/**
 * The heterogeneous router: for each incoming call, which task it is, who answers (specialist or LLM), and
 * what is checked on the side. The decision is synchronous and in memory (classification + a Map lookup of the
 * task's route), so it adds microseconds to a call; routes and known tasks are reread from the store every
 * `refreshMs` and at once after the governor changes a route.
 *
 * A specialist's answer reaches the client only when it is valid (schema, tool offered, arguments against the
 * tool's parameters) and confident (its answer confidence at or above the route's calibrated threshold), within
 * the route's timeout, with the circuit breaker closed. Anything else escalates: the LLM answers, and the call
 * is logged as an escalation with its reason. Shadow runs and audits happen after the client has its answer,
 * off the critical path, with a bounded backlog: when the specialist is busy the comparison is skipped and
 * counted, never queued without limit.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionRequest } from '../contracts/chat-completion.ts';
import type { RoutingConfig } from '../contracts/config.ts';
import type { EscalationReason, RouteMode, RouteObservation, RoutePolicy, RoutingExplanation } from '../contracts/route-policy.ts';
import type { KnownTask } from '../contracts/task-signature.ts';
import { answerFromMessage, type AssistantAnswer } from '../evaluate/assistant-answer.ts';
import { scoreAnswer } from '../evaluate/score-answer.ts';
import type { ScoreContext } from '../evaluate/score-context.ts';
import { validateAnswer } from '../evaluate/validate-answer.ts';
import { engineRequestFromChat, toEngineTool } from '../providers/engines/engine-request.ts';
import type { EngineResult } from '../providers/engines/specialist-engine.ts';
import type { Store } from '../store/store.ts';
import { answerConfidence } from '../evaluate/answer-confidence.ts';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.ts';
import { createRouteGovernor, type RouteGovernor } from './route-governor.ts';
import type { ReadySpecialist, SpecialistPool } from './specialist-pool.ts';
import { specialistCompletion } from './specialist-completion.ts';
import { createTaskClassifier, type TaskClassification, type TaskClassifier } from './task-classifier.ts';

/**
 * What the LLM said for a call, for shadow and audit comparisons. `costUsd` is kept on audit observations
 * (the audit's LLM call is logged nowhere else); a shadowed call's LLM cost is already on its call record.
 */
export interface LlmAnswer {
  completion: ChatCompletion;
  costUsd: number | null;
}

export interface RouterOptions {
  store: Pick<Store, 'tasks' | 'routes' | 'observations' | 'specialists'>;
  config: RoutingConfig;
  pool: SpecialistPool;
  random?: () => number;
  now?: () => number;
  /** Shadow runs in flight at once (each holds the specialist); beyond this they are skipped and counted. Default 8. */
  maxPendingComparisons?: number;
  /**
   * Audits in flight at once. Separate from shadow runs so that slow shadow runs of one task never starve the
   * audits that guard another task's live answers. Default 32.
   */
  maxPendingAudits?: number;
  /** Problems in background work (a store write that failed): logged by the caller, never thrown at a client. */
  onBackgroundError?: (error: unknown, what: string) => void;
}

export interface RouteDecision {
  explanation: RoutingExplanation;
  /** Who answers first. `specialist`: try it, escalate to the LLM on failure. */
  target: 'llm' | 'specialist';
  policy: RoutePolicy | null;
  specialist: ReadySpecialist | null;
  /** What validation and scoring know about the call: the tools offered and the response format. */
  context: ScoreContext;
}

export type SpecialistAttempt =
  | { ok: true; completion: ChatCompletion; confidence: number | null; latencyMs: number }
  | { ok: false; reason: EscalationReason; detail: string; latencyMs: number | null; confidence: number | null; valid: boolean | null };

export interface RouterStats {
  decisions: number;
  comparisonsSkipped: number;
  comparisonsRun: number;
}

export interface Router {
  /** The fast path alone: the call's task and its route, without drawing or counting anything. */
  lookup(request: ChatCompletionRequest, declaredTask: string | null): { classification: TaskClassification; policy: RoutePolicy | undefined };
  decide(request: ChatCompletionRequest, declaredTask: string | null): RouteDecision;
  /** Runs the specialist for a `target: 'specialist'` decision: validated, confidence-gated, timed out. */
  attempt(decision: RouteDecision, request: ChatCompletionRequest): Promise<SpecialistAttempt>;
  /**
   * Records how a specialist-targeted call ended (served or escalated) and, when the decision drew an audit,
   * asks the LLM the same call through `askLlm` off the critical path and scores the served answer against it.
   */
  settle(decision: RouteDecision, callId: string, attempt: SpecialistAttempt, askLlm?: () => Promise<LlmAnswer>): void;
  /** After the LLM answered a shadowed call: runs the specialist on it in the background and scores agreement. */
  shadow(decision: RouteDecision, callId: string, request: ChatCompletionRequest, answer: LlmAnswer): void;
  /** Rereads known tasks and routes from the store. */
  refresh(): Promise<void>;
  /** Rereads routes and loads every specialist a route names; resolves when they are ready (or failed). */
  warm(): Promise<void>;
  routes(): RoutePolicy[];
  tasks(): KnownTask[];
  stats(): RouterStats;
  /** Resolves when no background work is pending (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const defaultMaxTokens = 256;
const maxSpecialistTokens = 1024;

export async function createRouter(options: RouterOptions): Promise<Router> {
  const { store, config, pool } = options;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const maxPending = { shadow: options.maxPendingComparisons ?? 8, audit: options.maxPendingAudits ?? 32 };
  const reportError = options.onBackgroundError ?? (() => undefined);
  let classifier: TaskClassifier = createTaskClassifier([]);
  let knownTasks: KnownTask[] = [];
  let policies = new Map<string, RoutePolicy>();
  const breakers = new Map<string, CircuitBreaker>();
  const pending = new Set<Promise<void>>();
  const stats: RouterStats = { decisions: 0, comparisonsSkipped: 0, comparisonsRun: 0 };
  const comparisonsInFlight = { shadow: 0, audit: 0 };
  let closed = false;

  const governor: RouteGovernor = createRouteGovernor({
    store,
    config,
    now,
    onChange(policy) {
      policies.set(policy.task, policy);
    },
  });

  async function refresh(): Promise<void> {
    const [tasks, routes] = await Promise.all([store.tasks.list(), store.routes.list()]);
    knownTasks = tasks;
    classifier = createTaskClassifier(tasks);
    policies = new Map(routes.map((route) => [route.task, route]));
    for (const route of routes) if (route.mode !== 'off' && route.specialistId !== null) pool.acquire(route.specialistId);
  }
  await refresh();
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => reportError(error, 'refreshing routes'));
  }, config.refreshMs);
  timer.unref();

  function breakerFor(specialistId: string): CircuitBreaker {
    let breaker = breakers.get(specialistId);
    if (breaker === undefined) {
      breaker = createCircuitBreaker({ failures: config.circuitBreaker.failures, cooldownMs: config.circuitBreaker.cooldownMs, now });
      breakers.set(specialistId, breaker);
    }
    return breaker;
  }

  function track(work: Promise<void>, what: string): void {
    const tracked = work.catch((error: unknown) => reportError(error, what)).finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  function observe(observation: Omit<RouteObservation, 'id' | 'at'>): void {
    const full: RouteObservation = { ...observation, id: randomUUID(), at: now() };
    track(
      store.observations.append([full]).then(() => governor.consider(full.task)),
      'recording a route observation',
    );
  }

  function lookup(request: ChatCompletionRequest, declaredTask: string | null): { classification: TaskClassification; policy: RoutePolicy | undefined } {
    const classification = classifier.classify(request, declaredTask);
    return { classification, policy: classification.task === null ? undefined : policies.get(classification.task) };
  }

  function decide(request: ChatCompletionRequest, declaredTask: string | null): RouteDecision {
    stats.decisions += 1;
    const context: ScoreContext = { tools: (request.tools as Array<Record<string, unknown>> | undefined) ?? null, responseFormat: (request.response_format as Record<string, unknown> | undefined) ?? null };
    // Calls are classified even where no route exists yet: the log then says which task each call was, for
    // economics and the loop. Only a store without known tasks skips it.
    if (!config.enabled || knownTasks.length === 0) return llmDecision(null, 'unknown', 'off', context);
    const { classification, policy } = lookup(request, declaredTask);
    if (policy === undefined || policy.mode === 'off' || policy.specialistId === null) {
      return llmDecision(classification.task, classification.method, policy?.mode ?? 'off', context);
    }
    const base: RoutingExplanation = {
      task: classification.task,
      classifiedBy: classification.method,
      mode: policy.mode,
      specialistId: policy.specialistId,
      escalationReason: null,
      escalationDetail: null,
      confidence: null,
      specialistLatencyMs: null,
      comparison: null,
    };
    const toSpecialist = policy.mode === 'live' || (policy.mode === 'canary' && random() < policy.canaryShare);
    if (policy.mode === 'shadow' || !toSpecialist) {
      const shadow = policy.mode === 'shadow' && unsupportedReason(request) === null;
      return { explanation: { ...base, comparison: shadow ? 'shadow' : null }, target: 'llm', policy, specialist: shadow ? pool.acquire(policy.specialistId) : null, context };
    }
    const unsupported = unsupportedReason(request);
    const specialist = pool.acquire(policy.specialistId);
    const escalate = (reason: EscalationReason, detail: string): RouteDecision => ({
      explanation: { ...base, escalationReason: reason, escalationDetail: detail },
      target: 'llm',
      policy,
      specialist,
      context,
    });
    if (unsupported !== null) return escalate('unsupported_request', unsupported);
    if (specialist === null) {
      const state = pool.state(policy.specialistId);
      return escalate('specialist_down', state.state === 'failed' ? `specialist failed to load: ${state.reason}` : 'specialist is loading');
    }
    if (!breakerFor(policy.specialistId).allow()) return escalate('specialist_down', 'circuit breaker open after consecutive failures');
    const changed = promptMismatch(specialist, request);
    if (changed !== null) return escalate('prompt_changed', changed);
    const auditShare = policy.mode === 'canary' ? Math.max(policy.auditShare, config.canaryAuditShare) : policy.auditShare;
    const audit = random() < auditShare;
    return { explanation: { ...base, comparison: audit ? 'audit' : null }, target: 'specialist', policy, specialist, context };
  }

  async function attempt(decision: RouteDecision, request: ChatCompletionRequest): Promise<SpecialistAttempt> {
    const { specialist, policy } = decision;
    if (specialist === null || policy === null) return { ok: false, reason: 'specialist_down', detail: 'no specialist for this route', latencyMs: null, confidence: null, valid: null };
    const breaker = breakerFor(specialist.record.id);
    const outcome = await runSpecialist(specialist, request, decision.context, policy.timeoutMs);
    if (outcome.kind === 'failed') {
      breaker.recordFailure();
      return { ok: false, reason: outcome.reason, detail: outcome.detail, latencyMs: outcome.latencyMs, confidence: null, valid: null };
    }
    breaker.recordSuccess();
    const { result, answer } = outcome;
    const confidence = answerConfidence(result.logprobs);
    const validation = validateAnswer(answer, decision.context);
    if (!validation.valid) {
      return { ok: false, reason: 'invalid_output', detail: validation.reason ?? 'invalid answer', latencyMs: result.latencyMs, confidence, valid: false };
    }
    const threshold = policy.confidenceThreshold;
    if (threshold !== null && (confidence === null || confidence < threshold)) {
      const detail = confidence === null ? 'the engine gave no token probabilities' : `confidence ${confidence.toFixed(3)} < threshold ${threshold.toFixed(3)}`;
      return { ok: false, reason: 'low_confidence', detail, latencyMs: result.latencyMs, confidence, valid: true };
    }
    const completion = specialistCompletion(result, { model: `understudy/${specialist.record.name}` });
    return { ok: true, completion, confidence, latencyMs: result.latencyMs };
  }

  function settle(decision: RouteDecision, callId: string, outcome: SpecialistAttempt, askLlm?: () => Promise<LlmAnswer>): void {
    const { policy, explanation } = decision;
    if (policy === null || policy.specialistId === null || explanation.task === null) return;
    const common = { callId, task: explanation.task, specialistId: policy.specialistId, mode: policy.mode };
    if (!outcome.ok) {
      observe({ ...common, kind: 'escalated', valid: outcome.valid, agreed: null, score: null, confidence: outcome.confidence, specialistLatencyMs: outcome.latencyMs, llmCostUsd: null, escalationReason: outcome.reason });
      return;
    }
    observe({ ...common, kind: 'served', valid: true, agreed: null, score: null, confidence: outcome.confidence, specialistLatencyMs: outcome.latencyMs, llmCostUsd: null, escalationReason: null });
    if (explanation.comparison !== 'audit' || askLlm === undefined) return;
    compare('audit', 'auditing a specialist answer', async () => {
      const llm = await askLlm();
      const reference = answerFromCompletion(llm.completion);
      if (reference === null) return;
      const candidate = answerFromCompletion(outcome.completion)!;
      const score = await scoreAnswer(reference, candidate, decision.context);
      observe({ ...common, kind: 'audit', valid: true, agreed: score.correct, score: score.score, confidence: outcome.confidence, specialistLatencyMs: null, llmCostUsd: llm.costUsd, escalationReason: null });
    });
  }

  function shadow(decision: RouteDecision, callId: string, request: ChatCompletionRequest, answer: LlmAnswer): void {
    const { policy, explanation } = decision;
    if (explanation.comparison !== 'shadow' || policy === null || policy.specialistId === null || explanation.task === null) return;
    const specialist = decision.specialist ?? pool.acquire(policy.specialistId);
    const reference = answerFromCompletion(answer.completion);
    if (specialist === null || reference === null) {
      // Still loading, or the LLM gave no message to compare with: nothing to learn from this call.
      stats.comparisonsSkipped += 1;
      return;
    }
    const common = { callId, task: explanation.task, specialistId: policy.specialistId, mode: policy.mode };
    compare('shadow', 'shadowing a call', async () => {
      const changed = promptMismatch(specialist, request);
      const outcome: RunOutcome = changed === null ? await runSpecialist(specialist, request, decision.context, policy.timeoutMs) : { kind: 'failed', reason: 'prompt_changed', detail: changed, latencyMs: 0 };
      if (outcome.kind === 'failed') {
        observe({ ...common, kind: 'shadow', valid: null, agreed: false, score: 0, confidence: null, specialistLatencyMs: outcome.latencyMs, llmCostUsd: null, escalationReason: outcome.reason });
        return;
      }
      const confidence = answerConfidence(outcome.result.logprobs);
      const score = await scoreAnswer(reference, outcome.answer, decision.context);
      const wouldEscalate: EscalationReason | null = !score.valid
        ? 'invalid_output'
        : policy.confidenceThreshold !== null && (confidence === null || confidence < policy.confidenceThreshold)
          ? 'low_confidence'
          : null;
      observe({ ...common, kind: 'shadow', valid: score.valid, agreed: score.correct, score: score.score, confidence, specialistLatencyMs: outcome.result.latencyMs, llmCostUsd: null, escalationReason: wouldEscalate });
    });
  }

  function compare(kind: 'shadow' | 'audit', what: string, work: () => Promise<void>): void {
    if (closed || comparisonsInFlight[kind] >= maxPending[kind]) {
      stats.comparisonsSkipped += 1;
      return;
    }
    comparisonsInFlight[kind] += 1;
    stats.comparisonsRun += 1;
    track(
      work().finally(() => {
        comparisonsInFlight[kind] -= 1;
      }),
      what,
    );
  }

  return {
    lookup,
    decide,
    attempt,
    settle,
    shadow,
    refresh,
    async warm() {
      await refresh();
      const ids = new Set([...policies.values()].filter((policy) => policy.mode !== 'off' && policy.specialistId !== null).map((policy) => policy.specialistId!));
      await Promise.all([...ids].map((id) => pool.load(id).catch(() => undefined)));
    },
    routes: () => [...policies.values()],
    tasks: () => knownTasks,
    stats: () => ({ ...stats }),
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      closed = true;
      clearInterval(timer);
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

function llmDecision(task: string | null, method: RoutingExplanation['classifiedBy'], mode: RouteMode, context: ScoreContext): RouteDecision {
  return {
    explanation: { task, classifiedBy: method, mode, specialistId: null, escalationReason: null, escalationDetail: null, confidence: null, specialistLatencyMs: null, comparison: null },
    target: 'llm',
    policy: null,
    specialist: null,
    context,
  };
}

type RunOutcome =
  | { kind: 'answered'; result: EngineResult; answer: AssistantAnswer }
  | { kind: 'failed'; reason: 'timeout' | 'specialist_error' | 'prompt_changed'; detail: string; latencyMs: number };

/** Why the specialist never learned this call's prompt (see ReadySpecialist.mismatch), or null. */
function promptMismatch(specialist: ReadySpecialist, request: ChatCompletionRequest): string | null {
  const context = specialist.record.promptContext;
  if (context === null || (context.system === null && context.tools === null)) return null;
  return specialist.mismatch({ messages: request.messages, tools: (request.tools ?? []).flatMap((tool) => toEngineTool(tool as Record<string, unknown>)) });
}

async function runSpecialist(specialist: ReadySpecialist, request: ChatCompletionRequest, context: ScoreContext, timeoutMs: number): Promise<RunOutcome> {
  const started = performance.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The race makes the limit hold even where an engine notices the abort signal late (between tokens, or never).
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort(new Error(`no answer within ${timeoutMs} ms`));
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const work = specialist.complete(
      engineRequestFromChat({
        messages: request.messages,
        tools: context.tools ?? null,
        responseFormat: context.responseFormat ?? null,
        toolChoice: request.tool_choice,
        maxTokens: Math.min(maxSpecialistTokens, request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens),
        logprobs: true,
        signal: abort.signal,
      }),
    );
    work.catch(() => undefined);
    const result = await Promise.race([work, deadline]);
    return { kind: 'answered', result, answer: { content: result.content, toolCalls: result.toolCalls } };
  } catch (error) {
    const latencyMs = performance.now() - started;
    if (abort.signal.aborted) return { kind: 'failed', reason: 'timeout', detail: `no answer within ${timeoutMs} ms`, latencyMs };
    return { kind: 'failed', reason: 'specialist_error', detail: error instanceof Error ? error.message.slice(0, 300) : String(error), latencyMs };
  } finally {
    clearTimeout(timer);
  }
}

/** Requests a specialist cannot honour as asked: they go to the LLM, counted as escalations. */
function unsupportedReason(request: ChatCompletionRequest): string | null {
  if (request.n !== undefined && request.n !== null && request.n > 1) return `n=${request.n} asks for several answers`;
  if (request.logprobs === true) return 'the client asked for logprobs';
  if (request.tool_choice === 'none' && (request.tools?.length ?? 0) > 0) return 'tool_choice "none" with tools offered';
  for (const message of request.messages) {
    if (Array.isArray(message.content) && message.content.some((part) => part.type !== 'text')) return `a ${message.content.find((part) => part.type !== 'text')?.type} content part`;
  }
  const modalities = (request as { modalities?: unknown }).modalities;
  if ('audio' in request || (Array.isArray(modalities) && modalities.includes('audio'))) return 'audio output';
  return null;
}

function answerFromCompletion(completion: ChatCompletion): AssistantAnswer | null {
  const message = completion.choices?.[0]?.message;
  return message === undefined ? null : answerFromMessage(message as Parameters<typeof answerFromMessage>[0]);
}
