/**
 * The fault suite at CI scale (issue 9 §1): a real gateway under load through upstream 5xx bursts, 429s,
 * hangs, resets, slow and truncated streams, a provider down (fallback model), a specialist server dying, the
 * SQLite database locked and its disk full, the spool's disk full, and PostgreSQL cut off and restored. What the
 * clients saw is compared with what the store holds afterwards: nothing answered is lost, the gateway's own
 * 5xx stay at zero, and each scenario's own expectations hold (retries absorb bursts, timeouts are logged as
 * such, escalations name their reason, calls wait while the store is down and land once it is back).
 *
 * The disk-full scenarios need to mount a tmpfs (root) and are reported skipped elsewhere; the PostgreSQL one
 * runs when UNDERSTUDY_TEST_DATABASE_URL is set (`npm test` sets it). The full scale is `npm run test:faults`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDatabaseUrlVariable } from '../store/internal/store-test-engines.ts';
import { faultScenarios, runFaultScenarios, type FaultSuiteReport, type ScenarioReport } from './testing/fault-scenarios.ts';

const postgresUrl = process.env[testDatabaseUrlVariable];

describe('the gateway under faults (CI scale)', () => {
  let report: FaultSuiteReport;
  const byName = new Map<string, ScenarioReport>();

  it('runs every scenario and loses no answered call', { timeout: 170_000 }, async () => {
    report = await runFaultScenarios({
      scale: 'ci',
      ...(postgresUrl === undefined || postgresUrl === '' ? {} : { postgresUrl }),
      onProgress: (event) => {
        if (event.kind === 'finished') byName.set(event.report.name, event.report);
      },
    });
    assert.equal(report.scenarios.length, faultScenarios.length);
    const ran = report.scenarios.filter((scenario) => scenario.skipped === null);
    assert.ok(ran.length >= 8, `at least the upstream, specialist and SQLite-lock scenarios ran (${ran.length})`);
    for (const scenario of ran) {
      assert.ok(scenario.sent > 0, `${scenario.name} sent requests`);
      assert.equal(scenario.answered, scenario.sent, `${scenario.name}: every request was answered`);
      assert.equal(scenario.lost, 0, `${scenario.name}: answered calls missing from the store`);
      assert.equal(scenario.logged, scenario.sent, `${scenario.name}: every call logged`);
      assert.equal(scenario.serverErrors, 0, `${scenario.name}: the gateway's own 5xx (${JSON.stringify(scenario.statuses)})`);
    }
    assert.equal(report.total.lost, 0);
  });

  it("meets each scenario's own expectations", (context) => {
    if (report === undefined) return context.skip('the suite did not run');
    assert.deepEqual(report.failedChecks, []);
  });

  it('absorbs 5xx bursts, 429s and resets with retries: clients see only 200s', (context) => {
    if (report === undefined) return context.skip('the suite did not run');
    for (const name of ['upstream-5xx', 'upstream-429', 'upstream-resets', 'upstream-down-fallback', 'specialist-crash', 'sqlite-locked']) {
      const scenario = byName.get(name);
      assert.ok(scenario !== undefined && scenario.skipped === null, `${name} ran`);
      assert.equal(scenario.clientVisibleFailures, 0, `${name}: ${JSON.stringify(scenario.statuses)}`);
    }
  });

  it('answers hung upstream calls with 504 and still logs them', (context) => {
    if (report === undefined) return context.skip('the suite did not run');
    const scenario = byName.get('upstream-timeout')!;
    assert.ok((scenario.statuses['504'] ?? 0) > 0, JSON.stringify(scenario.statuses));
    assert.equal(scenario.logged, scenario.sent);
  });

  it('keeps PostgreSQL calls through an outage', { skip: postgresUrl ? false : `${testDatabaseUrlVariable} is not set` }, (context) => {
    if (report === undefined) return context.skip('the suite did not run');
    const scenario = byName.get('postgres-down')!;
    assert.equal(scenario.skipped, null);
    assert.equal(scenario.clientVisibleFailures, 0);
    assert.equal(scenario.lost, 0);
  });
});
