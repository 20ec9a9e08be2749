/** Where a task's dataset versions live: `<outDir>/<task-slug>/<version>/` with a `latest` file beside them. */
import path from 'node:path';
import { canonicalJson, sha256Hex } from './canonical-json.ts';

/** A task id as a directory name: `support/extract-order` → `support-extract-order`. */
export function taskSlug(task: string): string {
  const slug = task
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return slug.length === 0 ? 'task' : slug.slice(0, 100);
}

export function datasetVersion(task: string, fileHashes: Readonly<Record<string, string>>): string {
  return `v-${sha256Hex(canonicalJson({ task, files: fileHashes })).slice(0, 12)}`;
}

export function taskDirectory(outDir: string, task: string): string {
  return path.join(outDir, taskSlug(task));
}

export const latestFileName = 'latest';
export const manifestFileName = 'manifest.json';
