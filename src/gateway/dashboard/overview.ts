/**
 * `GET /admin/overview`: the economics of the window (calls, spend against the all-LLM baseline, specialist
 * share, escalations) and its time series, computed from the store on every request with `computeEconomics`, so
 * every figure equals what the same store query and the same formulas give.
 */
import type { DashboardOverview, OverviewBucket } from '../../contracts/dashboard-api.ts';
import { computeEconomics } from '../../route/compute-economics.ts';
import { loadCalls } from '../../store/load-calls.ts';
import type { GatewayContext } from '../gateway-context.ts';

export const bucketSizesMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type BucketName = keyof typeof bucketSizesMs;

/** Most buckets an automatic bucket size makes. */
export const maximumAutomaticBuckets = 200;

export interface OverviewQuery {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  bucket?: BucketName;
}

export async function buildOverview(context: Pick<GatewayContext, 'store' | 'pricing' | 'config'>, query: OverviewQuery): Promise<DashboardOverview> {
  const { store } = context;
  const window = { since: query.since, until: query.until };
  const [calls, observations, tasks, routes] = await Promise.all([
    loadCalls(store, window),
    store.observations.list(window),
    store.tasks.list(),
    store.routes.list(),
  ]);
  const first = calls[0]?.startedAt;
  const last = calls.at(-1)?.startedAt;
  const bucketMs =
    query.bucket !== undefined
      ? bucketSizesMs[query.bucket]
      : automaticBucketMs((query.until ?? last ?? 0) - (query.since ?? first ?? 0));
  const economics = computeEconomics({ calls, observations, pricing: context.pricing, usdPerHour: context.config.routing.usdPerHour, bucketMs });
  const overall = economics.overall;
  const series: OverviewBucket[] = overall.series.map((bucket) => ({
    start: bucket.start,
    calls: bucket.calls,
    specialistCalls: bucket.specialistCalls,
    escalations: bucket.escalations,
    costUsd: bucket.totalUsd,
    baselineUsd: bucket.baselineUsd,
    slmShare: bucket.slmShare,
    escalationRate: bucket.escalationRate,
  }));
  return {
    window: { since: query.since ?? null, until: query.until ?? null },
    bucketMs,
    totals: {
      calls: overall.calls,
      okCalls: calls.filter((call) => call.status === 'ok').length,
      costUsd: overall.totalUsd,
      baselineUsd: overall.baselineUsd,
      savingsUsd: roundUsd(overall.baselineUsd - overall.totalUsd),
      slmShare: overall.slmShare,
      escalationRate: overall.escalationRate,
      tasks: tasks.length,
      routedTasks: routes.filter((route) => route.mode !== 'off').length,
    },
    series,
    basis: { usdPerHour: economics.basis.usdPerHour, specialistCost: economics.basis.specialistCost, baseline: economics.basis.baseline },
    empty: (await store.calls.count()) === 0,
  };
}

/** The smallest of minute, hour, day (or a whole number of days) that cuts `spanMs` into at most 200 buckets. */
export function automaticBucketMs(spanMs: number): number {
  const span = Math.max(0, spanMs);
  for (const size of Object.values(bucketSizesMs)) if (span / size <= maximumAutomaticBuckets) return size;
  return Math.ceil(span / maximumAutomaticBuckets / bucketSizesMs.day) * bucketSizesMs.day;
}

/** As the economics round: float noise would otherwise show on the page. */
function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}
