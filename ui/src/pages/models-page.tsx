import { useState } from 'react';
import type { DashboardModel, ListResponse } from '../api/contract-types.ts';
import { useResource } from '../api/use-resource.ts';
import { Badge } from '../components/badge.tsx';
import { Figure } from '../components/figure.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { SortHeader, useSortedRows, type SortValue } from '../components/sortable.tsx';
import { EmptyState, ResourceView } from '../components/states.tsx';
import { formatCompact, formatMebibytes, formatParameters } from '../lib/format.ts';

type ModelColumn = 'name' | 'family' | 'parameters' | 'context' | 'memory' | 'licence';

const accessors: Record<ModelColumn, (model: DashboardModel) => SortValue> = {
  name: (model) => model.name.toLowerCase(),
  family: (model) => model.family.toLowerCase(),
  parameters: (model) => model.parameters,
  context: (model) => model.contextLength,
  memory: (model) => model.memoryMiB,
  licence: (model) => model.licence.toLowerCase(),
};

export function ModelsPage() {
  const models = useResource<ListResponse<DashboardModel>>('/admin/models');
  return (
    <div className="page">
      <PageHeader title="Model catalog" subtitle="Base models a specialist can start from, with licence and the memory they need." />
      <ResourceView resource={models}>
        {(list) =>
          list.data.length === 0 ? (
            <EmptyState title="The catalog is empty">The model catalog ships with the package (data/); reinstall Understudy if it is missing.</EmptyState>
          ) : (
            <ModelsTable models={list.data} />
          )
        }
      </ResourceView>
    </div>
  );
}

function ModelsTable({ models }: { models: DashboardModel[] }) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const visible = needle ? models.filter((model) => `${model.name} ${model.family} ${model.id} ${model.licence}`.toLowerCase().includes(needle)) : models;
  const { sorted, sort, toggle } = useSortedRows(visible, accessors, { key: 'parameters', direction: 'asc' });
  return (
    <>
      <div className="toolbar">
        <input className="input" type="search" placeholder="Filter by name, family or licence" value={filter} onChange={(event) => setFilter(event.target.value)} aria-label="Filter models" />
        <span className="muted">
          {visible.length} of {models.length} models · {models.filter((model) => model.cached).length} cached locally
        </span>
      </div>
      <div className="table-card">
        <table className="table" data-testid="models-table">
          <thead>
            <tr>
              <SortHeader label="Model" column="name" sort={sort} onSort={toggle} />
              <SortHeader label="Family" column="family" sort={sort} onSort={toggle} />
              <SortHeader label="Parameters" column="parameters" sort={sort} onSort={toggle} align="right" />
              <SortHeader label="Context" column="context" sort={sort} onSort={toggle} align="right" />
              <SortHeader label="Memory (Q4_K_M)" column="memory" sort={sort} onSort={toggle} align="right" />
              <SortHeader label="Licence" column="licence" sort={sort} onSort={toggle} />
              <th>Local</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((model) => (
              <tr key={model.id} data-testid={`model-row:${model.id}`}>
                <td>
                  {model.name}
                  <div className="cell-sub">
                    <code>{model.id}</code>
                  </div>
                </td>
                <td>{model.family}</td>
                <td className="numeric">
                  <Figure name={`model-parameters:${model.id}`} value={model.parameters}>
                    {formatParameters(model.parameters)}
                  </Figure>
                </td>
                <td className="numeric">
                  <Figure name={`model-context:${model.id}`} value={model.contextLength}>
                    {formatCompact(model.contextLength)}
                  </Figure>
                </td>
                <td className="numeric">
                  <Figure name={`model-memory-mib:${model.id}`} value={model.memoryMiB}>
                    {formatMebibytes(model.memoryMiB)}
                  </Figure>
                </td>
                <td>
                  {model.licence}{' '}
                  {model.commercialUse === true ? null : <Badge tone={model.commercialUse === false ? 'red' : 'amber'}>{model.commercialUse === false ? 'non-commercial' : 'conditions'}</Badge>}
                </td>
                <td>{model.cached ? <Badge tone="green">cached</Badge> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
