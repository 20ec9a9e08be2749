import type { DashboardEscalations, DashboardTaskRow, EscalationReason, ListResponse } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { Figure } from '../components/figure.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { EmptyState, ResourceView } from '../components/states.tsx';
import { formatCount, formatDateTime, formatRelative } from '../lib/format.ts';
import { href, navigate, useLocation } from '../lib/hash-router.ts';
import { CallPanel } from './call-panel.tsx';

const pageSize = 50;

/** Every reason, in the contract's order, so the chips keep their places when a count is zero. */
export const escalationReasons: Array<{ reason: EscalationReason; label: string }> = [
  { reason: 'invalid_output', label: 'Invalid output' },
  { reason: 'low_confidence', label: 'Low confidence' },
  { reason: 'timeout', label: 'Timeout' },
  { reason: 'specialist_down', label: 'Specialist down' },
  { reason: 'specialist_error', label: 'Specialist error' },
  { reason: 'unsupported_request', label: 'Unsupported request' },
  { reason: 'prompt_changed', label: 'Prompt changed' },
];

function reasonLabel(reason: EscalationReason | null): string {
  return escalationReasons.find((item) => item.reason === reason)?.label ?? 'unknown';
}

export function EscalationsPage() {
  const { query } = useLocation();
  const task = query.get('task');
  const reason = query.get('reason');
  const callId = query.get('call');
  const page = Math.max(0, Number(query.get('page') ?? '0') || 0);
  const filters = { task, reason, page: page > 0 ? String(page) : null };

  const search = new URLSearchParams({ limit: String(pageSize), offset: String(page * pageSize) });
  if (task) search.set('task', task);
  if (reason) search.set('reason', reason);
  const escalations = useResource<DashboardEscalations>(`/admin/escalations?${search.toString()}`);
  const tasks = useResource<ListResponse<DashboardTaskRow>>('/admin/tasks');

  const taskNames = new Map((tasks.data?.data ?? []).map((row) => [row.id, row.name]));
  const setFilters = (changes: Partial<Record<'task' | 'reason' | 'page' | 'call', string | null>>) => navigate('/escalations', { ...filters, page: null, call: null, ...changes });

  return (
    <div className="page">
      <PageHeader
        title="Escalations"
        subtitle="Calls a specialist was meant to answer that the LLM answered instead, and why."
        actions={
          <select className="input" value={task ?? ''} onChange={(event) => setFilters({ task: event.target.value || null })} aria-label="Filter by task" data-testid="escalation-task-filter">
            <option value="">All tasks</option>
            {(tasks.data?.data ?? []).map((row) => (
              <option key={row.id} value={row.id}>
                {row.name}
              </option>
            ))}
            {task && !(tasks.data?.data ?? []).some((row) => row.id === task) ? <option value={task}>{task}</option> : null}
          </select>
        }
      />
      <ResourceView resource={escalations}>
        {(data) => (
          <>
            <div className="reason-chips" role="group" aria-label="Filter by reason">
              <button type="button" className={`chip${reason === null ? ' chip-active' : ''}`} onClick={() => setFilters({ reason: null })}>
                All
                <Figure name="escalations-total" value={data.total} className="chip-count">
                  {formatCount(data.total)}
                </Figure>
              </button>
              {escalationReasons.map((item) => {
                const count = data.byReason[item.reason] ?? 0;
                return (
                  <button
                    key={item.reason}
                    type="button"
                    className={`chip${reason === item.reason ? ' chip-active' : ''}`}
                    onClick={() => setFilters({ reason: reason === item.reason ? null : item.reason })}
                    data-testid={`escalation-reason-${item.reason}`}
                  >
                    {item.label}
                    <Figure name={`escalations-reason:${item.reason}`} value={count} className="chip-count">
                      {formatCount(count)}
                    </Figure>
                  </button>
                );
              })}
            </div>
            <ReasonBars byReason={data.byReason} />
            {data.data.length === 0 ? (
              <EmptyState title={task || reason ? 'No escalations match these filters' : 'No escalations'}>
                {task || reason ? (
                  <a href={href('/escalations')}>Clear the filters</a>
                ) : (
                  <>Escalations appear once a task is routed to a specialist in canary or live mode (see a task's route controls, or run <code>understudy loop</code>).</>
                )}
              </EmptyState>
            ) : (
              <>
                <div className="table-card">
                  <table className="table table-clickable" data-testid="escalations-table">
                    <thead>
                      <tr>
                        <th>When</th>
                        <th>Task</th>
                        <th>Reason</th>
                        <th className="numeric">Confidence</th>
                        <th>Specialist</th>
                        <th>Call</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.data.map((row) => (
                        <tr key={row.callId} data-testid={`escalation-row:${row.callId}`} className={row.callId === callId ? 'row-selected' : undefined} onClick={() => setFilters({ page: filters.page, call: row.callId })}>
                          <td className="nowrap" title={formatDateTime(row.at)}>
                            {formatRelative(row.at)}
                          </td>
                          <td>
                            <a href={href(`/tasks/${encodeURIComponent(row.task)}`)} onClick={(event) => event.stopPropagation()}>
                              {taskNames.get(row.task) ?? row.task}
                            </a>
                          </td>
                          <td>
                            <span className={`reason reason-${row.reason ?? 'unknown'}`}>{reasonLabel(row.reason)}</span>
                          </td>
                          <td className="numeric">{row.confidence === null ? '—' : row.confidence.toFixed(2)}</td>
                          <td>
                            <code>{row.specialistId}</code>
                          </td>
                          <td>
                            <a href={href('/escalations', { ...filters, call: row.callId })} onClick={(event) => event.stopPropagation()}>
                              <code>{row.callId}</code>
                            </a>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pagination page={page} total={data.total} onPage={(next) => setFilters({ page: next > 0 ? String(next) : null })} />
              </>
            )}
          </>
        )}
      </ResourceView>
      {callId ? <CallPanel callId={callId} onClose={() => navigate('/escalations', filters)} /> : null}
    </div>
  );
}

/** A horizontal bar per reason, scaled to the largest count. */
function ReasonBars({ byReason }: { byReason: DashboardEscalations['byReason'] }) {
  const counts = escalationReasons.map((item) => ({ ...item, count: byReason[item.reason] ?? 0 })).filter((item) => item.count > 0);
  const largest = Math.max(1, ...counts.map((item) => item.count));
  if (counts.length === 0) return null;
  return (
    <div className="reason-bars" aria-hidden="true">
      {counts.map((item) => (
        <div className="reason-bar-row" key={item.reason}>
          <span className="reason-bar-label">{item.label}</span>
          <span className="reason-bar-track">
            <span className={`reason-bar-fill reason-${item.reason}`} style={{ width: `${(item.count / largest) * 100}%` }} />
          </span>
          <span className="reason-bar-count">{formatCount(item.count)}</span>
        </div>
      ))}
    </div>
  );
}

function Pagination({ page, total, onPage }: { page: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  return (
    <div className="pagination">
      <span className="muted">
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
      </span>
      <button type="button" className="button" disabled={page === 0} onClick={() => onPage(page - 1)} data-testid="page-previous">
        Previous
      </button>
      <span className="muted">
        page {page + 1} of {pages}
      </span>
      <button type="button" className="button" disabled={page + 1 >= pages} onClick={() => onPage(page + 1)} data-testid="page-next">
        Next
      </button>
    </div>
  );
}
