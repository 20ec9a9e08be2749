import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** A CSS colour (the palette in styles.css works in light and dark mode). */
  color: string;
  values: ReadonlyArray<number | null>;
  /** Fill the area under the line. */
  fill?: boolean;
  dash?: number[];
}

export interface UplotChartProps {
  /** X values: epoch seconds when `xKind` is `time`, plain numbers (e.g. training steps) otherwise. */
  x: ReadonlyArray<number>;
  series: ChartSeries[];
  xKind?: 'time' | 'number';
  /** Formats y values on the axis and in the legend. */
  formatY?: (value: number) => string;
  /** Fixed y range, e.g. [0, 1] for shares. */
  yRange?: [number, number];
  height?: number;
  /** The spacing of x values (a bucket's seconds, a step), so a single point still gets a readable axis. */
  xStep?: number;
  /** Accessible description of the chart. */
  title: string;
}

/**
 * A small React wrapper around uPlot: creates the chart once per shape (series labels, axis kind), pushes new
 * data with `setData`, follows the container's width, and reads its colours from the CSS variables so the
 * dark-mode media query applies.
 */
export function UplotChart({ x, series, xKind = 'time', formatY = defaultFormat, yRange, height = 200, xStep = 1, title }: UplotChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  // The formatter is read through a ref so a new function identity does not rebuild the chart.
  const formatRef = useRef(formatY);
  useLayoutEffect(() => {
    formatRef.current = formatY;
  });

  // Few points: draw them as dots, since a line needs two and short lines are easy to miss.
  const sparse = x.length < 40;
  const shapeKey = JSON.stringify([xKind, yRange ?? null, height, sparse, xStep, series.map((item) => [item.label, item.color, item.fill ?? false, item.dash ?? null])]);
  const data = [Array.from(x), ...series.map((item) => Array.from(item.values))] as uPlot.AlignedData;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const style = getComputedStyle(container);
    const axisColour = style.getPropertyValue('--chart-axis').trim() || '#6b7280';
    const gridColour = style.getPropertyValue('--chart-grid').trim() || '#e5e7eb';
    const font = `11px ${style.fontFamily}`;
    const axis = (): uPlot.Axis => ({ stroke: axisColour, font, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: gridColour, width: 1, size: 4 } });
    const formatLegend = (_chart: uPlot, value: number | null) => (value === null || value === undefined ? '—' : formatRef.current(value));
    const options: uPlot.Options = {
      width: Math.max(200, container.clientWidth),
      height,
      scales: {
        // uPlot widens a single time point to 1000 days (86400 / ms with seconds); centre it on its own step instead.
        x: { time: xKind === 'time', range: (chart, min, max) => (chart.data[0].length === 1 ? [(chart.data[0][0] ?? min) - xStep, (chart.data[0][0] ?? min) + xStep] : [min, max]) },
        y: yRange ? { range: yRange } : { range: (_chart, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        axis(),
        { ...axis(), size: 56, values: (_chart, splits) => splits.map((value) => formatRef.current(value)) },
      ],
      series: [
        xKind === 'time' ? {} : { label: 'step', value: (_chart, value) => (value === null ? '—' : String(value)) },
        ...series.map(
          (item): uPlot.Series => ({
            label: item.label,
            stroke: item.color,
            width: 1.75,
            fill: item.fill ? withAlpha(item.color, 0.12) : undefined,
            dash: item.dash,
            points: { show: sparse, size: 5, fill: item.color },
            spanGaps: false,
            value: formatLegend,
          }),
        ),
      ],
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
    };
    const chart = new uPlot(options, data, container);
    chartRef.current = chart;
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, container.clientWidth);
      if (width !== chart.width) chart.setSize({ width, height });
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
    // The chart is rebuilt only when its shape changes; data updates go through setData below.
  }, [shapeKey]);

  const dataKey = JSON.stringify(data);
  useEffect(() => {
    chartRef.current?.setData(data);
  }, [dataKey]);

  return <div className="chart" ref={containerRef} role="img" aria-label={title} />;
}

function defaultFormat(value: number): string {
  return Math.abs(value) >= 1000 ? `${Math.round(value / 100) / 10}k` : String(Math.round(value * 100) / 100);
}

/** `#rrggbb` → `rgba(…, alpha)`; other colour syntaxes are returned unchanged. */
function withAlpha(colour: string, alpha: number): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!match) return colour;
  const [, red = '0', green = '0', blue = '0'] = match;
  return `rgba(${parseInt(red, 16)}, ${parseInt(green, 16)}, ${parseInt(blue, 16)}, ${alpha})`;
}
