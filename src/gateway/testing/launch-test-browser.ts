/**
 * Test support for browser tests: Debian's Chromium driven by playwright-core (no downloaded browser), a watcher
 * that collects everything a page complains about, and screenshots kept as test artifacts.
 *
 * The Chromium binary is `UNDERSTUDY_CHROMIUM` or `/usr/bin/chromium` (scripts/ensure-system-packages.sh
 * installs Debian's `chromium`); the flags keep it from reaching the network on its own or needing a GPU.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumArguments = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Where the browser tests keep screenshots: `<repository root>/test-artifacts/<name>` (git-ignored). */
export function testArtifactDirectory(name: string): string {
  const directory = fileURLToPath(new URL(`../../../test-artifacts/${name}`, import.meta.url));
  mkdirSync(directory, { recursive: true });
  return directory;
}

/** The Chromium binary to drive, or null when there is none (the caller skips with the reason). */
export function findChromium(environment: NodeJS.ProcessEnv = process.env): { path: string } | { path: null; reason: string } {
  const candidate = environment.UNDERSTUDY_CHROMIUM || '/usr/bin/chromium';
  if (existsSync(candidate)) return { path: candidate };
  return { path: null, reason: `no Chromium at ${candidate} (install Debian's chromium: scripts/ensure-system-packages.sh, or set UNDERSTUDY_CHROMIUM)` };
}

export function launchTestBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: chromiumArguments, timeout: 30_000 });
}

export interface PageProblems {
  /** Console errors and warnings, uncaught exceptions, failed requests and HTTP errors, one line each. */
  readonly lines: string[];
}

/**
 * Collects what a page reports: `console` errors and warnings, `pageerror`, requests that failed, and responses
 * with status 400 or more. `allow` filters lines a test expects (the login screen's 401, say).
 */
export function watchPage(page: Page, allow: (line: string) => boolean = () => false): PageProblems {
  const lines: string[] = [];
  const add = (line: string) => {
    if (!allow(line)) lines.push(line);
  };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') add(`console ${message.type()}: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => add(`page error: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => {
    // Navigating away aborts what the previous page still had in flight (its polls): not a fault of the page.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    add(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) add(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return { lines };
}

/** A full-page screenshot under `directory`; never throws (a failed screenshot must not hide the test's error). */
export async function saveScreenshot(page: Page, directory: string, name: string): Promise<string | null> {
  const file = path.join(directory, `${name.replace(/[^a-zA-Z0-9._-]+/g, '_')}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
    return file;
  } catch {
    return null;
  }
}
