/**
 * Redaction speed on a given workload, for benchmarks and the evaluation test: how many megabytes of model
 * text (the strings `redactCall` scans) one redactor gets through per second on this thread.
 */
import type { CallRecord } from '../../contracts/call-record.ts';
import type { Redactor } from '../redactor.ts';

export interface RedactionThroughput {
  calls: number;
  /** UTF-8 bytes of the strings scanned. */
  bytes: number;
  seconds: number;
  megabytesPerSecond: number;
  callsPerSecond: number;
}

/**
 * Redacts `records` `rounds` times with a fresh redactor from `createRedactorForRound` (so later rounds do not
 * ride on a warm surrogate cache unless the factory returns the same one) and reports the rate. One warm-up
 * pass runs first so the JIT and libphonenumber metadata are ready.
 *
 * @example
 * const rate = measureRedactionThroughput(records, () => createRedactor({ scope: 'bench', secretKey }));
 * console.log(`${rate.megabytesPerSecond.toFixed(2)} MB/s`);
 */
export function measureRedactionThroughput(records: readonly CallRecord[], createRedactorForRound: () => Redactor, rounds = 3): RedactionThroughput {
  const warmUp = createRedactorForRound();
  for (const record of records.slice(0, 50)) warmUp.redactCall(record);
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) {
    const redactor = createRedactorForRound();
    for (const record of records) redactor.redactCall(record);
    bytes += redactor.stats().bytesScanned;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const calls = records.length * rounds;
  return { calls, bytes, seconds, megabytesPerSecond: bytes / 1e6 / seconds, callsPerSecond: calls / seconds };
}
