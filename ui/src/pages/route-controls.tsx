import { useState } from 'react';
import { ApiError, requestJson } from '../api/api-client.ts';
import type { DashboardRoute, RouteChangeRequest, RouteMode, RoutePolicy } from '../api/contract-types.ts';
import { ConfirmDialog } from '../components/dialogs.tsx';
import { formatPercent } from '../lib/format.ts';

const modes: Array<{ mode: RouteMode; label: string; description: string }> = [
  { mode: 'off', label: 'Off', description: 'The LLM answers every call; the specialist does not run.' },
  { mode: 'shadow', label: 'Shadow', description: 'The LLM answers; the specialist answers the same calls off the critical path and its agreement is scored.' },
  { mode: 'canary', label: 'Canary', description: 'A share of the calls goes to the specialist, the rest stay on the LLM. Failed answers escalate to the LLM.' },
  { mode: 'live', label: 'Live', description: 'Every call goes to the specialist. Failed answers escalate to the LLM.' },
];

const defaultCanaryShare = 0.1;

/**
 * Off / shadow / canary / live buttons for one task. Each opens a confirmation, then sends
 * `PUT /admin/routes/:task` with `confirm: true`; the server's error message is shown as is.
 */
export function RouteControls({ taskId, taskName, route, onChanged }: { taskId: string; taskName: string; route: RoutePolicy | null; onChanged: () => void }) {
  const currentMode = route?.mode ?? 'off';
  const [pending, setPending] = useState<RouteMode | null>(null);
  const [canaryPercent, setCanaryPercent] = useState(() => String(Math.round((route && route.canaryShare > 0 ? route.canaryShare : defaultCanaryShare) * 1000) / 10));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const canaryShare = Number(canaryPercent) / 100;
  const canaryValid = Number.isFinite(canaryShare) && canaryShare > 0 && canaryShare <= 1;

  const open = (mode: RouteMode) => {
    setError(null);
    setPending(mode);
  };
  const close = () => {
    if (!busy) setPending(null);
  };

  const confirm = async () => {
    if (pending === null) return;
    if (pending === 'canary' && !canaryValid) {
      setError('The canary share must be more than 0% and at most 100%.');
      return;
    }
    const body: RouteChangeRequest = pending === 'canary' ? { mode: pending, canaryShare, confirm: true } : { mode: pending, confirm: true };
    setBusy(true);
    setError(null);
    try {
      await requestJson<DashboardRoute>(`/admin/routes/${encodeURIComponent(taskId)}`, { method: 'PUT', body });
      setPending(null);
      onChanged();
    } catch (caught) {
      setError(caught instanceof ApiError || caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const pendingInfo = modes.find((item) => item.mode === pending);
  return (
    <div className="route-controls">
      <div className="segmented segmented-large" role="group" aria-label="Route mode">
        {modes.map((item) => {
          const active = item.mode === currentMode;
          return (
            <button
              key={item.mode}
              type="button"
              className={`segmented-item${active ? ' segmented-active' : ''}`}
              aria-pressed={active}
              disabled={active && item.mode !== 'canary'}
              title={active && item.mode === 'canary' ? 'Change the canary share' : item.description}
              onClick={() => open(item.mode)}
              data-testid={`route-mode-${item.mode}`}
            >
              {item.label}
              {item.mode === 'canary' && route?.mode === 'canary' ? ` ${formatPercent(route.canaryShare, 0)}` : ''}
            </button>
          );
        })}
      </div>
      {pending !== null && pendingInfo ? (
        <ConfirmDialog
          title={pending === currentMode ? `Change the canary share of ${taskName}?` : `Switch ${taskName} to ${pending}?`}
          confirmLabel={pending === 'off' ? 'Turn the route off' : `Set to ${pending}`}
          busy={busy}
          error={error}
          onConfirm={() => void confirm()}
          onCancel={close}
          confirmTestId="confirm-route-change"
        >
          <p>
            From <strong>{currentMode}</strong> to <strong>{pending}</strong>. {pendingInfo.description}
          </p>
          {pending === 'canary' ? (
            <label className="field field-inline">
              <span className="field-label">Share of calls to the specialist</span>
              <span className="input-suffix">
                <input className="input input-narrow" type="number" min={1} max={100} step={1} value={canaryPercent} onChange={(event) => setCanaryPercent(event.target.value)} data-testid="canary-share-input" />%
              </span>
            </label>
          ) : null}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
