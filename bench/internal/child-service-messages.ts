/**
 * The IPC contract between the benchmark and the services it runs as child processes (the stand-in
 * upstream, our gateway, the layer servers of the breakdown). Each side parses what it receives with these
 * schemas, so a message of the wrong shape is reported as such instead of surfacing later as an undefined
 * field. Child entries import from here, never the other way round: importing an entry would start it.
 */
import { z } from 'zod';

/** Child → parent. */
export const childServiceReportSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('ready'),
    /** Base URL including `/v1` (what an OpenAI client would be given). */
    url: z.string(),
    /** Present for our gateway only: a gateway key of the benchmark's project. */
    apiKey: z.string().optional(),
  }),
  z.object({
    kind: z.literal('drained'),
    /** From receiving the drain command until `logWriter.flush()` resolved. */
    drainMs: z.number(),
    /** Calls appended but not yet stored when the drain command arrived. */
    pendingAtDrain: z.number(),
    appended: z.number(),
    /** `store.calls.count({})` after the flush. */
    stored: z.number(),
    storeErrors: z.number(),
  }),
  z.object({ kind: z.literal('closed') }),
  z.object({ kind: z.literal('failed'), message: z.string() }),
  /** Answer to `sample-memory`: the child's `process.memoryUsage()` (RSS covers its worker threads too). */
  z.object({ kind: z.literal('memory'), rssBytes: z.number(), heapUsedBytes: z.number(), heapTotalBytes: z.number(), externalBytes: z.number() }),
]);
export type ChildServiceReport = z.infer<typeof childServiceReportSchema>;
export type ReadyReport = Extract<ChildServiceReport, { kind: 'ready' }>;
export type DrainReport = Extract<ChildServiceReport, { kind: 'drained' }>;
export type MemoryReport = Extract<ChildServiceReport, { kind: 'memory' }>;

/** Parent → child. `drain` is understood by services with a log writer only. */
export const childServiceCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drain') }),
  z.object({ kind: z.literal('close') }),
  /** Any service answers with a `memory` report (the soak benchmark watches the gateway's memory this way). */
  z.object({ kind: z.literal('sample-memory') }),
]);
export type ChildServiceCommand = z.infer<typeof childServiceCommandSchema>;

/** Arguments of `gateway-process.ts`'s logging mode (see that file for what each one does). */
export const gatewayLoggingModes = ['on', 'off', 'serialize-only', 'spool-only'] as const;
export type GatewayLoggingMode = (typeof gatewayLoggingModes)[number];

/** The JSON argument of `upstream-process.ts`: the options of the stand-in upstream that matter here. */
export const upstreamProcessOptionsSchema = z.strictObject({
  replyText: z.string(),
  chunkDelayMs: z.number().min(0),
  /** Delay before each answer, as a remote provider has; default 0. */
  latencyMs: z.number().min(0).optional(),
});
export type UpstreamProcessOptions = z.infer<typeof upstreamProcessOptionsSchema>;

/** The bare proxies of the latency breakdown, each one layer of our stack more (see `layer-process.ts`). */
export const layerKinds = ['node-http-proxy', 'hono-proxy', 'hono-proxy-body-getter'] as const;
export type LayerKind = (typeof layerKinds)[number];
