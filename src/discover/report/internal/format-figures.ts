/** Number formatting shared by the verdict reasons and the three renderers, so every figure reads the same. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `$1,234`, `$12.34`, `$0.0012`, `-$0.50`: two significant digits below a dollar, where bills of small tasks live. */
export function formatUsd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const size = Math.abs(value);
  if (size === 0) return '$0';
  if (size >= 100) return `${sign}$${grouped.format(size)}`;
  if (size >= 1) return `${sign}$${size.toFixed(2)}`;
  return `${sign}$${Number(size.toPrecision(2)).toString()}`;
}

/** A 0–1 share as `12.3%`; `<0.1%` for tiny non-zero shares. */
export function formatPercent(share: number): string {
  const percent = share * 100;
  if (percent > 0 && percent < 0.1) return '<0.1%';
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

export function formatCount(value: number): string {
  return grouped.format(value);
}

export function formatMs(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** `0.82` for a 0–1 measure. */
export function formatRatio(value: number): string {
  return value.toFixed(2);
}
