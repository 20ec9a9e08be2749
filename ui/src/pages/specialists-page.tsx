import type { DashboardSpecialist, ListResponse } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { Badge, RouteModeBadge } from '../components/badge.tsx';
import { Figure } from '../components/figure.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { EmptyState, ResourceView } from '../components/states.tsx';
import { formatDateTime, formatPercent, formatRelative } from '../lib/format.ts';
import { href } from '../lib/hash-router.ts';

export function SpecialistsPage() {
  const specialists = useResource<ListResponse<DashboardSpecialist>>('/admin/specialists');
  return (
    <div className="page">
      <PageHeader title="Specialists" subtitle="Small models trained for one task each: base model plus adapter." />
      <ResourceView resource={specialists}>
        {(list) =>
          list.data.length === 0 ? (
            <EmptyState title="No specialists yet">
              Run <code>understudy loop</code>: it discovers the recurring tasks, trains a specialist for each task worth moving and evaluates it before any
              traffic reaches it.
            </EmptyState>
          ) : (
            <div className="table-card">
              <table className="table" data-testid="specialists-table">
                <thead>
                  <tr>
                    <th>Specialist</th>
                    <th>Task</th>
                    <th>Base model</th>
                    <th>Status</th>
                    <th>Routed</th>
                    <th className="numeric">Eval agreement</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {[...list.data]
                    .sort((left, right) => right.createdAt - left.createdAt)
                    .map((specialist) => (
                      <tr key={specialist.id} data-testid={`specialist-row:${specialist.id}`}>
                        <td>
                          {specialist.name}
                          <div className="cell-sub">
                            <code>{specialist.id}</code>
                          </div>
                        </td>
                        <td>
                          <a href={href(`/tasks/${encodeURIComponent(specialist.task)}`)}>{specialist.task}</a>
                        </td>
                        <td>
                          <code>{specialist.baseModel}</code>
                          {specialist.adapterPath ? <div className="cell-sub" title={specialist.adapterPath}>+ LoRA adapter</div> : null}
                        </td>
                        <td>
                          <Figure name={`specialist-status:${specialist.id}`} value={specialist.status}>
                            <Badge tone={specialist.status === 'ready' ? 'green' : 'neutral'}>{specialist.status}</Badge>
                          </Figure>
                        </td>
                        <td>
                          <Figure name={`specialist-routed:${specialist.id}`} value={specialist.routedIn}>
                            {specialist.routedIn ? <RouteModeBadge mode={specialist.routedIn} /> : <span className="muted">not routed</span>}
                          </Figure>
                        </td>
                        <td className="numeric">
                          <Figure name={`specialist-eval-agreement:${specialist.id}`} value={specialist.evalAgreement}>
                            {formatPercent(specialist.evalAgreement)}
                          </Figure>
                        </td>
                        <td className="nowrap" title={formatDateTime(specialist.createdAt)}>
                          {formatRelative(specialist.createdAt)}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )
        }
      </ResourceView>
    </div>
  );
}
