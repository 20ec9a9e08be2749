/**
 * The spool: an append-only local file of finished calls, written before the client receives the last
 * byte of its response. A plain `write` (no fsync) is enough to survive the gateway process dying — the
 * page cache outlives the process — and costs microseconds. Calls move from the spool to the store in
 * batches; a segment file is deleted once every call in it is stored, and any segment left behind by a
 * dead process is replayed on start.
 *
 * Invariants: the spool holds CallRecords only (request bodies, never headers, so never Authorization or
 * provider keys); files are created 0600 in a 0700 directory; one segment is written by one process.
 */
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { callRecordSchema, type CallRecord } from '../contracts/call-record.ts';

export interface SpoolSegment {
  path: string;
  /** Process that wrote it: segments of live processes other than this one are never replayed. */
  pid: number;
}

export interface SpoolReadResult {
  records: CallRecord[];
  /** Lines that did not parse as a CallRecord (e.g. a partial line after power loss); they are skipped. */
  corruptLines: number;
}

const segmentPattern = /^segment-(\d+)-(\d+)-(\d+)\.jsonl$/;

export class CallSpool {
  readonly directory: string;
  private fileDescriptor: number | null = null;
  private currentPath: string | null = null;
  /** Bytes of whole lines in the segment being written: a failed append is cut back to this length. */
  private currentSize = 0;
  private tailDamaged = false;
  private sequence = 0;

  constructor(directory: string) {
    this.directory = directory;
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    chmodSync(directory, 0o700);
  }

  /**
   * Appends one JSON line. Synchronous on purpose: when it returns, the call survives a SIGKILL.
   *
   * Throws when the line could not be written whole (`ENOSPC` on a full disk, `EIO`, …). A partial line is cut
   * off again first: left in place it would glue itself to the next call's line and spoil both.
   */
  append(line: string): void {
    if (this.fileDescriptor === null) this.openSegment();
    const fileDescriptor = this.fileDescriptor as number;
    const text = this.tailDamaged ? '\n' + line + '\n' : line + '\n';
    const expected = Buffer.byteLength(text);
    let written: number;
    try {
      written = writeSync(fileDescriptor, text);
    } catch (error) {
      this.cutBackPartialLine(fileDescriptor);
      throw error;
    }
    if (written !== expected) {
      this.cutBackPartialLine(fileDescriptor);
      throw Object.assign(new Error(`spool write was short (${written} of ${expected} bytes): the disk is probably full`), { code: 'ENOSPC' });
    }
    if (this.tailDamaged) {
      // The partial bytes left before this line are unknown: ask the file.
      this.currentSize = fstatSync(fileDescriptor).size;
      this.tailDamaged = false;
    } else {
      this.currentSize += expected;
    }
  }

  private cutBackPartialLine(fileDescriptor: number): void {
    try {
      ftruncateSync(fileDescriptor, this.currentSize);
    } catch {
      // Cannot even truncate: the next line starts on a line of its own, so only the partial one is skipped on read.
      this.tailDamaged = true;
    }
  }

  /**
   * Closes the segment being written and returns it (null when nothing was written since the last
   * rotation); the next append starts a new segment. The closed segment can then be stored and removed.
   */
  rotate(): SpoolSegment | null {
    if (this.fileDescriptor === null || this.currentPath === null) return null;
    closeSync(this.fileDescriptor);
    const closed = { path: this.currentPath, pid: process.pid };
    this.fileDescriptor = null;
    this.currentPath = null;
    this.currentSize = 0;
    this.tailDamaged = false;
    return closed;
  }

  /** Segments on disk that this process may replay: its own closed ones and those of dead processes, oldest first. */
  listReplayable(): SpoolSegment[] {
    const segments: Array<SpoolSegment & { sortKey: string }> = [];
    for (const name of readdirSync(this.directory)) {
      const match = segmentPattern.exec(name);
      if (!match) continue;
      const fullPath = path.join(this.directory, name);
      if (fullPath === this.currentPath) continue;
      const pid = Number(match[2]);
      if (pid !== process.pid && isProcessAlive(pid)) continue;
      segments.push({ path: fullPath, pid, sortKey: `${match[1]!.padStart(15, '0')}-${match[3]!.padStart(10, '0')}` });
    }
    segments.sort((left, right) => left.sortKey.localeCompare(right.sortKey));
    return segments.map(({ path: segmentPath, pid }) => ({ path: segmentPath, pid }));
  }

  read(segment: SpoolSegment): Promise<SpoolReadResult> {
    return readSpoolSegment(segment.path);
  }

  /** Deletes a segment whose calls are all stored. */
  remove(segment: SpoolSegment): void {
    try {
      unlinkSync(segment.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  close(): void {
    if (this.fileDescriptor !== null) closeSync(this.fileDescriptor);
    this.fileDescriptor = null;
    this.currentPath = null;
  }

  private openSegment(): void {
    this.sequence += 1;
    const name = `segment-${Date.now()}-${process.pid}-${this.sequence}.jsonl`;
    const segmentPath = path.join(this.directory, name);
    // Opening can fail too (no inodes left): nothing is half-set when it throws.
    this.fileDescriptor = openSync(segmentPath, 'a', 0o600);
    this.currentPath = segmentPath;
    this.currentSize = 0;
  }
}

/** The process that wrote a spool segment, from its file name; undefined for a file that is not a segment. */
export function spoolSegmentWriterPid(fileName: string): number | undefined {
  const match = segmentPattern.exec(fileName);
  return match ? Number(match[2]) : undefined;
}

/** Whether a process still runs (EPERM: it runs under another user). Decides whose segments may be touched. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a spool segment file back into calls; usable from any thread. */
export async function readSpoolSegment(segmentPath: string): Promise<SpoolReadResult> {
  const text = await readFile(segmentPath, 'utf8');
  const records: CallRecord[] = [];
  let corruptLines = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      corruptLines += 1;
      continue;
    }
    const parsed = callRecordSchema.safeParse(value);
    if (parsed.success) records.push(parsed.data);
    else corruptLines += 1;
  }
  return { records, corruptLines };
}
