/**
 * What the two SDK listeners (`withUnderstudy` for the openai client, `understudyMiddleware` for the AI
 * SDK) share: their options, tag resolution with per-call overrides, and the rule that logging never
 * breaks the caller's LLM call.
 */
import type { CallRecord, CallStatus, ErrorClass } from '../../contracts/call-record.ts';
import { createPricingTable, type PricingTable } from '../../providers/pricing-table.ts';
import type { CallSink } from '../call-sink.ts';
import { clean, type CallTags } from '../resolve-call-tags.ts';

export interface SdkCaptureOptions {
  sink: CallSink;
  /** Project the calls belong to. Default `default` (the gateway's project when it runs without keys). */
  projectId?: string;
  /** Declared task for every call; a call's own tag overrides it. */
  task?: string;
  /** Episode (trace) id; a function is called per call, e.g. to read it from AsyncLocalStorage. */
  episodeId?: string | (() => string | undefined);
  /** End user for every call; a call's own `user` / `safety_identifier` / tag overrides it. */
  endUserId?: string;
  /** Prices calls. Default: the bundled price list (`createPricingTable()`). */
  pricing?: PricingTable;
  /** Provider name stored on each call. Default: derived from the client or model. */
  provider?: string;
}

export const defaultProjectId = 'default';

/** Prices nothing: used when the bundled price list cannot be read, so logging still works. */
const unknownPrices: PricingTable = {
  retrieved: '',
  priceFor: () => undefined,
  costOf: () => null,
  entries: () => [],
};

/** The caller's table, else the bundled one; a listener must not fail to start over a price list. */
export function resolvePricing(options: SdkCaptureOptions): PricingTable {
  if (options.pricing) return options.pricing;
  try {
    return createPricingTable();
  } catch {
    return unknownPrices;
  }
}

/** Fills the tags a call did not carry itself from the listener's options. */
export function withOptionTags(perCall: CallTags, options: SdkCaptureOptions): CallTags {
  let episodeId = perCall.episodeId;
  if (episodeId === null) episodeId = clean(typeof options.episodeId === 'function' ? options.episodeId() : options.episodeId);
  return {
    task: perCall.task ?? clean(options.task),
    episodeId,
    endUserId: perCall.endUserId ?? clean(options.endUserId),
  };
}

let warnedAboutLoggingFailure = false;

/**
 * Builds and appends a record; a failure here is reported once as a process warning and otherwise
 * swallowed, because losing a log line is better than failing the agent's LLM call.
 */
export function appendSafely(sink: CallSink, build: () => CallRecord): void {
  try {
    sink.append(build());
  } catch (error) {
    if (!warnedAboutLoggingFailure) {
      warnedAboutLoggingFailure = true;
      process.emitWarning(`understudy: a call could not be logged: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** How a failed call is stored. */
export interface FailureOutcome {
  status: CallStatus;
  errorClass: ErrorClass;
  errorMessage: string;
  httpStatus: number | null;
}

/** Maps an HTTP status the provider answered with to the stored error class. */
export function errorMessageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 2000);
}
