/** Reads every logged call matching a filter, oldest first, in pages (reports and dataset builds need them all). */
import type { CallRecord } from '../contracts/call-record.ts';
import type { CallFilter, Store } from './store.ts';

const pageSize = 5_000;

export async function loadCalls(store: Store, filter: CallFilter): Promise<CallRecord[]> {
  const calls: CallRecord[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await store.calls.list({ ...filter, limit: pageSize, offset, order: 'asc' });
    calls.push(...page);
    if (page.length < pageSize) return calls;
  }
}
