/**
 * Writes one dataset version atomically: the files go to a temporary sibling directory that is renamed into
 * place, so a reader never sees half a version; the `latest` pointer is replaced the same way. A version
 * that already exists and verifies is kept as it is (same content, same version, first `createdAt`).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readDataset } from '../read-dataset.ts';
import type { DatasetManifest } from '../dataset-manifest.ts';
import { latestFileName, manifestFileName } from './dataset-paths.ts';

export async function writeDatasetVersion(
  taskDir: string,
  manifest: DatasetManifest,
  files: ReadonlyMap<string, string>,
): Promise<{ dir: string; manifest: DatasetManifest; reused: boolean }> {
  const versionDir = path.join(taskDir, manifest.version);
  await mkdir(taskDir, { recursive: true });
  const existing = await readDataset(versionDir).catch(() => null);
  if (existing !== null) {
    await writeLatest(taskDir, manifest.version);
    return { dir: versionDir, manifest: existing.manifest, reused: true };
  }
  const temporaryDir = path.join(taskDir, `.tmp-${manifest.version}-${process.pid}-${Date.now()}`);
  await mkdir(temporaryDir);
  try {
    for (const [fileName, content] of files) await writeFile(path.join(temporaryDir, fileName), content, 'utf8');
    await writeFile(path.join(temporaryDir, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    // A directory at the version's path that did not verify is a broken earlier write: replace it.
    await rm(versionDir, { recursive: true, force: true });
    await rename(temporaryDir, versionDir);
  } finally {
    await rm(temporaryDir, { recursive: true, force: true });
  }
  await writeLatest(taskDir, manifest.version);
  return { dir: versionDir, manifest, reused: false };
}

async function writeLatest(taskDir: string, version: string): Promise<void> {
  const temporaryPath = path.join(taskDir, `.${latestFileName}-${process.pid}-${Date.now()}`);
  await writeFile(temporaryPath, `${version}\n`, 'utf8');
  await rename(temporaryPath, path.join(taskDir, latestFileName));
}
