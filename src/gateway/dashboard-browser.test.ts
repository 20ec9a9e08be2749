/**
 * The dashboard end to end: Debian's Chromium (playwright-core) against a real gateway whose SQLite store a short
 * simulation filled (src/gateway/testing/start-dashboard-fixture.ts). Every `[data-figure]` a page shows must
 * equal the store query the figure table names (testing/dashboard-figure-expectations.ts; an unknown key fails),
 * the route controls must change the stored route and write an operator's route event, no page may log a console
 * error or warning, throw, or get an HTTP error, and signing in works only the intended ways.
 *
 * Screenshots of every page land in `test-artifacts/dashboard/` (also when a check fails). Skips only without
 * Chromium, or when dist/ui is missing and cannot be built outside CI; in CI (`CI=true`) a missing or stale build
 * is built first (`npm run build:ui`) and a failed build fails the test.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { figureMatches, readStoreFigures, type FigurePageContext, type StoreFigures } from './testing/dashboard-figure-expectations.ts';
import { findChromium, launchTestBrowser, saveScreenshot, testArtifactDirectory, watchPage } from './testing/launch-test-browser.ts';
import { startDashboardFixture, type DashboardFixture } from './testing/start-dashboard-fixture.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const uiIndex = path.join(repositoryRoot, 'dist/ui/index.html');

/** Builds dist/ui when it is missing or older than a file under ui/; the reason to skip when that is impossible. */
function prepareUiBuild(): string | null {
  const sources = path.join(repositoryRoot, 'ui');
  const built = existsSync(uiIndex) ? statSync(uiIndex).mtimeMs : null;
  const newestSource = existsSync(sources) ? newestModification(sources) : null;
  if (built !== null && (newestSource === null || newestSource <= built)) return null;
  const why = built === null ? 'dist/ui is not built' : 'dist/ui is older than ui/';
  if (newestSource === null) return fail(`${why} and there is no ui/ to build it from`);
  const result = spawnSync('npm', ['run', 'build:ui'], { cwd: repositoryRoot, encoding: 'utf8', timeout: 180_000 });
  if (result.status === 0 && existsSync(uiIndex)) return null;
  return fail(`${why} and \`npm run build:ui\` failed: ${(result.stderr || result.stdout || String(result.error)).trim().split('\n').slice(-5).join(' | ')}`);

  function fail(reason: string): string {
    if (process.env.CI === 'true') throw new Error(`dashboard browser tests: ${reason}`);
    return reason;
  }
}

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const file = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(file) : statSync(file).mtimeMs);
  }
  return newest;
}

const chromium = findChromium();
const skipReason = chromium.path === null ? chromium.reason : prepareUiBuild();

/** Figure keys each page must show (from the contract), so a page that renders nothing cannot pass. */
const requiredOverviewFigures = ['calls', 'cost-usd', 'baseline-usd', 'savings-usd', 'slm-share', 'escalation-rate', 'tasks', 'routed-tasks'];
const requiredTaskFigures = ['detail-calls', 'detail-route-mode', 'detail-eval-agreement'];

interface FigureReading {
  key: string;
  value: string;
}

describe('dashboard in Chromium against a simulated store', { skip: skipReason ?? false }, () => {
  let fixture: DashboardFixture;
  let browser: Browser;
  /** Signed in through the one-time login link. */
  let session: BrowserContext;
  const artifacts = testArtifactDirectory('dashboard');
  const started = Date.now();

  before(async () => {
    fixture = await startDashboardFixture();
    browser = await launchTestBrowser(chromium.path ?? '');
    session = await newTestContext(browser);
    const login = await session.newPage();
    const response = await login.goto(fixture.gateway.createUiLoginUrl());
    assert.equal(response?.status(), 200);
    await login.close();
    console.log(`dashboard screenshots: ${artifacts}`);
  });

  after(async () => {
    await browser?.close();
    await fixture?.close();
    console.log(`dashboard browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}`);
  });

  /** Opens a page in `context`, waits for its data, reads its figures; the screenshot is saved whatever happens. */
  async function visit(
    context: BrowserContext,
    name: string,
    hashPath: string,
    ready: string,
    check: (page: Page, figures: FigureReading[]) => Promise<void>,
    allow?: (line: string) => boolean,
  ): Promise<void> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = watchPage(page, allow);
    try {
      await page.goto(`${fixture.origin}/ui/#${hashPath}`);
      await waitForData(page, ready);
      await check(page, await readFigures(page));
      assert.deepEqual(problems.lines, [], `${name}: the page reported problems`);
    } finally {
      await saveScreenshot(page, artifacts, name);
      await page.close();
    }
  }

  /** Compares every figure with the store; unknown keys and missing required keys fail. */
  function assertFigures(name: string, figures: FigureReading[], store: StoreFigures, page: FigurePageContext = {}, required: readonly string[] = []): void {
    const problems: string[] = [];
    const keys = new Set(figures.map((figure) => figure.key));
    for (const key of required) if (!keys.has(key)) problems.push(`missing figure ${key}`);
    for (const figure of figures) {
      const expectation = store.expectedFigure(figure.key, page);
      if (!expectation.known) problems.push(`figure ${figure.key} = '${figure.value}': no store query for this key (add it to dashboard-figure-expectations.ts)`);
      else if (!figureMatches(figure.value, expectation.value)) problems.push(`figure ${figure.key} = '${figure.value}', but ${expectation.query} = ${JSON.stringify(expectation.value)}`);
    }
    assert.deepEqual(problems, [], `${name}: ${problems.length} figures differ from the store`);
  }

  test('every page shows figures equal to the store', async (t) => {
    const store = await readStoreFigures(fixture.store, fixture.loaded);
    const tasks = await fixture.store.tasks.list();

    await t.test('the latest report names each task once (task pages join the report on the id)', () => {
      // Discovery names a task `t-` + a hash of its top template (src/discover/discover-tasks.ts): clusters whose top
      // template is all slots share an id, store.tasks keeps one of them and the task page shows another's templates.
      assert.deepEqual(store.duplicateReportIds, [], 'task ids the report gives to more than one task');
    });

    await t.test('overview', () =>
      visit(session, 'overview', '/', '[data-figure="calls"]', async (_page, figures) => {
        assertFigures('overview', figures, store, {}, requiredOverviewFigures);
        // The fixture must make these figures say something: routed calls, served answers and escalations.
        assert.ok(Number(figures.find((figure) => figure.key === 'slm-share')?.value) > 0, 'no specialist-served calls in the fixture');
        assert.ok(Number(figures.find((figure) => figure.key === 'escalation-rate')?.value) > 0, 'no escalations in the fixture');
      }),
    );

    await t.test('tasks', () =>
      visit(session, 'tasks', '/tasks', '[data-testid="tasks-table"]', async (_page, figures) => {
        const required = tasks.flatMap((task) => [`task-calls:${task.id}`, `task-spend-share:${task.id}`, `task-route-mode:${task.id}`, `task-agreement:${task.id}`]);
        assertFigures('tasks', figures, store, {}, required);
      }),
    );

    for (const task of tasks) {
      await t.test(`task ${task.name} (${task.id})`, () =>
        visit(session, `task-${task.id}`, `/tasks/${encodeURIComponent(task.id)}`, '[data-figure="detail-calls"]', async (_page, figures) => {
          assertFigures(`task ${task.id}`, figures, store, { task: task.id }, requiredTaskFigures);
        }),
      );
    }

    await t.test('jobs', () =>
      visit(session, 'jobs', '/jobs', '[data-testid="jobs-table"]', async (_page, figures) => {
        const jobIds = Object.values(fixture.jobs);
        assertFigures('jobs', figures, store, {}, jobIds.flatMap((id) => [`job-status:${id}`, `job-step:${id}`]));
      }),
    );

    for (const [role, jobId] of Object.entries(fixture.jobs)) {
      await t.test(`job ${role}`, () =>
        visit(session, `job-${role}`, `/jobs/${encodeURIComponent(jobId)}`, `[data-figure="job-status:${jobId}"]`, async (_page, figures) => {
          assertFigures(`job ${role}`, figures, store, {}, [`job-status:${jobId}`, `job-step:${jobId}`]);
        }),
      );
    }

    await t.test('specialists', () =>
      visit(session, 'specialists', '/specialists', '[data-testid="specialists-table"]', async (_page, figures) => {
        assertFigures('specialists', figures, store, {}, Object.values(fixture.specialists).filter((id) => id !== fixture.specialists.retired).map((id) => `specialist-status:${id}`));
      }),
    );

    await t.test('models', () =>
      visit(session, 'models', '/models', '[data-testid="models-table"]', async (_page, figures) => {
        assertFigures('models', figures, store);
        assert.ok(figures.some((figure) => figure.key.startsWith('model-memory-mib:')), 'the catalog shows memory estimates');
      }),
    );

    await t.test('escalations', () =>
      visit(session, 'escalations', '/escalations', '[data-figure="escalations-total"]', async (page, figures) => {
        assertFigures('escalations', figures, store, {}, ['escalations-total']);
        assert.ok(Number(figures.find((figure) => figure.key === 'escalations-total')?.value) > 0, 'no escalations in the fixture');
        // The escalations the router logged as calls and as observations are the same ones.
        const escalatedCalls = store.calls.filter((call) => call.route === 'escalated').length;
        assert.equal(escalatedCalls, store.observations.filter((observation) => observation.kind === 'escalated').length);
        await saveScreenshot(page, artifacts, 'escalations-list');
        // One escalation opened: its call panel's figures are that call's.
        const row = page.locator('[data-testid^="escalation-row:"]').first();
        const callId = (await row.getAttribute('data-testid'))?.slice('escalation-row:'.length) ?? '';
        await row.click();
        await page.locator(`[data-testid="call-panel:${callId}"]`).waitFor();
        await waitForData(page, `[data-testid="call-panel:${callId}"]`);
        const panelFigures = await readFigures(page, `[data-testid="call-panel:${callId}"]`);
        assertFigures('escalation call panel', panelFigures, store, { callId }, ['call-cost-usd']);
        await saveScreenshot(page, artifacts, 'escalations-call-panel');
      }),
    );
  });

  test('route controls change the route in the store and log an operator event', async () => {
    const task = fixture.tasks.shadow;
    const page = await session.newPage();
    page.setDefaultTimeout(15_000);
    const problems = watchPage(page);
    let step = 'open';
    try {
      await page.goto(`${fixture.origin}/ui/#/tasks/${encodeURIComponent(task)}`);
      await waitForData(page, '[data-figure="detail-route-mode"][data-value="shadow"]');
      const changes: Array<{ mode: 'canary' | 'live' | 'shadow'; percent?: string }> = [{ mode: 'canary', percent: '30' }, { mode: 'live' }, { mode: 'shadow' }];
      let previous = 'shadow';
      for (const change of changes) {
        step = change.mode;
        const eventsBefore = await fixture.store.routes.events({ task });
        await page.locator(`[data-testid="route-mode-${change.mode}"]`).click();
        if (change.percent !== undefined) await page.locator('[data-testid="canary-share-input"]').fill(change.percent);
        await saveScreenshot(page, artifacts, `route-confirm-${change.mode}`);
        await page.locator('[data-testid="confirm-route-change"]').click();
        await page.locator(`[data-figure="detail-route-mode"][data-value="${change.mode}"]`).waitFor();
        await waitForData(page, '[data-figure="detail-calls"]');

        const route = await fixture.store.routes.get(task);
        assert.equal(route?.mode, change.mode, `after ${change.mode}: store.routes.get(${task}).mode`);
        assert.equal(route?.specialistId, fixture.specialists.shadow, 'the route keeps its specialist');
        assert.equal(route?.timeoutMs, 5_000, 'the route keeps its timeout');
        assert.equal(route?.automatic, false, "an operator's route is pinned");
        if (change.percent !== undefined) assert.equal(route?.canaryShare, Number(change.percent) / 100);
        const events = await fixture.store.routes.events({ task });
        assert.equal(events.length, eventsBefore.length + 1, `after ${change.mode}: one new route event`);
        const newest = events[0];
        assert.equal(newest?.actor, 'operator');
        assert.equal(newest?.fromMode, previous);
        assert.equal(newest?.toMode, change.mode);
        previous = change.mode;
        // The page's figures follow the store after the change.
        assertFigures(`task ${task} after ${change.mode}`, await readFigures(page), await readStoreFigures(fixture.store, fixture.loaded), { task });
      }
      assert.deepEqual(problems.lines, [], 'the task page reported problems while changing routes');
    } finally {
      await saveScreenshot(page, artifacts, `route-controls-${step}`);
      await page.close();
    }
  });

  test('a route the server refuses shows its reason and leaves the store alone', async (t) => {
    const task = fixture.tasks.unrouted;
    if (task === null) return t.skip('discovery found no fourth closed task to leave unrouted');
    const eventsBefore = await fixture.store.routes.events({ task });
    const refusal = (line: string) => /\b400\b/.test(line) && line.includes('/admin/routes/');
    await visit(session, 'route-refused', `/tasks/${encodeURIComponent(task)}`, '[data-figure="detail-route-mode"][data-value="off"]', async (page) => {
      await page.locator('[data-testid="route-mode-shadow"]').click();
      await page.locator('[data-testid="confirm-route-change"]').click();
      const message = await page.locator('[data-testid="route-change-error"]').innerText();
      assert.match(message, /no ready specialist/);
      assert.equal(await fixture.store.routes.get(task), undefined, 'no route was written');
      assert.equal((await fixture.store.routes.events({ task })).length, eventsBefore.length, 'no route event was written');
    }, refusal);
  });

  test('without a login: the login screen, 401 from the API, a one-time link that works once', async () => {
    const unauthorized = [
      '/admin/overview',
      '/admin/tasks',
      `/admin/tasks/${encodeURIComponent(fixture.tasks.canary)}`,
      '/admin/jobs',
      `/admin/jobs/${fixture.jobs.running}`,
      '/admin/specialists',
      '/admin/models',
      '/admin/escalations',
      '/admin/summary',
    ];
    for (const route of unauthorized) {
      const anonymous = await fetch(`${fixture.origin}${route}`);
      assert.equal(anonymous.status, 401, `GET ${route} without credentials`);
      const wrong = await fetch(`${fixture.origin}${route}`, { headers: { authorization: 'Bearer usa_not_the_token' } });
      assert.equal(wrong.status, 401, `GET ${route} with a wrong token`);
      const admitted = await fetch(`${fixture.origin}${route}`, { headers: { authorization: `Bearer ${fixture.adminToken}` } });
      assert.equal(admitted.status, 200, `GET ${route} with the admin token`);
    }
    const routeBefore = await fixture.store.routes.get(fixture.tasks.canary);
    const put = await fetch(`${fixture.origin}/admin/routes/${encodeURIComponent(fixture.tasks.canary)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-understudy-ui': '1' },
      body: JSON.stringify({ mode: 'off', confirm: true }),
    });
    assert.equal(put.status, 401, 'PUT /admin/routes without credentials');
    assert.deepEqual(await fixture.store.routes.get(fixture.tasks.canary), routeBefore, 'a refused change leaves the route alone');

    // The only failures a signed-out page may report are the 401s that send it to the login screen.
    const expected401 = (line: string) => /\b401\b/.test(line) && /\/admin\//.test(line);
    const anonymous = await newTestContext(browser);
    try {
      await visit(anonymous, 'login-screen', '/', '[data-testid="login-screen"]', async (page, figures) => {
        assert.deepEqual(figures, [], 'a signed-out page shows no figures');
        await page.locator('[data-testid="admin-token-input"]').fill('usa_not_the_token');
        await page.locator('[data-testid="admin-token-input"]').press('Enter');
        await page.getByText('That token was not accepted.').waitFor();
        await saveScreenshot(page, artifacts, 'login-screen-refused');
        await page.locator('[data-testid="admin-token-input"]').fill(fixture.adminToken);
        await page.locator('[data-testid="admin-token-input"]').press('Enter');
        await waitForData(page, '[data-figure="calls"]');
        assertFigures('overview after pasting the token', await readFigures(page), await readStoreFigures(fixture.store, fixture.loaded), {}, requiredOverviewFigures);
      }, expected401);
    } finally {
      await anonymous.close();
    }

    const link = fixture.gateway.createUiLoginUrl();
    const first = await newTestContext(browser);
    const second = await newTestContext(browser);
    try {
      const page = await first.newPage();
      const guardedPut = `PUT ${fixture.origin}/admin/routes/${encodeURIComponent(fixture.tasks.canary)}`;
      // The one refusal this page may report is the 403 this test provokes below.
      const problems = watchPage(page, (line) => /\b403\b/.test(line) && (line.includes(guardedPut) || line.includes(`(${fixture.origin}/admin/routes/`)));
      const response = await page.goto(link);
      assert.equal(response?.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/ui/', 'the login link redirects to the dashboard');
      await waitForData(page, '[data-figure="calls"]');
      assert.equal(await page.locator('[data-testid="login-screen"]').count(), 0);
      const cookies = await first.cookies(fixture.origin);
      assert.ok(cookies.some((cookie) => cookie.httpOnly && cookie.sameSite === 'Strict'), 'an httpOnly, SameSite=Strict session cookie');
      // The session opens the API; a change without the dashboard's header is refused (CSRF guard).
      assert.equal(await page.evaluate(async () => (await fetch('/admin/overview')).status), 200);
      const unguarded = await page.evaluate(async (task) => (await fetch(`/admin/routes/${encodeURIComponent(task)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'off', confirm: true }) })).status, fixture.tasks.canary);
      assert.equal(unguarded, 403);
      assert.deepEqual(await fixture.store.routes.get(fixture.tasks.canary), routeBefore);
      assert.deepEqual(problems.lines, [], 'the signed-in page reported problems');
      await saveScreenshot(page, artifacts, 'login-link-first-use');

      const reused = await second.newPage();
      const again = await reused.goto(link);
      assert.equal(again?.status(), 401, 'a login link works once');
      assert.deepEqual(await second.cookies(fixture.origin), [], 'no session from a used link');
      await saveScreenshot(reused, artifacts, 'login-link-second-use');
    } finally {
      await first.close();
      await second.close();
    }
  });
});

/**
 * Counts the page's fetches in flight (`window.__understudyPendingFetches`), so a test can wait for the data
 * instead of for a quiet network (`networkidle` costs half a second a page).
 */
async function newTestContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => {
    const counter = window as unknown as { __understudyPendingFetches: number };
    counter.__understudyPendingFetches = 0;
    const originalFetch = window.fetch.bind(window);
    window.fetch = (...parameters: Parameters<typeof fetch>) => {
      counter.__understudyPendingFetches += 1;
      return originalFetch(...parameters).finally(() => {
        counter.__understudyPendingFetches -= 1;
      });
    };
  });
  return context;
}

/** Waits for `ready`, then until no fetch is in flight and no loading state is shown; fails on an error state. */
async function waitForData(page: Page, ready: string): Promise<void> {
  await page.locator(ready).first().waitFor();
  await page.waitForFunction(() => (window as unknown as { __understudyPendingFetches?: number }).__understudyPendingFetches === 0 && document.querySelector('[aria-busy="true"]') === null);
  // One more frame, so what the last response set is on the screen.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const failures = await page.locator('[data-testid="error-state"]').allInnerTexts();
  assert.deepEqual(failures, [], 'the page shows an error state');
}

async function readFigures(page: Page, within = 'body'): Promise<FigureReading[]> {
  return page.locator(within).first().evaluate((root) =>
    [...root.querySelectorAll('[data-figure]')].map((element) => ({ key: element.getAttribute('data-figure') ?? '', value: element.getAttribute('data-value') ?? '' })),
  );
}
