/**
 * Property-based fuzzing of every HTTP route of a real gateway (issue 9 §2): fast-check generates plausible and
 * broken requests per route (src/gateway/testing/internal/fuzz-request-arbitraries.ts) and fires them at a
 * gateway on loopback, in front of the healthy stand-in upstream, with API keys required. The rules checked on
 * every answer:
 *
 * - never a 5xx (the upstream is healthy, so every failure is the client's mistake or our defect);
 * - every 4xx carries OpenAI's error body `{error: {message, type, code, param}}` (except the login page's HTML
 *   401), Node's own refusals of unparseable HTTP included (answer-client-error.ts);
 * - nothing the gateway reports as an internal error, even an answer the client never received;
 * - never a hang, never an uncaught exception or unhandled rejection, and `/health` answers after each route.
 *
 * Routes come from the running app (`RunningGateway.routes`): a route without a generator fails the run, so a new
 * endpoint cannot escape fuzzing. A failing property is shrunk by fast-check and its report (seed, path,
 * counterexample) lands in `counterexamples`; `FUZZ_SEED=<seed>` replays the whole run.
 *
 * @example
 * const report = await fuzzGateway({ numRuns: 40 });
 * assert.equal(report.serverErrorsForClientMistakes, 0);
 */
import fc from 'fast-check';
import { countInput, createFuzzReport, excerpt, recordFailure, resolveFuzzSeed, sampleRssMb, type FuzzReport } from '../../capture/testing/fuzz-report.ts';
import { framingEndpoint, framingRequestArb, routeArbitraries, type FuzzRequest } from './internal/fuzz-request-arbitraries.ts';
import { sendRawHttp } from './internal/raw-http-exchange.ts';
import { startTestGateway } from './start-test-gateway.ts';

export type { FuzzReport } from '../../capture/testing/fuzz-report.ts';

export interface FuzzGatewayOptions {
  /** Generated requests per route (and for the raw-framing case). */
  numRuns: number;
  /** Default: `FUZZ_SEED`, else random. Printed in the report so a run can be replayed. */
  seed?: number;
  /** A request not answered within this is a hang. Default 10 s. */
  requestTimeoutMs?: number;
  /** Keep going after a failure instead of shrinking it (finds every defect at once; no counterexamples). */
  collectAll?: boolean;
  /** Called after each route with its figures, for progress output. */
  onRouteDone?: (route: string, inputs: number) => void;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

type Outcome = { kind: 'answers'; answers: Answer[] } | { kind: 'hang' } | { kind: 'closed'; message: string };

/** Route keys as `METHOD /path`, in the app's order, without repeats. */
export function routeKeys(routes: ReadonlyArray<{ method: string; path: string }>): string[] {
  return [...new Set(routes.map((route) => `${route.method} ${route.path}`))];
}

/** Routes the fuzzer has no generator for; `fuzzGateway` refuses to run while this is not empty. */
export function unfuzzedRoutes(routes: ReadonlyArray<{ method: string; path: string }>): string[] {
  return routeKeys(routes).filter((key) => !Object.hasOwn(routeArbitraries, key));
}

export async function fuzzGateway(options: FuzzGatewayOptions): Promise<FuzzReport> {
  const seed = resolveFuzzSeed(options.seed);
  const report = createFuzzReport(seed);
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const onCrash = (error: unknown) => {
    report.crashes += 1;
    recordFailure(report, { endpoint: 'process', status: 0, problem: 'uncaught exception or unhandled rejection', bodyExcerpt: excerpt(String((error as Error)?.stack ?? error)), inputExcerpt: '' });
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  // 5xx the gateway reports (its onError) even when the client never saw the answer (a body cut short, say).
  const reported: string[] = [];
  const testGateway = await startTestGateway({ requireApiKey: true, upstream: { recordRequests: false }, reportError: (error) => reported.push(`${error.code}: ${error.message}`) });
  try {
    const missing = unfuzzedRoutes(testGateway.gateway.routes);
    if (missing.length > 0) throw new Error(`fuzzGateway has no generator for route(s): ${missing.join(', ')} (add one to fuzz-request-arbitraries.ts).`);
    const secrets = { apiKey: testGateway.apiKey, adminToken: testGateway.adminToken };
    const port = testGateway.gateway.port;
    report.rssBeforeMb = sampleRssMb();
    const cases = [...routeKeys(testGateway.gateway.routes), framingEndpoint];
    let attributed = 0;
    for (const [index, endpoint] of cases.entries()) {
      const arbitrary = endpoint === framingEndpoint ? framingRequestArb(secrets) : routeArbitraries[endpoint]!(secrets);
      const before = report.perEndpoint[endpoint] ?? 0;
      const property = fc.asyncProperty(arbitrary, async (request) => {
        countInput(report, endpoint);
        const outcome = await exchange(port, request, timeoutMs);
        const problems = judge(endpoint, request, outcome);
        // A report may land a moment after the socket closed: give it a turn of the event loop.
        await new Promise((resolve) => setImmediate(resolve));
        if (reported.length > attributed && !problems.some((problem) => problem.kind === 'server-error')) {
          problems.push({ kind: 'server-error', status: 0, message: 'the gateway reported an internal error', body: reported.slice(attributed).join('\n') });
        }
        attributed = reported.length;
        for (const problem of problems) {
          if (problem.kind === 'server-error') report.serverErrorsForClientMistakes += 1;
          else if (problem.kind === 'hang') report.crashes += 1;
          else report.contractViolations += 1;
          recordFailure(report, { endpoint, status: problem.status, problem: problem.message, bodyExcerpt: excerpt(problem.body), inputExcerpt: describeRequest(request) });
        }
        return problems.length === 0 || options.collectAll === true;
      });
      const details = await fc.check(property, { numRuns: options.numRuns, seed: seed + index });
      if (details.failed) report.counterexamples.push(`${endpoint} (FUZZ_SEED=${seed}):\n${excerpt(fc.defaultReportMessage(details) ?? 'failed', 4_000)}`);
      await checkHealth(port, report, endpoint);
      if (reported.length > attributed) {
        report.serverErrorsForClientMistakes += reported.length - attributed;
        recordFailure(report, { endpoint, status: 0, problem: 'the gateway reported an internal error after the answer', bodyExcerpt: excerpt(reported.slice(attributed).join('\n')), inputExcerpt: '' });
        attributed = reported.length;
      }
      options.onRouteDone?.(endpoint, (report.perEndpoint[endpoint] ?? 0) - before);
    }
    report.rssAfterMb = sampleRssMb();
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await testGateway.close();
  }
  return report;
}

async function exchange(port: number, request: FuzzRequest, timeoutMs: number): Promise<Outcome> {
  if (request.transport === 'raw') {
    const raw = await sendRawHttp(port, Buffer.from(request.bytes, 'latin1'), timeoutMs);
    if (raw.hung) return { kind: 'hang' };
    return { kind: 'answers', answers: raw.responses.map((response) => ({ status: response.status, contentType: response.headers['content-type'] ?? '', body: response.body })) };
  }
  try {
    const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      ...(request.body === undefined ? {} : { body: typeof request.body === 'string' ? request.body : Buffer.from(request.body) }),
    });
    const body = await response.text();
    return { kind: 'answers', answers: [{ status: response.status, contentType: response.headers.get('content-type') ?? '', body }] };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return { kind: 'hang' };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'closed', message: `${(error as Error).message}${cause === undefined ? '' : ` (${cause.code ?? ''} ${cause.message ?? ''})`}` };
  }
}

interface Problem {
  kind: 'server-error' | 'hang' | 'contract';
  status: number;
  message: string;
  body: string;
}

function judge(endpoint: string, request: FuzzRequest, outcome: Outcome): Problem[] {
  if (outcome.kind === 'hang') return [{ kind: 'hang', status: 0, message: 'no answer in time (hang)', body: '' }];
  if (outcome.kind === 'closed') {
    // A raw request may be cut off by the server; a client library's request must get an answer.
    return request.transport === 'raw' ? [] : [{ kind: 'contract', status: 0, message: `connection closed without an answer: ${outcome.message}`, body: '' }];
  }
  const problems: Problem[] = [];
  for (const answer of outcome.answers) {
    if (answer.status >= 500) {
      problems.push({ kind: 'server-error', status: answer.status, message: 'server error (5xx) for a client request', body: answer.body });
      continue;
    }
    if (answer.status < 400) continue;
    if (request.transport === 'fetch' && request.method === 'HEAD') continue;
    if (endpoint === 'GET /ui/login' && answer.status === 401 && answer.contentType.startsWith('text/html')) continue;
    // HTTP/1.1 without Host: Node answers a bare 400 before any hook can (RFC 9112 §3.2 demands the 400).
    if (request.transport === 'raw' && !/\r\nhost:/i.test(request.bytes) && answer.status === 400 && answer.body === '') continue;
    if (!isOpenAIErrorBody(answer.body)) problems.push({ kind: 'contract', status: answer.status, message: 'a 4xx without an OpenAI-format error body', body: answer.body });
  }
  return problems;
}

function isOpenAIErrorBody(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  const error = (value as { error?: Record<string, unknown> } | null)?.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error['message'] === 'string' &&
    typeof error['type'] === 'string' &&
    // OpenAI's own bodies (a provider's 4xx passed through) may carry `code: null`; ours always name one.
    (typeof error['code'] === 'string' || error['code'] === null) &&
    (error['param'] === null || typeof error['param'] === 'string')
  );
}

async function checkHealth(port: number, report: FuzzReport, after: string): Promise<void> {
  let problem: string | undefined;
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    if (response.status !== 200 || !body.includes('"ok"')) problem = `status ${response.status}: ${body}`;
  } catch (error) {
    problem = (error as Error).message;
  }
  if (problem !== undefined) {
    report.contractViolations += 1;
    recordFailure(report, { endpoint: 'GET /health', status: 0, problem: `health check failed after fuzzing ${after}: ${problem}`, bodyExcerpt: '', inputExcerpt: '' });
  }
}

function describeRequest(request: FuzzRequest): string {
  if (request.transport === 'raw') return excerpt(JSON.stringify(request.bytes), 600);
  const headers = request.headers.map(([name, value]) => `${name}: ${excerpt(value, 80)}`).join('\n');
  const body = request.body === undefined ? '' : `\n\n${excerpt(request.body, 400)}`;
  return `${request.method} ${excerpt(request.path, 200)}\n${headers}${body}`;
}
