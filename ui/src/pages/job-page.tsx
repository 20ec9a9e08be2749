import { useEffect, useState } from 'react';
import type { DashboardJob } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { JobStatusBadge } from '../components/badge.tsx';
import { ProgressBar } from '../components/bars.tsx';
import { Figure } from '../components/figure.tsx';
import { PageHeader, Section } from '../components/page-header.tsx';
import { ResourceView } from '../components/states.tsx';
import { UplotChart } from '../components/uplot-chart.tsx';
import { formatCount, formatDateTime, formatDuration, formatPercent } from '../lib/format.ts';
import { href } from '../lib/hash-router.ts';
import { isActiveJob, runningJobPollMs } from './jobs-page.tsx';

export function JobPage({ jobId }: { jobId: string }) {
  const [polling, setPolling] = useState(false);
  const job = useResource<DashboardJob>(`/admin/jobs/${encodeURIComponent(jobId)}`, { pollMs: polling ? runningJobPollMs : null });
  const active = job.data ? isActiveJob(job.data) : false;
  useEffect(() => setPolling(active), [active]);
  return (
    <div className="page">
      <ResourceView resource={job}>{(data) => <JobContent job={data} />}</ResourceView>
    </div>
  );
}

function JobContent({ job }: { job: DashboardJob }) {
  const active = isActiveJob(job);
  const fraction = job.step !== null && job.totalSteps ? job.step / job.totalSteps : null;
  const elapsedSeconds = job.startedAt === null ? null : ((job.finishedAt ?? Date.now()) - job.startedAt) / 1000;
  return (
    <>
      <PageHeader
        breadcrumb={<a href={href('/jobs')}>Training jobs</a>}
        title={
          <>
            {job.kind} {job.task ? <span className="muted">· {job.task}</span> : null}
          </>
        }
        subtitle={
          <span className="badge-row">
            <Figure name={`job-status:${job.id}`} value={job.status}>
              <JobStatusBadge status={job.status} />
            </Figure>
            <code>{job.id}</code>
            {active ? <span className="live-dot">refreshing every 2 s</span> : null}
          </span>
        }
      />
      <div className="kpi-grid kpi-grid-compact">
        <div className="kpi kpi-compact">
          <div className="kpi-label">Step</div>
          <div className="kpi-value">
            <Figure name={`job-step:${job.id}`} value={job.step}>
              {formatCount(job.step)}
            </Figure>
            <span className="kpi-of">
              {' / '}
              <Figure name={`job-total-steps:${job.id}`} value={job.totalSteps}>
                {formatCount(job.totalSteps)}
              </Figure>
            </span>
          </div>
          <ProgressBar step={job.step} totalSteps={job.totalSteps} status={job.status} />
        </div>
        <div className="kpi kpi-compact">
          <div className="kpi-label">Progress</div>
          <Figure name={`job-progress:${job.id}`} value={fraction} className="kpi-value">
            {formatPercent(fraction, 0)}
          </Figure>
        </div>
        <div className="kpi kpi-compact">
          <div className="kpi-label">Loss</div>
          <Figure name={`job-loss:${job.id}`} value={job.loss} className="kpi-value">
            {job.loss === null ? '—' : job.loss.toFixed(4)}
          </Figure>
        </div>
        <div className="kpi kpi-compact">
          <div className="kpi-label">{active ? 'ETA' : 'Duration'}</div>
          <Figure name={active ? `job-eta:${job.id}` : `job-duration:${job.id}`} value={active ? job.etaSeconds : elapsedSeconds} className="kpi-value">
            {formatDuration(active ? job.etaSeconds : elapsedSeconds)}
          </Figure>
        </div>
      </div>

      {job.error ? (
        <div className="error-state" role="alert">
          <div className="error-state-title">The job failed</div>
          <pre className="error-state-body pre-wrap">{job.error}</pre>
        </div>
      ) : null}

      <Section title="Training loss" aside={job.lossCurve.length > 0 ? <span className="muted">{formatCount(job.lossCurve.length)} points</span> : null}>
        {job.lossCurve.length === 0 ? (
          <p className="muted">{active ? 'Waiting for the first logged step…' : 'This job logged no loss curve.'}</p>
        ) : (
          <UplotChart
            title="Training loss per step"
            xKind="number"
            height={260}
            x={job.lossCurve.map((point) => point.step)}
            formatY={(value) => value.toFixed(value >= 10 ? 1 : 2)}
            series={[{ label: 'loss', color: '#6366f1', values: job.lossCurve.map((point) => point.loss), fill: true }]}
          />
        )}
      </Section>

      <Section title="Details">
        <dl className="properties">
          <dt>Created</dt>
          <dd>{formatDateTime(job.createdAt)}</dd>
          <dt>Started</dt>
          <dd>{formatDateTime(job.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>{formatDateTime(job.finishedAt)}</dd>
          <dt>Message</dt>
          <dd>{job.message ?? <span className="muted">—</span>}</dd>
          <dt>Specialist</dt>
          <dd>{job.specialistId ? <a href={href('/specialists')}><code>{job.specialistId}</code></a> : <span className="muted">none yet</span>}</dd>
          {job.task ? (
            <>
              <dt>Task</dt>
              <dd>
                <a href={href(`/tasks/${encodeURIComponent(job.task)}`)}>{job.task}</a>
              </dd>
            </>
          ) : null}
        </dl>
      </Section>
    </>
  );
}
