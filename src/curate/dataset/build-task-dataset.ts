/**
 * One task's dataset built the way every caller needs it (`understudy dataset build`, the loop): redacted with
 * the dataset's own pseudonym scope, whose real↔surrogate pairs are kept encrypted in the store's vault so the
 * next version of the same task's dataset uses the same surrogates for the same people.
 */
import path from 'node:path';
import type { PseudonymRepository } from '../../store/store.ts';
import { createRedactor } from '../redact/create-redactor.ts';
import { loadOrCreateSecretKey } from '../redact/load-or-create-secret-key.ts';
import { createPseudonymVault } from '../redact/pseudonym-vault.ts';
import { buildDataset, type BuiltDataset } from './build-dataset.ts';
import { datasetOrderKey } from './internal/canonical-example-order.ts';

export interface BuildTaskDatasetOptions {
  taskId: string;
  /** The task's calls (others are the caller's business to leave out). */
  calls: Iterable<unknown>;
  pseudonyms: PseudonymRepository;
  dataDir: string;
  mode: 'surrogate' | 'placeholder';
  /** Default `<dataDir>/datasets`. */
  outDir?: string;
  seed?: string;
}

export async function buildTaskDataset(options: BuildTaskDatasetOptions): Promise<BuiltDataset> {
  const secretKey = loadOrCreateSecretKey(options.dataDir);
  const vault = createPseudonymVault({ repository: options.pseudonyms, secretKey });
  const scope = `dataset:${options.taskId}`;
  const redactor = createRedactor({ mode: options.mode, scope, secretKey, known: await vault.known(scope) });
  const built = await buildDataset({
    task: options.taskId,
    calls: options.calls,
    redactor,
    outDir: path.resolve(options.outDir ?? path.join(options.dataDir, 'datasets')),
    orderKey: datasetOrderKey(secretKey),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  await vault.save(scope, redactor.takeNewMappings());
  return built;
}
