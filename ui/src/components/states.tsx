import type { ReactNode } from 'react';
import type { ApiError } from '../api/api-client.ts';

/** What to do next when a page has nothing to show yet. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-state-title">{title}</div>
      <div className="empty-state-body">{children}</div>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const title = error.isNetworkError ? 'Cannot reach the gateway' : error.status === 404 ? 'Not found' : `Request failed (${error.status})`;
  return (
    <div className="error-state" role="alert" data-testid="error-state">
      <div className="error-state-title">{title}</div>
      <div className="error-state-body">{error.message}</div>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function LoadingState() {
  return (
    <div className="loading-state" aria-busy="true">
      Loading…
    </div>
  );
}

/** Shows loading/error states around a resource and renders `children` once data arrived. */
export function ResourceView<T>({ resource, children }: { resource: { data: T | undefined; error: ApiError | null; reload: () => void }; children: (data: T) => ReactNode }) {
  if (resource.data !== undefined) {
    // A refresh failed after an earlier success: keep the figures, say they may be stale.
    const stale = resource.error && !resource.error.isUnauthorized ? resource.error : null;
    return (
      <>
        {stale ? (
          <div className="stale-banner" role="status">
            Could not refresh: {stale.message}{' '}
            <button type="button" className="link-button" onClick={resource.reload}>
              Retry
            </button>
          </div>
        ) : null}
        {children(resource.data)}
      </>
    );
  }
  if (resource.error) return resource.error.isUnauthorized ? null : <ErrorState error={resource.error} onRetry={resource.reload} />;
  return <LoadingState />;
}
