/**
 * A dataset version's provenance, `sources.json` beside its manifest: the ids of the calls whose examples could
 * be in it (every call that passed the filters; dedup may have kept another call's copy of an example, which
 * counts it conservatively). Deletion reads it to find the datasets built from deleted calls
 * (docs/data-protection.md). Kept apart from the manifest so a version's content hash stays a hash of content:
 * a rebuild with identical files from other calls reuses the version and adds its ids here.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const datasetSourcesFileName = 'sources.json';

const sourcesSchema = z.object({ formatVersion: z.literal(1), callIds: z.array(z.string()) });

/** The source call ids of a version directory, or null when it has no (readable) provenance file. */
export async function readDatasetSources(versionDir: string): Promise<string[] | null> {
  let text: string;
  try {
    text = await readFile(path.join(versionDir, datasetSourcesFileName), 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = sourcesSchema.safeParse(json);
  return parsed.success ? parsed.data.callIds : null;
}

/** Writes (or widens, for a reused version) the provenance file, atomically. */
export async function writeDatasetSources(versionDir: string, callIds: readonly string[]): Promise<void> {
  const ids = new Set([...((await readDatasetSources(versionDir)) ?? []), ...callIds]);
  const content = `${JSON.stringify({ formatVersion: 1, callIds: [...ids].sort() })}\n`;
  const temporaryPath = path.join(versionDir, `.${datasetSourcesFileName}-${process.pid}-${Date.now()}`);
  await writeFile(temporaryPath, content, { encoding: 'utf8', mode: 0o600 });
  await rename(temporaryPath, path.join(versionDir, datasetSourcesFileName));
}
