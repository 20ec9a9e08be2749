import type { DashboardJob, RouteMode, TaskVerdict } from '../api/contract-types.ts';

export type BadgeTone = 'neutral' | 'green' | 'blue' | 'amber' | 'red' | 'violet';

export function Badge({ tone, children, title }: { tone: BadgeTone; children: string; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const verdictTones: Record<TaskVerdict, BadgeTone> = { replace: 'green', candidate: 'blue', 'keep-on-llm': 'neutral', unknown: 'neutral' };
const verdictLabels: Record<TaskVerdict, string> = { replace: 'replace', candidate: 'candidate', 'keep-on-llm': 'keep on LLM', unknown: 'not assessed' };

export function VerdictBadge({ verdict }: { verdict: TaskVerdict }) {
  return <Badge tone={verdictTones[verdict]}>{verdictLabels[verdict]}</Badge>;
}

const modeTones: Record<RouteMode, BadgeTone> = { off: 'neutral', shadow: 'violet', canary: 'amber', live: 'green' };

export function RouteModeBadge({ mode, canaryShare }: { mode: RouteMode; canaryShare?: number | null }) {
  const label = mode === 'canary' && canaryShare !== undefined && canaryShare !== null ? `canary ${Math.round(canaryShare * 100)}%` : mode;
  return <Badge tone={modeTones[mode]}>{label}</Badge>;
}

const jobTones: Record<DashboardJob['status'], BadgeTone> = { queued: 'neutral', running: 'blue', succeeded: 'green', failed: 'red', cancelled: 'neutral' };

export function JobStatusBadge({ status }: { status: DashboardJob['status'] }) {
  return <Badge tone={jobTones[status]}>{status}</Badge>;
}
