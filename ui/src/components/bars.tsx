/** A thin horizontal bar for a share in 0..1, next to its number in table cells. */
export function ShareBar({ share, tone = 'accent' }: { share: number | null; tone?: 'accent' | 'green' | 'amber' }) {
  const width = share === null ? 0 : Math.max(0, Math.min(1, share)) * 100;
  return (
    <span className="share-bar" aria-hidden="true">
      <span className={`share-bar-fill share-bar-${tone}`} style={{ width: `${width}%` }} />
    </span>
  );
}

export function ProgressBar({ step, totalSteps, status }: { step: number | null; totalSteps: number | null; status: string }) {
  const known = step !== null && totalSteps !== null && totalSteps > 0;
  const fraction = known ? Math.min(1, step / totalSteps) : status === 'succeeded' ? 1 : 0;
  return (
    <span className={`progress progress-${status}`} role="progressbar" aria-valuemin={0} aria-valuemax={1} aria-valuenow={fraction}>
      <span className="progress-fill" style={{ width: `${fraction * 100}%` }} />
    </span>
  );
}
