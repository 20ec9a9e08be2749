import type { ReactNode } from 'react';
import type { DashboardOverview } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { Figure, type FigureValue } from '../components/figure.tsx';
import { PageHeader, Section } from '../components/page-header.tsx';
import { EmptyState, ResourceView } from '../components/states.tsx';
import { UplotChart } from '../components/uplot-chart.tsx';
import { formatCompact, formatCount, formatDuration, formatPercent, formatUsd } from '../lib/format.ts';
import { href, navigate, useLocation } from '../lib/hash-router.ts';

/** The window choices; `all` sends no `since`, so the totals are the whole store's. */
const ranges = [
  { key: 'all', label: 'All time', ms: null },
  { key: '30d', label: '30 days', ms: 30 * 86_400_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { key: '24h', label: '24 hours', ms: 86_400_000 },
  { key: '1h', label: '1 hour', ms: 3_600_000 },
] as const;

export function OverviewPage() {
  const { query } = useLocation();
  const range = ranges.find((item) => item.key === query.get('range')) ?? ranges[0];
  // Rounded to the minute so the URL (and the request) stays stable across re-renders.
  const since = range.ms === null ? null : Math.floor((Date.now() - range.ms) / 60_000) * 60_000;
  const overview = useResource<DashboardOverview>(since === null ? '/admin/overview' : `/admin/overview?since=${since}`, { pollMs: 30_000 });

  return (
    <div className="page">
      <PageHeader
        title="Overview"
        subtitle="What the agent's LLM calls cost, and how much of them the specialists answer."
        actions={
          <div className="segmented" role="group" aria-label="Time window">
            {ranges.map((item) => (
              <button key={item.key} type="button" className={`segmented-item${item.key === range.key ? ' segmented-active' : ''}`} onClick={() => navigate('/', { range: item.key === 'all' ? null : item.key })}>
                {item.label}
              </button>
            ))}
          </div>
        }
      />
      <ResourceView resource={overview}>{(data) => <OverviewContent overview={data} />}</ResourceView>
    </div>
  );
}

function OverviewContent({ overview }: { overview: DashboardOverview }) {
  const { totals, series } = overview;
  const x = series.map((bucket) => bucket.start / 1000);
  return (
    <>
      {overview.empty ? (
        <EmptyState title="No calls yet">
          Point your agent at <code>{window.location.origin}/v1</code> (any OpenAI-compatible client: set its base URL and use a key from{' '}
          <code>understudy keys create</code>), or run <code>npx understudy demo</code> to fill the store with a simulated agent.
        </EmptyState>
      ) : null}
      <div className="kpi-grid kpi-grid-overview">
        <Kpi label="Calls" figure="calls" value={totals.calls} hint={`${formatCount(totals.okCalls)} ok`}>
          {formatCompact(totals.calls)}
        </Kpi>
        <Kpi label="Spend" figure="cost-usd" value={totals.costUsd} hint="as served: LLM + specialists">
          {formatUsd(totals.costUsd)}
        </Kpi>
        <Kpi label="Baseline" figure="baseline-usd" value={totals.baselineUsd} hint="all on the LLM">
          {formatUsd(totals.baselineUsd)}
        </Kpi>
        <Kpi label="Savings" figure="savings-usd" value={totals.savingsUsd} hint={totals.baselineUsd > 0 ? `${formatPercent(totals.savingsUsd / totals.baselineUsd)} of baseline` : 'baseline − spend'} tone={totals.savingsUsd > 0 ? 'good' : totals.savingsUsd < 0 ? 'bad' : undefined}>
          {formatUsd(totals.savingsUsd)}
        </Kpi>
        <Kpi label="Specialist share" figure="slm-share" value={totals.slmShare} hint="calls a specialist answered">
          {formatPercent(totals.slmShare)}
        </Kpi>
        <Kpi label="Escalation rate" figure="escalation-rate" value={totals.escalationRate} hint="handed back to the LLM" tone={totals.escalationRate !== null && totals.escalationRate > 0.2 ? 'bad' : undefined}>
          {formatPercent(totals.escalationRate)}
        </Kpi>
        <Kpi label="Tasks" figure="tasks" value={totals.tasks} hint={<a href={href('/tasks')}>see tasks</a>}>
          {formatCount(totals.tasks)}
        </Kpi>
        <Kpi label="Routed tasks" figure="routed-tasks" value={totals.routedTasks} hint="route not off">
          {formatCount(totals.routedTasks)}
        </Kpi>
      </div>

      {series.length === 0 ? null : (
        <div className="chart-grid">
          <Section title="Calls" aside={<BucketNote bucketMs={overview.bucketMs} />}>
            <UplotChart
              title="Calls and specialist calls per bucket"
              x={x}
              xStep={overview.bucketMs / 1000}
              formatY={formatCompact}
              series={[
                { label: 'All calls', color: '#6366f1', values: series.map((bucket) => bucket.calls), fill: true },
                { label: 'Specialist', color: '#10b981', values: series.map((bucket) => bucket.specialistCalls), fill: true },
                { label: 'Escalations', color: '#f59e0b', values: series.map((bucket) => bucket.escalations) },
              ]}
            />
          </Section>
          <Section title="Spend vs baseline" aside={<BucketNote bucketMs={overview.bucketMs} />}>
            <UplotChart
              title="Spend and all-on-the-LLM baseline per bucket"
              x={x}
              xStep={overview.bucketMs / 1000}
              formatY={formatAxisUsd}
              series={[
                { label: 'Baseline', color: '#94a3b8', values: series.map((bucket) => bucket.baselineUsd), dash: [4, 4] },
                { label: 'Spend', color: '#6366f1', values: series.map((bucket) => bucket.costUsd), fill: true },
              ]}
            />
          </Section>
          <Section title="Specialist share and escalation rate" aside={<BucketNote bucketMs={overview.bucketMs} />}>
            <UplotChart
              title="Specialist share and escalation rate per bucket"
              x={x}
              xStep={overview.bucketMs / 1000}
              yRange={[0, 1]}
              formatY={(value) => formatPercent(value, 0)}
              series={[
                { label: 'Specialist share', color: '#10b981', values: series.map((bucket) => bucket.slmShare), fill: true },
                { label: 'Escalation rate', color: '#ef4444', values: series.map((bucket) => bucket.escalationRate) },
              ]}
            />
          </Section>
        </div>
      )}

      <p className="footnote">
        Specialist cost: {overview.basis.specialistCost} (at {formatUsd(overview.basis.usdPerHour)}/h machine time). Baseline: {overview.basis.baseline}.
      </p>
    </>
  );
}

function Kpi({ label, figure, value, hint, tone, children }: { label: string; figure: string; value: FigureValue; hint?: ReactNode; tone?: 'good' | 'bad'; children: ReactNode }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <Figure name={figure} value={value} className={`kpi-value${tone ? ` kpi-${tone}` : ''}`}>
        {children}
      </Figure>
      {hint ? <div className="kpi-hint">{hint}</div> : null}
    </div>
  );
}

function BucketNote({ bucketMs }: { bucketMs: number }) {
  return <span className="muted">per {formatBucket(bucketMs)}</span>;
}

function formatBucket(bucketMs: number): string {
  for (const [unitMs, unit] of [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute']] as const) {
    if (bucketMs >= unitMs && bucketMs % unitMs === 0) return bucketMs === unitMs ? unit : `${bucketMs / unitMs} ${unit}s`;
  }
  return formatDuration(bucketMs / 1000);
}

function formatAxisUsd(value: number): string {
  if (value === 0) return '$0';
  return Math.abs(value) >= 1 ? `$${formatCompact(Math.round(value * 100) / 100)}` : formatUsd(value);
}
