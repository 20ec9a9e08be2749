/**
 * The dashboard's pages: the built single-page app from `<package root>/dist/ui` under `/ui/*`, and the
 * one-time login at `/ui/login`. The pages themselves are public (HTML and JavaScript, no data); every figure
 * they show comes from `/admin/*`, behind the admin token or the session cookie minted here.
 *
 * Caching: files under `/ui/assets/` carry a content hash in their names (Vite), so they are cached for a year;
 * `index.html` and the rest are revalidated on every load, so a new build shows at once. Unknown paths under
 * `/ui/` answer `index.html` (the app routes on the client), except under `/ui/assets/`, where a missing file is
 * a 404 rather than HTML served as a script.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { UnderstudyError } from '../contracts/errors.ts';
import { uiSessionCookieName, uiSessionTtlMs, type UiSessions } from './ui-sessions.ts';

/** Where `npm run build:ui` writes the dashboard. */
export const defaultUiDirectory = fileURLToPath(new URL('../../dist/ui', import.meta.url));

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

const immutableCache = 'public, max-age=31536000, immutable';

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Understudy dashboard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Understudy</h1>
<p>The dashboard is not built: run <code>npm run build:ui</code>, then reload this page.</p>
<p>The admin API (<code>/admin/*</code>, with the admin token) works without it.</p>
</body></html>
`;

const loginFailedPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Understudy dashboard</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>This login link does not work</h1>
<p>Login links work once and for ten minutes, and only until the gateway restarts. Use the newest link
<code>understudy serve</code> printed, or restart it for a new one.</p>
</body></html>
`;

export interface UiRoutesOptions {
  sessions: UiSessions;
  /** The built dashboard; default `<package root>/dist/ui`. */
  directory?: string;
}

export function createUiRoutes(options: UiRoutesOptions): Hono {
  const root = path.resolve(options.directory ?? defaultUiDirectory);
  const ui = new Hono();

  ui.get('/', (c) => c.redirect('/ui/', 302));
  ui.get('/ui', (c) => c.redirect('/ui/', 302));

  ui.get('/ui/login', (c) => {
    const token = c.req.query('token');
    const sessionId = token === undefined || token === '' ? undefined : options.sessions.redeemLoginToken(token);
    // The token sits in the URL: never let it leak through a Referer header or a cache.
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    if (sessionId === undefined) return c.html(loginFailedPage, 401);
    setCookie(c, uiSessionCookieName, sessionId, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: Math.floor(uiSessionTtlMs / 1000) });
    return c.redirect('/ui/', 302);
  });

  // Hono answers HEAD with the GET handler's headers and no body.
  ui.get('/ui/*', async (c) => serveUiFile(c, root));
  return ui;
}

async function serveUiFile(c: Context, root: string): Promise<Response> {
  const relative = relativeUiPath(c.req.path);
  const file = relative === '' ? undefined : resolveInside(root, relative);
  if (file !== undefined && (await isFile(file))) {
    const cacheControl = relative.startsWith('assets/') ? immutableCache : 'no-cache';
    return fileResponse(c, file, cacheControl);
  }
  if (relative.startsWith('assets/')) throw new UnderstudyError('route_not_found', `Unknown dashboard asset: /ui/${relative}`);
  const index = path.join(root, 'index.html');
  if (!(await isFile(index))) {
    c.header('cache-control', 'no-cache');
    return c.html(notBuiltPage, 200);
  }
  return fileResponse(c, index, 'no-cache');
}

/** The path below `/ui/`, decoded; `''` for the app's root. */
function relativeUiPath(requestPath: string): string {
  const below = requestPath.replace(/^\/ui\/?/, '');
  try {
    return decodeURIComponent(below);
  } catch {
    throw new UnderstudyError('invalid_request', `Invalid path: ${requestPath}`);
  }
}

/** Undefined for anything that would leave the dashboard's directory (`..`, absolute paths, NUL bytes). */
function resolveInside(root: string, relative: string): string | undefined {
  if (relative.includes('\0') || relative.includes('\\')) return undefined;
  if (relative.split('/').some((segment) => segment === '..')) return undefined;
  const resolved = path.resolve(root, relative);
  return resolved.startsWith(`${root}${path.sep}`) ? resolved : undefined;
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

async function fileResponse(c: Context, file: string, cacheControl: string): Promise<Response> {
  const body = await readFile(file);
  const headers = {
    'content-type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
  };
  return c.body(body, 200, headers);
}
