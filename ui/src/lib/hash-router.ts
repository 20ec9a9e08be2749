import { useSyncExternalStore } from 'react';

/**
 * A hash router: the app is static files under /ui/, so `#/tasks/extract-invoice` works without the server
 * knowing any page path. `useLocation` returns the path and the query after the `#`.
 */
export interface HashLocation {
  path: string;
  query: URLSearchParams;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function readHash(): string {
  return window.location.hash.replace(/^#/, '') || '/';
}

export function useLocation(): HashLocation {
  const hash = useSyncExternalStore(subscribe, readHash);
  const [path = '/', search = ''] = hash.split('?', 2);
  return { path, query: new URLSearchParams(search) };
}

/** The href for a page path, e.g. `href('/tasks/a b')` → `#/tasks/a%20b` (segments encoded by the caller). */
export function href(path: string, query?: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) search.set(key, value);
  const suffix = search.toString();
  return `#${path}${suffix ? `?${suffix}` : ''}`;
}

export function navigate(path: string, query?: Record<string, string | null | undefined>): void {
  window.location.hash = href(path, query).slice(1);
}

/** Matches `/tasks/:id` style patterns; returns the decoded parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const parameters: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    const actual = pathParts[index] ?? '';
    if (part.startsWith(':')) parameters[part.slice(1)] = safeDecode(actual);
    else if (part !== actual) return null;
  }
  return parameters;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
