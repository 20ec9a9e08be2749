/**
 * Deletion of captured data, end to end (docs/data-protection.md): by episode, end user or project, or by age
 * (retention). One pass reaches every place a call's bytes can be: the spool (the running writer is flushed
 * first; segments of dead processes are rewritten without the calls), the store (calls, their observations,
 * the pseudonym mappings only they used), what was built from them (datasets, specialists, adapters, cached
 * trainings, evaluations; routes serving those specialists go `off`), and finally the database files
 * themselves (compaction: no deleted byte left in free pages or the write-ahead log).
 *
 * The gateway's `POST /admin/data/deletions`, `understudy data delete`, `understudy data retention` and the
 * gateway's retention sweep all call this.
 */
import path from 'node:path';
import type { CallRecord } from '../contracts/call-record.ts';
import type { DataConfig } from '../contracts/config.ts';
import { UnderstudyError } from '../contracts/errors.ts';
import { removeSpooledCalls, type SpoolRemoval } from '../capture/remove-spooled-calls.ts';
import type { CallSelector, DeletedCallText, Store } from '../store/store.ts';
import { removeDerivedData, type DerivedDataRemoval } from './internal/remove-derived-data.ts';

export interface DeleteCapturedDataOptions {
  store: Store;
  dataDir: string;
  /** Which calls; at least one field. */
  selector: CallSelector;
  /**
   * Stores what this process's own log writer holds before deleting (a running gateway passes its writer's
   * flush), so a call logged a moment ago is deleted too rather than stored after the deletion.
   */
  flushCalls?: () => Promise<void>;
  /** Roots of the dataset folders; default `<dataDir>/datasets`. */
  datasetDirs?: readonly string[];
  /** The shared cache root (`UNDERSTUDY_CACHE_DIR`), whose `specialists/` holds cached trainings; default `dataDir`. */
  cacheDir?: string;
  /** Skip compaction (a caller that deletes several selectors compacts once at the end). */
  compact?: boolean;
  now?: () => number;
}

export interface DataDeletionReport {
  selector: CallSelector;
  calls: number;
  observations: number;
  /** Pseudonym rows deleted: mappings of the projects' ingest scopes no remaining call uses, plus the deleted datasets' scopes. */
  pseudonyms: number;
  spool: SpoolRemoval;
  derived: DerivedDataRemoval;
  /** Whether the database was compacted afterwards. */
  compacted: boolean;
}

/**
 * Deletes the selected calls and everything derived from them.
 *
 * @example
 * const report = await deleteCapturedData({ store, dataDir, selector: { endUserId: 'user-42' } });
 * console.log(report.calls, report.derived.datasets.length);
 *
 * @throws UnderstudyError `invalid_request` when the selector is empty.
 */
export async function deleteCapturedData(options: DeleteCapturedDataOptions): Promise<DataDeletionReport> {
  const { store, selector } = options;
  const now = options.now ?? Date.now;
  if ([selector.projectId, selector.episodeId, selector.endUserId, selector.before].every((value) => value === undefined)) {
    throw new UnderstudyError('invalid_request', 'A deletion needs at least one of projectId, episodeId, endUserId or before.');
  }
  await options.flushCalls?.();
  const spool = await removeSpooledCalls(path.join(options.dataDir, 'spool'), (record) => matchesSelector(record, selector));

  const usage = createPseudonymUsage(store);
  const deleted = await store.data.deleteCalls(selector, { onBatch: usage.inspect });
  const wholeProject = selector.episodeId === undefined && selector.endUserId === undefined && selector.before === undefined ? selector.projectId : undefined;
  const pseudonyms = await usage.deleteUnused(wholeProject);

  const derived = await removeDerivedData({
    store,
    dataDir: options.dataDir,
    deleted,
    datasetDirs: options.datasetDirs ?? [path.join(options.dataDir, 'datasets')],
    cacheDir: options.cacheDir ?? options.dataDir,
    now: now(),
  });
  const compacted = options.compact !== false && (deleted.calls > 0 || pseudonyms > 0 || derived.pseudonyms > 0);
  if (compacted) await store.data.compact();
  return { selector, calls: deleted.calls, observations: deleted.observations, pseudonyms: pseudonyms + derived.pseudonyms, spool, derived, compacted };
}

export interface RetentionReport {
  /** The cut-off applied to calls (epoch ms), or null when no call retention is configured. */
  callsBefore: number | null;
  calls: DataDeletionReport | null;
  /** The cut-off applied to finished jobs, or null. */
  jobsBefore: number | null;
  jobs: number;
}

const dayMs = 86_400_000;

/**
 * Applies `data.callRetentionDays` and `data.jobRetentionDays` now: calls that started before the cut-off are
 * deleted as by `deleteCapturedData`, finished jobs that ended before theirs are deleted. Nothing happens for a
 * retention that is not configured.
 */
export async function applyRetention(
  options: Omit<DeleteCapturedDataOptions, 'selector' | 'compact'> & { retention: Pick<DataConfig, 'callRetentionDays' | 'jobRetentionDays'> },
): Promise<RetentionReport> {
  const now = (options.now ?? Date.now)();
  const { callRetentionDays, jobRetentionDays } = options.retention;
  const jobsBefore = jobRetentionDays === undefined ? null : now - jobRetentionDays * dayMs;
  const jobs = jobsBefore === null ? 0 : await options.store.data.deleteFinishedJobs(jobsBefore);
  const callsBefore = callRetentionDays === undefined ? null : now - callRetentionDays * dayMs;
  const calls = callsBefore === null ? null : await deleteCapturedData({ ...options, selector: { before: callsBefore }, compact: false });
  if (jobs > 0 || (calls !== null && calls.calls + calls.pseudonyms > 0)) await options.store.data.compact();
  return { callsBefore, calls: calls === null ? null : { ...calls, compacted: jobs > 0 || calls.calls + calls.pseudonyms > 0 }, jobsBefore, jobs };
}

function matchesSelector(record: CallRecord, selector: CallSelector): boolean {
  return (
    (selector.projectId === undefined || record.projectId === selector.projectId) &&
    (selector.episodeId === undefined || record.episodeId === selector.episodeId) &&
    (selector.endUserId === undefined || record.endUserId === selector.endUserId) &&
    (selector.before === undefined || record.startedAt < selector.before)
  );
}

/**
 * Finds which ingest pseudonyms (scope = project id) the deleted calls used, so that the mappings no remaining
 * call uses can be deleted with them. A mapping a remaining call still shows is kept: it is what lets an audit
 * reveal that call's surrogate, and it holds only ciphertext.
 */
function createPseudonymUsage(store: Store) {
  const surrogatesByScope = new Map<string, Promise<Array<{ surrogate: string; inJson: string }>>>();
  const candidates = new Map<string, Set<string>>();

  function surrogatesOf(scope: string) {
    let surrogates = surrogatesByScope.get(scope);
    if (surrogates === undefined) {
      surrogates = store.pseudonyms
        .listScope(scope)
        .then((records) => [...new Set(records.map((record) => record.surrogate))].map((surrogate) => ({ surrogate, inJson: JSON.stringify(surrogate).slice(1, -1) })));
      surrogatesByScope.set(scope, surrogates);
    }
    return surrogates;
  }

  return {
    async inspect(calls: readonly DeletedCallText[]): Promise<void> {
      for (const call of calls) {
        const surrogates = await surrogatesOf(call.projectId);
        if (surrogates.length === 0) continue;
        const found = candidates.get(call.projectId) ?? new Set<string>();
        for (const { surrogate, inJson } of surrogates) if (call.text.includes(inJson)) found.add(surrogate);
        candidates.set(call.projectId, found);
      }
    },
    /** Deletes the candidates no remaining call uses; every row of the scope when the whole project went. */
    async deleteUnused(wholeProject: string | undefined): Promise<number> {
      if (wholeProject !== undefined) return store.data.deletePseudonyms(wholeProject);
      let deleted = 0;
      for (const [scope, surrogates] of candidates) {
        const stillUsed = await store.data.findStringsInCalls(scope, [...surrogates]);
        const unused = [...surrogates].filter((surrogate) => !stillUsed.has(surrogate));
        if (unused.length > 0) deleted += await store.data.deletePseudonyms(scope, unused);
      }
      return deleted;
    },
  };
}
