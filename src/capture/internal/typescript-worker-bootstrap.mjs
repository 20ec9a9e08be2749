// Entry of worker threads whose code is TypeScript: workers do not inherit a loader registered through
// tsx's API, so register it here, then load the real entry named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
