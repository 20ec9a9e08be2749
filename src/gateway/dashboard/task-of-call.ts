/** The task a logged call belongs to on the dashboard (the same rule as the economics'). */
import type { CallRecord } from '../../contracts/call-record.ts';

/** The router's classification where it ran, else the declared (or discovered) task; null for neither. */
export function taskOfCall(call: Pick<CallRecord, 'task' | 'routing'>): string | null {
  return call.routing?.task ?? call.task ?? null;
}
