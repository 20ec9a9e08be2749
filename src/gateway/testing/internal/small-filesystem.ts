/**
 * A small tmpfs mounted on a directory, so "the disk is full" is a real ENOSPC / SQLITE_FULL from the kernel
 * rather than a stub. Mounting needs root (or CAP_SYS_ADMIN); elsewhere `mountSmallFilesystem` says why it
 * could not, and the scenarios that need it are skipped with that reason.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface SmallFilesystem {
  directory: string;
  /** Writes a filler file until the filesystem refuses another byte. */
  fill(): void;
  /** Deletes the filler: the space is back. */
  free(): void;
  /** Unmounts (lazily, so a file still open elsewhere cannot keep it busy). */
  dispose(): void;
}

const fillerName = '.fault-suite-filler';

/** Mounts a tmpfs of `sizeBytes` on `directory` (which must exist); a string is the reason it could not. */
export function mountSmallFilesystem(directory: string, sizeBytes: number): SmallFilesystem | string {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', directory], { encoding: 'utf8' });
  if (mounted.error !== undefined || mounted.status !== 0) {
    return `cannot mount a tmpfs here (needs root): ${mounted.error?.message ?? mounted.stderr.trim()}`;
  }
  const fillerPath = path.join(directory, fillerName);
  return {
    directory,
    fill() {
      const descriptor = openSync(fillerPath, 'a');
      const block = Buffer.alloc(64 * 1024, 0x2e);
      try {
        for (;;) {
          try {
            if (writeSync(descriptor, block) < block.length) break;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw error;
          }
        }
        // Whatever is left is smaller than a block: take it byte-sized.
        const crumb = Buffer.alloc(512, 0x2e);
        for (;;) {
          try {
            if (writeSync(descriptor, crumb) < crumb.length) break;
          } catch {
            break;
          }
        }
      } finally {
        closeSync(descriptor);
      }
    },
    free() {
      rmSync(fillerPath, { force: true });
    },
    dispose() {
      spawnSync('umount', ['-l', directory]);
    },
  };
}
