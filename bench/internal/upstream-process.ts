/**
 * Child-process entry that runs the stand-in upstream (`startFixedUpstream`) for the benchmark. It gets a
 * process of its own because a real provider is on the other side of a network: with the upstream inside
 * the load generator, the direct path would be an exchange within one process (no wake-up of another
 * process at all) while every gateway path would pay four process hand-offs, and the "added latency"
 * would include two hand-offs that a real deployment does not add. Argument: the options as JSON.
 */
import { startFixedUpstream } from '../../src/simulate/fixed-upstream.ts';
import { upstreamProcessOptionsSchema } from './child-service-messages.ts';
import { runChildService } from './run-child-service.ts';

runChildService(async () => {
  // Our own parent wrote this argument; a bad one is a bug, and the throw is reported as a failed start.
  const options = upstreamProcessOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const upstream = await startFixedUpstream({ ...options, recordRequests: false });
  return { ready: { url: upstream.url }, close: () => upstream.close() };
});
