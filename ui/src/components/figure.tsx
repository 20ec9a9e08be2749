import type { ReactNode } from 'react';

export type FigureValue = number | string | boolean | null | undefined;

/** The raw value for `data-value`: numbers unformatted (ratios 0..1, USD unrounded), null as ''. */
export function rawFigureValue(value: FigureValue): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * A figure the page shows, marked for the browser tests: `data-figure` names it (keys listed in
 * src/contracts/dashboard-api.ts), `data-value` carries the unformatted value the children display.
 */
export function Figure({ name, value, children, className, title }: { name: string; value: FigureValue; children: ReactNode; className?: string; title?: string }) {
  return (
    <span className={className} data-figure={name} data-value={rawFigureValue(value)} title={title}>
      {children}
    </span>
  );
}
