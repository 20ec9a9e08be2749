/**
 * The dashboard's pages and login on a real gateway: the one-time login link (and fresh ones from
 * `POST /admin/login-links`, admin token only), the session cookie in place of the
 * admin token (with the CSRF header on changes), and the static files (content types, caching, SPA fallback, no
 * way out of the build directory), plus the page shown when the dashboard is not built.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KnownTask } from '../../contracts/task-signature.ts';
import { createUiSessions, uiLoginTokenTtlMs, uiSessionTtlMs } from '../ui-sessions.ts';
import { startTestGateway, type TestGateway } from '../testing/start-test-gateway.ts';

const task: KnownTask = { id: 'greet', name: 'greet', source: 'declared', agency: 'code', signature: { anchors: [], optional: [], structure: [] }, tools: [], responseFormat: null, callCount: 1, openEnded: false, updatedAt: 0 };

describe('dashboard login and pages', () => {
  let harness: TestGateway;
  let uiDirectory: string;
  let origin: string;

  before(async () => {
    uiDirectory = await mkdtemp(path.join(tmpdir(), 'understudy-ui-'));
    await mkdir(path.join(uiDirectory, 'assets'));
    await writeFile(path.join(uiDirectory, 'index.html'), '<!doctype html><title>Understudy</title><div id="root"></div>');
    await writeFile(path.join(uiDirectory, 'assets', 'index-3f2a9c01.js'), 'console.log("dashboard")');
    await writeFile(path.join(uiDirectory, 'assets', 'index-3f2a9c01.css'), 'body{margin:0}');
    await writeFile(path.join(path.dirname(uiDirectory), `${path.basename(uiDirectory)}-secret.txt`), 'outside');
    harness = await startTestGateway({ uiDirectory, routing: { enabled: false } });
    origin = `http://127.0.0.1:${harness.gateway.port}`;
    await harness.gateway.store.tasks.upsert([task]);
  });
  after(async () => {
    await harness?.close();
    await rm(uiDirectory, { recursive: true, force: true });
    await rm(`${uiDirectory}-secret.txt`, { force: true });
  });

  it('a login link works once and gives an HttpOnly, SameSite=Strict session cookie', async () => {
    const url = harness.gateway.createUiLoginUrl();
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${harness.gateway.port}/ui/login\\?token=[A-Za-z0-9_-]{20,}$`));
    const first = await fetch(url, { redirect: 'manual' });
    assert.equal(first.status, 302);
    assert.equal(first.headers.get('location'), '/ui/');
    assert.equal(first.headers.get('referrer-policy'), 'no-referrer');
    const cookie = first.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^understudy_session=[A-Za-z0-9_-]+;/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    const again = await fetch(url, { redirect: 'manual' });
    assert.equal(again.status, 401, 'the token is spent');
    assert.equal(again.headers.get('set-cookie'), null);
    assert.equal((await fetch(`${origin}/ui/login?token=made-up`, { redirect: 'manual' })).status, 401);
    assert.equal((await fetch(`${origin}/ui/login`, { redirect: 'manual' })).status, 401);
  });

  it('the session cookie opens the admin API; changes also need x-understudy-ui', async () => {
    const login = await fetch(harness.gateway.createUiLoginUrl(), { redirect: 'manual' });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const tasks = await fetch(`${origin}/admin/tasks`, { headers: { cookie: session } });
    assert.equal(tasks.status, 200);
    assert.deepEqual(((await tasks.json()) as { data: Array<{ id: string }> }).data.map((row) => row.id), ['greet']);
    assert.equal((await fetch(`${origin}/admin/tasks`, { headers: { cookie: 'understudy_session=forged' } })).status, 401);
    const wrongToken = await fetch(`${origin}/admin/tasks`, { headers: { cookie: session, authorization: 'Bearer wrong' } });
    assert.equal(wrongToken.status, 401, 'a presented token is checked even beside a valid cookie');

    const body = JSON.stringify({ mode: 'off', confirm: true });
    const withoutHeader = await fetch(`${origin}/admin/routes/greet`, { method: 'PUT', headers: { cookie: session, 'content-type': 'application/json' }, body });
    assert.equal(withoutHeader.status, 403);
    assert.match(((await withoutHeader.json()) as { error: { message: string } }).error.message, /x-understudy-ui: 1/);
    assert.equal(await harness.gateway.store.routes.get('greet'), undefined);
    const withHeader = await fetch(`${origin}/admin/routes/greet`, { method: 'PUT', headers: { cookie: session, 'content-type': 'application/json', 'x-understudy-ui': '1' }, body });
    assert.equal(withHeader.status, 200);
    assert.equal((await harness.gateway.store.routes.get('greet'))?.mode, 'off');
    const [event] = await harness.gateway.store.routes.events({ task: 'greet' });
    assert.equal(event?.actor, 'operator');
    const withToken = await fetch(`${origin}/admin/routes/greet`, { method: 'PUT', headers: { authorization: `Bearer ${harness.adminToken}`, 'content-type': 'application/json' }, body });
    assert.equal(withToken.status, 200, 'the admin token needs no UI header');
  });

  it('POST /admin/login-links mints a fresh one-time link with the admin token, never from a session', async () => {
    const mint = (headers: Record<string, string>) => fetch(`${origin}/admin/login-links`, { method: 'POST', headers });
    const minted = await mint({ authorization: `Bearer ${harness.adminToken}` });
    assert.equal(minted.status, 201);
    const link = (await minted.json()) as { url: string; expiresAt: number };
    assert.match(link.url, new RegExp(`^${origin}/ui/login\\?token=[A-Za-z0-9_-]{20,}$`));
    assert.ok(link.expiresAt > Date.now() && link.expiresAt <= Date.now() + uiLoginTokenTtlMs, `expiresAt ${link.expiresAt}: within the ten minutes a link works`);
    const first = await fetch(link.url, { redirect: 'manual' });
    assert.equal(first.status, 302);
    const session = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.equal((await fetch(`${origin}/admin/tasks`, { headers: { cookie: session } })).status, 200, 'the link logs in');
    assert.equal((await fetch(link.url, { redirect: 'manual' })).status, 401, 'once');
    const viaHeader = await mint({ 'x-understudy-admin-token': harness.adminToken });
    assert.equal(viaHeader.status, 201, 'the admin token in its own header works too');

    const anonymous = await mint({});
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'invalid_admin_token');
    assert.equal((await mint({ authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await mint({ cookie: session })).status, 403, 'a change from a session needs the UI header first');
    const fromSession = await mint({ cookie: session, 'x-understudy-ui': '1' });
    assert.equal(fromSession.status, 403, 'even with it, a session (a stolen cookie, say) cannot mint logins');
    const error = ((await fromSession.json()) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'forbidden');
    assert.match(error.message, /minted with the admin token only/);
  });

  it('serves the built dashboard: content types, caching and the SPA fallback', async () => {
    assert.equal((await fetch(`${origin}/`, { redirect: 'manual' })).headers.get('location'), '/ui/');
    assert.equal((await fetch(`${origin}/ui`, { redirect: 'manual' })).headers.get('location'), '/ui/');
    const index = await fetch(`${origin}/ui/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(await index.text(), /<div id="root">/);
    const script = await fetch(`${origin}/ui/assets/index-3f2a9c01.js`);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(await script.text(), 'console.log("dashboard")');
    assert.equal((await fetch(`${origin}/ui/assets/index-3f2a9c01.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
    const deepLink = await fetch(`${origin}/ui/tasks/support%2Fextract-order`);
    assert.equal(deepLink.status, 200);
    assert.match(await deepLink.text(), /<div id="root">/);
    assert.equal((await fetch(`${origin}/ui/assets/missing.js`)).status, 404);
    const head = await fetch(`${origin}/ui/assets/index-3f2a9c01.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
  });

  it('never serves a file outside the build directory', async () => {
    const outside = `${path.basename(uiDirectory)}-secret.txt`;
    for (const attempt of [`/ui/../${outside}`, `/ui/%2e%2e/${outside}`, `/ui/assets/%2e%2e%2f%2e%2e%2f${outside}`, `/ui/..%5c${outside}`, `/ui/%2fetc%2fpasswd`]) {
      const response = await fetch(`${origin}${attempt}`);
      const text = await response.text();
      assert.doesNotMatch(text, /outside|root:/, attempt);
    }
  });

  it('says how to build the dashboard when it is not built', async () => {
    const bare = await startTestGateway({ uiDirectory: path.join(uiDirectory, 'no-build-here'), routing: { enabled: false } });
    try {
      const response = await fetch(`http://127.0.0.1:${bare.gateway.port}/ui/`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /the dashboard is not built: run <code>npm run build:ui<\/code>/i);
    } finally {
      await bare.close();
    }
  });
});

describe('ui sessions', () => {
  it('expire: login tokens after ten minutes, sessions after twelve hours', () => {
    let now = 1_000_000;
    const sessions = createUiSessions({ now: () => now });
    const late = sessions.mintLoginToken().token;
    now += uiLoginTokenTtlMs;
    assert.equal(sessions.redeemLoginToken(late), undefined);
    const session = sessions.redeemLoginToken(sessions.mintLoginToken().token);
    assert.ok(session !== undefined);
    assert.equal(sessions.verifySession(session), true);
    now += uiSessionTtlMs - 1;
    assert.equal(sessions.verifySession(session), true);
    now += 1;
    assert.equal(sessions.verifySession(session), false);
    assert.equal(sessions.verifySession(undefined), false);
  });
});
