import { useCallback, useEffect, useState } from 'react';
import { ApiError, requestJson } from './api-client.ts';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | null;
  /** True until the first answer (later reloads keep showing the previous data). */
  loading: boolean;
  reload: () => void;
}

export interface ResourceOptions {
  /** Reload every this many ms while mounted (and the tab is visible). */
  pollMs?: number | null;
}

/**
 * Loads one admin route and keeps it fresh: refetches when `path` changes, on `reload()`, and every `pollMs`.
 * `path` null loads nothing. Stale answers (a previous path's) are dropped.
 */
export function useResource<T>(path: string | null, options: ResourceOptions = {}): Resource<T> {
  const [state, setState] = useState<{ path: string | null; data: T | undefined; error: ApiError | null }>({ path: null, data: undefined, error: null });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    requestJson<T>(path, { signal: controller.signal }).then(
      (data) => {
        if (!controller.signal.aborted) setState({ path, data, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError = error instanceof ApiError ? error : new ApiError(error instanceof Error ? error.message : String(error), 0, null);
        setState((previous) => ({ path, data: previous.path === path ? previous.data : undefined, error: apiError }));
      },
    );
    return () => controller.abort();
  }, [path, generation]);

  const pollMs = options.pollMs ?? null;
  useEffect(() => {
    if (path === null || pollMs === null) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') setGeneration((value) => value + 1);
    }, pollMs);
    return () => window.clearInterval(timer);
  }, [path, pollMs]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const current = state.path === path;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : null,
    loading: path !== null && (!current || (state.data === undefined && state.error === null)),
    reload,
  };
}
