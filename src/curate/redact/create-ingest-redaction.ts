/**
 * Redaction at ingest: the ingest transform (src/capture/segment-storer.ts) that the log writer's storer runs
 * on each batch before inserting it, off the request path. One redactor per project (the scope), seeded from
 * the pseudonym vault so numbering and probing continue across restarts; the new mappings are saved encrypted
 * before the calls they belong to, so a stored surrogate can always be revealed. Calls wait raw in the spool
 * until stored — the only place unredacted calls stay on disk.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import type { IngestTransform, IngestTransformModule } from '../../capture/segment-storer.ts';
import type { Store } from '../../store/store.ts';
import type { PseudonymMapping, RedactionMode, Redactor } from '../redactor.ts';
import { createRedactor } from './create-redactor.ts';
import { createPseudonymVault } from './pseudonym-vault.ts';

export interface IngestRedactionOptions {
  mode: RedactionMode;
  secretKey: Uint8Array;
  defaultCountry?: string;
}

/** Creates the transform for a store in this thread (the in-process storer, tests). */
export function createIngestRedaction(options: IngestRedactionOptions & { store: Pick<Store, 'pseudonyms'> }): IngestTransform {
  const vault = createPseudonymVault({ repository: options.store.pseudonyms, secretKey: options.secretKey });
  const redactors = new Map<string, Promise<Redactor>>();
  /** Mappings made but not yet saved (a failed save is retried with the next batch). */
  const unsaved = new Map<string, PseudonymMapping[]>();

  function redactorFor(scope: string): Promise<Redactor> {
    let redactor = redactors.get(scope);
    if (redactor === undefined) {
      redactor = vault.known(scope).then((known) => createRedactor({ mode: options.mode, scope, secretKey: options.secretKey, defaultCountry: options.defaultCountry, known }));
      redactor.catch(() => redactors.delete(scope));
      redactors.set(scope, redactor);
    }
    return redactor;
  }

  return {
    async apply(records) {
      const redacted: CallRecord[] = [];
      const scopes = new Set<string>();
      for (const record of records) {
        const redactor = await redactorFor(record.projectId);
        redacted.push(redactor.redactCall(record));
        scopes.add(record.projectId);
      }
      for (const scope of scopes) {
        const redactor = await redactorFor(scope);
        const pending = [...(unsaved.get(scope) ?? []), ...redactor.takeNewMappings()];
        unsaved.set(scope, pending);
        if (pending.length > 0) await vault.save(scope, pending);
        unsaved.delete(scope);
      }
      return redacted;
    },
  };
}

/** What the worker thread is sent: structured-clone safe (the key as base64). */
interface WorkerOptions {
  mode: RedactionMode;
  secretKeyBase64: string;
  defaultCountry?: string;
}

/** The transform as a module the log writer's worker thread can load (see `createWorkerSegmentStorer`). */
export function ingestRedactionModule(options: IngestRedactionOptions): IngestTransformModule {
  const workerOptions: WorkerOptions = { mode: options.mode, secretKeyBase64: Buffer.from(options.secretKey).toString('base64'), ...(options.defaultCountry === undefined ? {} : { defaultCountry: options.defaultCountry }) };
  return { module: import.meta.url, options: workerOptions };
}

/** Entry point the worker calls with `ingestRedactionModule`'s options and its own store connection. */
export function createIngestTransform(options: unknown, store: Store): IngestTransform {
  const { mode, secretKeyBase64, defaultCountry } = options as WorkerOptions;
  return createIngestRedaction({ mode, secretKey: Buffer.from(secretKeyBase64, 'base64'), store, ...(defaultCountry === undefined ? {} : { defaultCountry }) });
}
