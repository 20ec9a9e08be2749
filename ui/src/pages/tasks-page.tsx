import type { DashboardTaskRow, ListResponse } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { RouteModeBadge, VerdictBadge } from '../components/badge.tsx';
import { ShareBar } from '../components/bars.tsx';
import { Figure } from '../components/figure.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SortHeader, useSortedRows, type SortValue } from '../components/sortable.tsx';
import { EmptyState, ResourceView } from '../components/states.tsx';
import { formatCount, formatPercent, formatUsd } from '../lib/format.ts';
import { href, navigate } from '../lib/hash-router.ts';

type TaskColumn = 'name' | 'calls' | 'spend' | 'verdict' | 'route' | 'agreement' | 'evalAgreement' | 'escalationRate';

const verdictOrder = { replace: 3, candidate: 2, 'keep-on-llm': 1, unknown: 0 } as const;
const modeOrder = { live: 3, canary: 2, shadow: 1, off: 0 } as const;

const accessors: Record<TaskColumn, (row: DashboardTaskRow) => SortValue> = {
  name: (row) => row.name.toLowerCase(),
  calls: (row) => row.calls,
  spend: (row) => row.spendShare,
  verdict: (row) => verdictOrder[row.verdict],
  route: (row) => modeOrder[row.route?.mode ?? 'off'],
  agreement: (row) => row.agreement,
  evalAgreement: (row) => row.evalAgreement,
  escalationRate: (row) => row.escalationRate,
};

export function TasksPage() {
  const tasks = useResource<ListResponse<DashboardTaskRow>>('/admin/tasks', { pollMs: 30_000 });
  return (
    <div className="page">
      <PageHeader title="Tasks" subtitle="Recurring kinds of calls, declared by the agent or discovered in the log, with their route." />
      <ResourceView resource={tasks}>
        {(list) =>
          list.data.length === 0 ? (
            <EmptyState title="No tasks yet">
              Tasks are found in the logged calls. Once some calls are in, run <code>understudy report</code> to discover the recurring tasks and judge which can move
              to a specialist.
            </EmptyState>
          ) : (
            <TasksTable rows={list.data} />
          )
        }
      </ResourceView>
    </div>
  );
}

function TasksTable({ rows }: { rows: DashboardTaskRow[] }) {
  const { sorted, sort, toggle } = useSortedRows(rows, accessors, { key: 'calls', direction: 'desc' });
  return (
    <div className="table-card">
      <table className="table table-clickable" data-testid="tasks-table">
        <thead>
          <tr>
            <SortHeader label="Task" column="name" sort={sort} onSort={toggle} />
            <SortHeader label="Calls" column="calls" sort={sort} onSort={toggle} align="right" />
            <SortHeader label="Spend share" column="spend" sort={sort} onSort={toggle} />
            <SortHeader label="Verdict" column="verdict" sort={sort} onSort={toggle} />
            <SortHeader label="Route" column="route" sort={sort} onSort={toggle} />
            <SortHeader label="Live agreement" column="agreement" sort={sort} onSort={toggle} align="right" />
            <SortHeader label="Eval agreement" column="evalAgreement" sort={sort} onSort={toggle} align="right" />
            <SortHeader label="Escalations" column="escalationRate" sort={sort} onSort={toggle} align="right" />
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={row.id} data-testid={`task-row:${row.id}`} onClick={() => navigate(`/tasks/${encodeURIComponent(row.id)}`)}>
              <td>
                <a className="row-link" href={href(`/tasks/${encodeURIComponent(row.id)}`)} onClick={(event) => event.stopPropagation()}>
                  {row.name}
                </a>
                <div className="cell-sub">
                  {row.source}
                  {row.agency === 'code' ? ' · code' : ''}
                  {row.openEnded ? ' · open-ended' : ''}
                </div>
              </td>
              <td className="numeric">
                <Figure name={`task-calls:${row.id}`} value={row.calls}>
                  {formatCount(row.calls)}
                </Figure>
              </td>
              <td>
                <div className="share-cell" title={formatUsd(row.costUsd)}>
                  <ShareBar share={row.spendShare} />
                  <Figure name={`task-spend-share:${row.id}`} value={row.spendShare} className="share-value">
                    {formatPercent(row.spendShare)}
                  </Figure>
                </div>
              </td>
              <td>
                <VerdictBadge verdict={row.verdict} />
              </td>
              <td>
                <Figure name={`task-route-mode:${row.id}`} value={row.route?.mode ?? 'off'}>
                  <RouteModeBadge mode={row.route?.mode ?? 'off'} canaryShare={row.route?.canaryShare ?? null} />
                </Figure>
              </td>
              <td className="numeric">
                <Figure name={`task-agreement:${row.id}`} value={row.agreement}>
                  {formatPercent(row.agreement)}
                </Figure>
              </td>
              <td className="numeric">
                <Figure name={`task-eval-agreement:${row.id}`} value={row.evalAgreement}>
                  {formatPercent(row.evalAgreement)}
                </Figure>
              </td>
              <td className="numeric">
                <Figure name={`task-escalation-rate:${row.id}`} value={row.escalationRate}>
                  {formatPercent(row.escalationRate)}
                </Figure>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
