/**
 * Deletion's reach into the spool. Calls wait there, raw (before redaction at ingest), until a log writer
 * stores them; a segment left by a dead process waits until the next start replays it. A deletion must not let
 * such a segment bring deleted calls back, so the segments of dead processes are rewritten without the matching
 * calls (atomically: a temporary file renamed over the segment; a segment left empty is removed). Segments of
 * live processes are theirs: a running gateway flushes its own writer before deleting (`flushCalls`), and the
 * segments of other live processes are only counted, so the caller can say a deletion may be incomplete.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { callRecordSchema, type CallRecord } from '../contracts/call-record.ts';
import { isProcessAlive, spoolSegmentWriterPid } from './call-spool.ts';

export interface SpoolRemoval {
  /** Segments of dead processes read. */
  segmentsScanned: number;
  /** Segments rewritten without matching calls (those left empty are removed and counted here too). */
  segmentsRewritten: number;
  callsRemoved: number;
  /** Segments of other live processes, not touched: their calls may still reach the store after the deletion. */
  liveSegments: number;
}

/**
 * Rewrites every spool segment of a dead process in `spoolDirectory` without the calls `matches` selects.
 * Segments of this process are skipped (its own log writer owns them and is flushed by the caller).
 */
export async function removeSpooledCalls(spoolDirectory: string, matches: (record: CallRecord) => boolean): Promise<SpoolRemoval> {
  const removal: SpoolRemoval = { segmentsScanned: 0, segmentsRewritten: 0, callsRemoved: 0, liveSegments: 0 };
  let names: string[];
  try {
    names = readdirSync(spoolDirectory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return removal;
    throw error;
  }
  for (const name of names) {
    const pid = spoolSegmentWriterPid(name);
    if (pid === undefined) continue;
    if (pid === process.pid) continue;
    if (isProcessAlive(pid)) {
      removal.liveSegments += 1;
      continue;
    }
    removal.segmentsScanned += 1;
    const segmentPath = path.join(spoolDirectory, name);
    const lines = (await readFile(segmentPath, 'utf8')).split('\n').filter((line) => line.length > 0);
    // Lines that do not parse are kept as they are: the replay skips them, and they are not ours to judge.
    const kept = lines.filter((line) => !matchesLine(line, matches));
    if (kept.length === lines.length) continue;
    removal.callsRemoved += lines.length - kept.length;
    removal.segmentsRewritten += 1;
    if (kept.length === 0) {
      unlinkSync(segmentPath);
      continue;
    }
    // The temporary name does not match the segment pattern, so no replay ever picks it up half-written.
    const temporaryPath = path.join(spoolDirectory, `.rewrite-${process.pid}-${name}`);
    const descriptor = openSync(temporaryPath, 'w', 0o600);
    try {
      writeSync(descriptor, kept.map((line) => `${line}\n`).join(''));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporaryPath, segmentPath);
  }
  return removal;
}

function matchesLine(line: string, matches: (record: CallRecord) => boolean): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  const parsed = callRecordSchema.safeParse(value);
  return parsed.success && matches(parsed.data);
}
