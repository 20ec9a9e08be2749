import { useMemo, useState } from 'react';

export type SortDirection = 'asc' | 'desc';
export type SortValue = number | string | null;

export interface SortState<K extends string> {
  key: K;
  direction: SortDirection;
}

/**
 * Client-side sorting for small tables: `accessors` maps each column key to the value it sorts by. Nulls go
 * last whichever the direction.
 */
export function useSortedRows<T, K extends string>(rows: readonly T[], accessors: Record<K, (row: T) => SortValue>, initial: SortState<NoInfer<K>>) {
  const [sort, setSort] = useState<SortState<K>>(initial);
  const sorted = useMemo(() => {
    const accessor = accessors[sort.key];
    const factor = sort.direction === 'asc' ? 1 : -1;
    return [...rows].sort((left, right) => {
      const a = accessor(left);
      const b = accessor(right);
      if (a === b) return 0;
      if (a === null) return 1;
      if (b === null) return -1;
      return (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))) * factor;
    });
    // Accessors are static per table; sorting follows rows and the sort state.
  }, [rows, sort]);
  const toggle = (key: K) =>
    setSort((current) => (current.key === key ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: typeof accessors[key](rows[0] as T) === 'string' ? 'asc' : 'desc' }));
  return { sorted, sort, toggle };
}

export function SortHeader<K extends string>({ label, column, sort, onSort, align }: { label: string; column: K; sort: SortState<K>; onSort: (key: K) => void; align?: 'right' }) {
  const active = sort.key === column;
  return (
    <th className={align === 'right' ? 'numeric' : undefined} aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className={`sort-button${active ? ' sort-active' : ''}`} onClick={() => onSort(column)}>
        {label}
        <span className="sort-indicator" aria-hidden="true">
          {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
