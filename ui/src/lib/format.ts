/**
 * Number and time formatting for the pages: one place, so money, shares and counts read the same everywhere.
 * Raw values for the browser tests go in `data-value` (see components/figure.tsx), never these strings.
 */

const countFormat = new Intl.NumberFormat('en-US');
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const usdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const smallUsdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumSignificantDigits: 2, maximumFractionDigits: 6 });

export const emptyValue = '—';

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return emptyValue;
  return countFormat.format(value);
}

export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined) return emptyValue;
  return Math.abs(value) < 10_000 ? countFormat.format(value) : compactFormat.format(value);
}

/** USD with cents; amounts under a cent keep three significant digits so they do not all read "$0.00". */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return emptyValue;
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && magnitude < 0.01) {
    return value < 0 ? `-${formatSmallUsd(magnitude)}` : formatSmallUsd(magnitude);
  }
  return usdFormat.format(value);
}

function formatSmallUsd(magnitude: number): string {
  return magnitude < 1e-6 ? '<$0.000001' : smallUsdFormat.format(magnitude);
}

/** A ratio in 0..1 as a percentage: one decimal under 10 %, none above 99.5 % unless it is not exactly 1. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return emptyValue;
  const percent = value * 100;
  if (percent === 0 || percent === 100) return `${percent}%`;
  return `${percent.toFixed(digits)}%`;
}

/** A duration in seconds as "45s", "3m 20s", "2h 5m". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return emptyValue;
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return total % 60 === 0 ? `${minutes}m` : `${minutes}m ${total % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

export function formatMilliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return emptyValue;
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function formatDateTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return emptyValue;
  return dateTimeFormat.format(new Date(epochMs));
}

/** "3 minutes ago" style, for lists; the absolute time goes in the element's title. */
export function formatRelative(epochMs: number | null | undefined, now = Date.now()): string {
  if (epochMs === null || epochMs === undefined) return emptyValue;
  const seconds = (epochMs - now) / 1000;
  const magnitude = Math.abs(seconds);
  if (magnitude < 45) return 'just now';
  if (magnitude < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (magnitude < 86_400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  return relativeFormat.format(Math.round(seconds / 86_400), 'day');
}

export function formatParameters(value: number | null | undefined): string {
  if (value === null || value === undefined) return emptyValue;
  if (value >= 1e9) return `${(value / 1e9).toFixed(value >= 1e10 ? 0 : 1)}B`;
  if (value >= 1e6) return `${Math.round(value / 1e6)}M`;
  return compactFormat.format(value);
}

export function formatMebibytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return emptyValue;
  return value >= 1024 ? `${(value / 1024).toFixed(1)} GiB` : `${Math.round(value)} MiB`;
}

/** Pretty JSON for display; strings that hold JSON are parsed first so they read as structure. */
export function formatJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value) as unknown, null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}
