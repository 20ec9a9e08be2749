/**
 * `npm run test:faults [-- --quick]` — the fault suite at full scale (issue 9 §1) and the fuzzers with more runs
 * (issue 9 §2). Each fault scenario runs a real gateway under load while one thing breaks (upstream 5xx, 429,
 * hangs, resets, slow and truncated streams, a provider down, a specialist crash, SQLite locked or its disk full,
 * the spool's disk full, PostgreSQL down and back) and counts requests sent, answered, logged and lost.
 * `--quick` runs the CI scale (what src/gateway/gateway-faults.test.ts runs) and fewer fuzz inputs.
 *
 * Environment: UNDERSTUDY_TEST_DATABASE_URL — a PostgreSQL server where a scratch database may be created
 * (without it the PostgreSQL scenario is skipped); FUZZ_RUNS — fuzz inputs per route (default 200, quick 20);
 * FUZZ_IMPORTER_RUNS — generated import files (default 60, quick 10); FUZZ_SEED — replay a fuzz run. The disk-full scenarios mount a tmpfs and need root; elsewhere they are skipped.
 *
 * Exit code 1 when an answered call was lost, the gateway answered with its own 5xx (fault suite or fuzzers), a
 * fuzzer saw a crash or a malformed error answer, or a scenario's own expectation failed. The last line is `BENCH {json}`.
 */
import { fuzzGateway, type FuzzReport } from '../src/gateway/testing/fuzz-gateway.ts';
import { runFaultScenarios, type ScenarioReport } from '../src/gateway/testing/fault-scenarios.ts';
import { fuzzImporter } from '../src/capture/testing/fuzz-importer.ts';

const quick = process.argv.includes('--quick');
const fuzzRuns = Number(process.env.FUZZ_RUNS ?? (quick ? 20 : 200));
/** Generated JSONL files for the importer (each mixes valid, mutated and garbage lines, some of 1–3 MB). */
const importerRuns = Number(process.env.FUZZ_IMPORTER_RUNS ?? (quick ? 10 : 60));
const postgresUrl = process.env.UNDERSTUDY_TEST_DATABASE_URL;

function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((cells) => cells[column]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 || column === cells.length - 1 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function scenarioRow(report: ScenarioReport): string[] {
  if (report.skipped !== null) return [report.name, '-', '-', '-', '-', '-', '-', '-', `skipped: ${report.skipped}`];
  const failed = report.checks.filter((item) => !item.passed).length;
  const statuses = Object.entries(report.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  return [
    report.name,
    String(report.sent),
    String(report.answered),
    String(report.logged),
    String(report.lost),
    String(report.serverErrors),
    String(report.clientVisibleFailures),
    (report.durationMs / 1000).toFixed(1),
    `${failed === 0 ? 'ok' : `${failed} FAILED`}  ${statuses}`,
  ];
}

process.stdout.write(`\nfault suite (${quick ? 'ci' : 'full'} scale)${postgresUrl ? '' : ' — no UNDERSTUDY_TEST_DATABASE_URL: PostgreSQL scenario skipped'}\n\n`);
const suite = await runFaultScenarios({
  scale: quick ? 'ci' : 'full',
  ...(postgresUrl === undefined || postgresUrl === '' ? {} : { postgresUrl }),
  onProgress: (event) => {
    if (event.kind === 'started') process.stderr.write(`  running ${event.name}…\n`);
  },
});

process.stdout.write(
  formatTable(['scenario', 'sent', 'answered', 'logged', 'lost', '5xx own', 'client failures', 's', 'checks  statuses'], [...suite.scenarios.map(scenarioRow)]) + '\n',
);
for (const failure of suite.failedChecks) process.stdout.write(`  FAILED ${failure}\n`);
process.stdout.write(
  `\ntotal: ${suite.total.sent} sent, ${suite.total.answered} answered, ${suite.total.logged} logged, ${suite.total.lost} lost, ${suite.total.serverErrors} own 5xx, ` +
    `${suite.total.clientVisibleFailures} client-visible failures (expected where the fault cannot be hidden: 504s, broken streams) in ${(suite.durationMs / 1000).toFixed(0)} s\n\n`,
);

process.stderr.write(`  fuzzing the gateway (${fuzzRuns} inputs per route)…\n`);
const gatewayFuzz: FuzzReport = await fuzzGateway({ numRuns: fuzzRuns });
process.stderr.write(`  fuzzing the importer (${importerRuns} generated files)…\n`);
const importerFuzz: FuzzReport = await fuzzImporter({ numRuns: importerRuns });
const fuzzReports = [gatewayFuzz, importerFuzz];
const fuzzInputs = fuzzReports.reduce((sum, report) => sum + report.inputs, 0);
const fuzzServerErrors = fuzzReports.reduce((sum, report) => sum + report.serverErrorsForClientMistakes, 0);
const fuzzCrashes = fuzzReports.reduce((sum, report) => sum + report.crashes, 0);
const fuzzViolations = fuzzReports.reduce((sum, report) => sum + report.contractViolations, 0);
process.stdout.write(
  `fuzz: gateway ${gatewayFuzz.inputs} inputs (seed ${gatewayFuzz.seed}), ${gatewayFuzz.serverErrorsForClientMistakes} 5xx for client mistakes, ${gatewayFuzz.crashes} crashes, ${gatewayFuzz.contractViolations} contract violations; ` +
    `importer ${importerFuzz.inputs} inputs, ${importerFuzz.crashes} crashes, ${importerFuzz.contractViolations} contract violations\n`,
);
for (const counterexample of [...gatewayFuzz.counterexamples, ...importerFuzz.counterexamples]) process.stdout.write(`  ${counterexample.split('\n').slice(0, 6).join('\n  ')}\n`);

const ok = suite.total.lost === 0 && suite.total.serverErrors === 0 && suite.failedChecks.length === 0 && fuzzServerErrors === 0 && fuzzCrashes === 0 && fuzzViolations === 0;
const perScenario = Object.fromEntries(
  suite.scenarios.map((report) => [
    report.name,
    report.skipped !== null
      ? { skipped: report.skipped }
      : {
          sent: report.sent,
          answered: report.answered,
          logged: report.logged,
          lost: report.lost,
          server_errors: report.serverErrors,
          client_visible_failures: report.clientVisibleFailures,
          checks_failed: report.checks.filter((item) => !item.passed).length,
          statuses: report.statuses,
          seconds: Math.round(report.durationMs / 100) / 10,
        },
  ]),
);
process.stdout.write(
  `BENCH ${JSON.stringify({
    quick,
    ok,
    sent: suite.total.sent,
    answered: suite.total.answered,
    logged: suite.total.logged,
    lost: suite.total.lost,
    server_errors: suite.total.serverErrors,
    client_visible_failures: suite.total.clientVisibleFailures,
    checks_failed: suite.failedChecks.length,
    scenarios_skipped: suite.scenarios.filter((report) => report.skipped !== null).map((report) => report.name),
    server_errors_for_client_mistakes: fuzzServerErrors,
    fuzz_inputs: fuzzInputs,
    fuzz_crashes: fuzzCrashes,
    fuzz_contract_violations: fuzzViolations,
    fuzz_seed: gatewayFuzz.seed,
    fuzz_inputs_gateway: gatewayFuzz.inputs,
    fuzz_inputs_importer: importerFuzz.inputs,
    seconds: Math.round(suite.durationMs / 1000),
    scenarios: perScenario,
  })}\n`,
);
process.exit(ok ? 0 : 1);
