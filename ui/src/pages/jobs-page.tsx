import { useEffect, useState } from 'react';
import type { DashboardJob, ListResponse } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { JobStatusBadge } from '../components/badge.tsx';
import { ProgressBar } from '../components/bars.tsx';
import { Figure } from '../components/figure.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { EmptyState, ResourceView } from '../components/states.tsx';
import { formatCount, formatDateTime, formatDuration, formatRelative } from '../lib/format.ts';
import { href, navigate } from '../lib/hash-router.ts';

/** How often pages with running jobs refresh. */
export const runningJobPollMs = 2000;

export function isActiveJob(job: DashboardJob): boolean {
  return job.status === 'running' || job.status === 'queued';
}

export function JobsPage() {
  const [polling, setPolling] = useState(false);
  const jobs = useResource<ListResponse<DashboardJob>>('/admin/jobs?limit=200', { pollMs: polling ? runningJobPollMs : null });
  const active = jobs.data?.data.some(isActiveJob) ?? false;
  useEffect(() => setPolling(active), [active]);
  return (
    <div className="page">
      <PageHeader title="Training jobs" subtitle="Training, evaluation and discovery runs, newest first." actions={active ? <span className="live-dot">live</span> : null} />
      <ResourceView resource={jobs}>
        {(list) =>
          list.data.length === 0 ? (
            <EmptyState title="No jobs yet">
              Run <code>understudy loop</code> to discover tasks, train specialists and evaluate them, or <code>understudy train &lt;task&gt;</code> for one task.
            </EmptyState>
          ) : (
            <JobsTable jobs={list.data} />
          )
        }
      </ResourceView>
    </div>
  );
}

function JobsTable({ jobs }: { jobs: DashboardJob[] }) {
  const ordered = [...jobs].sort((left, right) => right.createdAt - left.createdAt);
  return (
    <div className="table-card">
      <table className="table table-clickable" data-testid="jobs-table">
        <thead>
          <tr>
            <th>Job</th>
            <th>Task</th>
            <th>Status</th>
            <th className="progress-column">Progress</th>
            <th className="numeric">Loss</th>
            <th className="numeric">ETA</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((job) => (
            <tr key={job.id} data-testid={`job-row:${job.id}`} onClick={() => navigate(`/jobs/${encodeURIComponent(job.id)}`)}>
              <td>
                <a className="row-link" href={href(`/jobs/${encodeURIComponent(job.id)}`)} onClick={(event) => event.stopPropagation()}>
                  {job.kind}
                </a>
                <div className="cell-sub">
                  <code>{job.id}</code>
                </div>
              </td>
              <td>{job.task ?? <span className="muted">—</span>}</td>
              <td>
                <Figure name={`job-status:${job.id}`} value={job.status}>
                  <JobStatusBadge status={job.status} />
                </Figure>
                {job.status === 'failed' && job.error ? <div className="cell-sub cell-error">{job.error}</div> : null}
              </td>
              <td>
                <div className="progress-cell">
                  <ProgressBar step={job.step} totalSteps={job.totalSteps} status={job.status} />
                  <span className="progress-label">
                    <Figure name={`job-step:${job.id}`} value={job.step}>
                      {formatCount(job.step)}
                    </Figure>
                    {' / '}
                    <Figure name={`job-total-steps:${job.id}`} value={job.totalSteps}>
                      {formatCount(job.totalSteps)}
                    </Figure>
                  </span>
                </div>
                {job.message && isActiveJob(job) ? <div className="cell-sub">{job.message}</div> : null}
              </td>
              <td className="numeric">
                <Figure name={`job-loss:${job.id}`} value={job.loss}>
                  {job.loss === null ? '—' : job.loss.toFixed(4)}
                </Figure>
              </td>
              <td className="numeric">
                <Figure name={`job-eta:${job.id}`} value={isActiveJob(job) ? job.etaSeconds : null}>
                  {isActiveJob(job) ? formatDuration(job.etaSeconds) : job.finishedAt && job.startedAt ? <span className="muted">took {formatDuration((job.finishedAt - job.startedAt) / 1000)}</span> : '—'}
                </Figure>
              </td>
              <td className="nowrap" title={formatDateTime(job.createdAt)}>
                {formatRelative(job.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
